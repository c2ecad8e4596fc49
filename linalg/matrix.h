// Dense row-major matrix with value semantics: Matrix holds doubles, MatrixF floats.
//
// Conventions for the whole codebase (see docs/linalg.md):
//   * element (i, j) lives at data()[i * cols() + j];
//   * free functions (matmul, transpose, frobenius_norm, ...) rather than a method zoo;
//   * shape mismatches throw std::invalid_argument naming both shapes;
//   * operator() is bounds-checked unless NDEBUG is defined (the release build keeps checks
//     off the hot loops by using raw pointers there, so the checks stay on in every build).
//
// One template, BasicMatrix<T>, for both scalar types (docs/precision.md): the float32 training path
// keeps its weights, states and gradients in MatrixF; everything that is measured, and the whole
// linear-algebra library below (SVD, eigensolvers, norms), works on Matrix.  cast_matrix converts.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include "linalg/cache_line_allocator.h"

namespace rl {

template <class T>
class BasicMatrix {
 public:
  using value_type = T;
  BasicMatrix() = default;
  BasicMatrix(std::size_t rows, std::size_t cols, T fill = T(0));
  // Matrix::from_rows({{1, 2}, {3, 4}}); every row must have the same length.
  static BasicMatrix from_rows(std::initializer_list<std::initializer_list<T>> rows);
  // A rows x cols matrix taking ownership of `values` (row-major, size rows * cols).
  static BasicMatrix from_vector(std::size_t rows, std::size_t cols, std::vector<T> values);
  static BasicMatrix identity(std::size_t n);
  static BasicMatrix diagonal(const std::vector<T>& d);

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }

  T& operator()(std::size_t i, std::size_t j) {
    check_index(i, j);
    return data_[i * cols_ + j];
  }
  T operator()(std::size_t i, std::size_t j) const {
    check_index(i, j);
    return data_[i * cols_ + j];
  }

  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  T* row(std::size_t i) { return data_.data() + i * cols_; }
  const T* row(std::size_t i) const { return data_.data() + i * cols_; }
  // The storage: a std::vector whose block starts on a cache line (linalg/cache_line_allocator.h).
  AlignedVector<T>& values() { return data_; }
  const AlignedVector<T>& values() const { return data_; }

  void fill(T v);
  void set_zero() { fill(T(0)); }

  BasicMatrix& operator+=(const BasicMatrix& other);
  BasicMatrix& operator-=(const BasicMatrix& other);
  BasicMatrix& operator*=(T s);

  bool operator==(const BasicMatrix& other) const {
    return rows_ == other.rows_ && cols_ == other.cols_ && data_ == other.data_;
  }
  bool operator!=(const BasicMatrix& other) const { return !(*this == other); }

 private:
  void check_index(std::size_t i, std::size_t j) const {
#ifndef NDEBUG
    if (i >= rows_ || j >= cols_) throw_out_of_range(i, j);
#else
    (void)i;
    (void)j;
#endif
  }
  [[noreturn]] void throw_out_of_range(std::size_t i, std::size_t j) const;

  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  AlignedVector<T> data_;
};

using Matrix = BasicMatrix<double>;
using MatrixF = BasicMatrix<float>;
extern template class BasicMatrix<double>;
extern template class BasicMatrix<float>;

// The same matrix in another scalar type, entry by entry (static_cast: double -> float rounds to
// nearest, float -> double is exact).  The float32 path converts its weights to Matrix to measure them.
template <class To, class From>
BasicMatrix<To> cast_matrix(const BasicMatrix<From>& m) {
  BasicMatrix<To> out(m.rows(), m.cols());
  std::copy(m.values().begin(), m.values().end(), out.values().begin());
  return out;
}

// "(3 x 4)": used in every shape error message.
template <class T>
std::string shape_str(const BasicMatrix<T>& m);

// `m` as a rows x cols matrix, keeping its storage (and stale contents) when the shape already fits:
// a training loop calls its passes with the same shapes every iteration (no allocation, no zero fill),
// so the caller must write every entry before reading it.
template <class T>
void ensure_shape(BasicMatrix<T>& m, std::size_t rows, std::size_t cols) {
  if (m.rows() != rows || m.cols() != cols) m = BasicMatrix<T>(rows, cols);
}
// Throws std::invalid_argument("<what>: shape (a x b) does not match (c x d)") unless equal.
template <class T>
void require_same_shape(const BasicMatrix<T>& a, const BasicMatrix<T>& b, const std::string& what);
// Throws std::invalid_argument("<what>: non-finite entry at (i, j)") on NaN or Inf.
template <class T>
void require_finite(const BasicMatrix<T>& m, const std::string& what);
// Throws std::invalid_argument("<what>: matrix (a x b) must be square and non-empty") unless it is, then
// require_finite: the one check before a kernel, an eigensolver or a theory formula reads a matrix.
void require_square(const Matrix& m, const std::string& what);
template <class T>
bool all_finite(const BasicMatrix<T>& m);

Matrix operator+(Matrix a, const Matrix& b);
Matrix operator-(Matrix a, const Matrix& b);
Matrix operator*(Matrix a, double s);
Matrix operator*(double s, Matrix a);

Matrix transpose(const Matrix& a);
// C = A B (uses gemm; see gemm.h for the general form).
Matrix matmul(const Matrix& a, const Matrix& b);
// Entrywise (Hadamard) product.
Matrix hadamard(const Matrix& a, const Matrix& b);
// Rows [r0, r1) and columns [c0, c1) as a new matrix.
Matrix block(const Matrix& a, std::size_t r0, std::size_t r1, std::size_t c0, std::size_t c1);
// Columns [c0, c1).
Matrix columns(const Matrix& a, std::size_t c0, std::size_t c1);
std::vector<double> column(const Matrix& a, std::size_t j);
// y = A x.
std::vector<double> matvec(const Matrix& a, const std::vector<double>& x);
double max_abs(const Matrix& a);
// max |a_ij - b_ij| (shapes must match).
double max_abs_diff(const Matrix& a, const Matrix& b);

}  // namespace rl
