// Dense row-major matrix of doubles with value semantics.
//
// Conventions for the whole codebase (see docs/linalg.md):
//   * element (i, j) lives at data()[i * cols() + j];
//   * free functions (matmul, transpose, frobenius_norm, ...) rather than a method zoo;
//   * shape mismatches throw std::invalid_argument naming both shapes;
//   * operator() is bounds-checked unless NDEBUG is defined (the release build keeps checks
//     off the hot loops by using raw pointers there, so the checks stay on in every build).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

namespace rl {

class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols, double fill = 0.0);
  // Matrix::from_rows({{1, 2}, {3, 4}}); every row must have the same length.
  static Matrix from_rows(std::initializer_list<std::initializer_list<double>> rows);
  // A rows x cols matrix taking ownership of `values` (row-major, size rows * cols).
  static Matrix from_vector(std::size_t rows, std::size_t cols, std::vector<double> values);
  static Matrix identity(std::size_t n);
  static Matrix diagonal(const std::vector<double>& d);

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }

  double& operator()(std::size_t i, std::size_t j) {
    check_index(i, j);
    return data_[i * cols_ + j];
  }
  double operator()(std::size_t i, std::size_t j) const {
    check_index(i, j);
    return data_[i * cols_ + j];
  }

  double* data() { return data_.data(); }
  const double* data() const { return data_.data(); }
  double* row(std::size_t i) { return data_.data() + i * cols_; }
  const double* row(std::size_t i) const { return data_.data() + i * cols_; }
  std::vector<double>& values() { return data_; }
  const std::vector<double>& values() const { return data_; }

  void fill(double v);
  void set_zero() { fill(0.0); }

  Matrix& operator+=(const Matrix& other);
  Matrix& operator-=(const Matrix& other);
  Matrix& operator*=(double s);

  bool operator==(const Matrix& other) const {
    return rows_ == other.rows_ && cols_ == other.cols_ && data_ == other.data_;
  }
  bool operator!=(const Matrix& other) const { return !(*this == other); }

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
  std::vector<double> data_;
};

// "(3 x 4)": used in every shape error message.
std::string shape_str(const Matrix& m);

// `m` as a rows x cols matrix, keeping its storage (and stale contents) when the shape already fits:
// a training loop calls its passes with the same shapes every iteration (no allocation, no zero fill),
// so the caller must write every entry before reading it.
inline void ensure_shape(Matrix& m, std::size_t rows, std::size_t cols) {
  if (m.rows() != rows || m.cols() != cols) m = Matrix(rows, cols);
}
// Throws std::invalid_argument("<what>: shape (a x b) does not match (c x d)") unless equal.
void require_same_shape(const Matrix& a, const Matrix& b, const std::string& what);
// Throws std::invalid_argument("<what>: non-finite entry at (i, j)") on NaN or Inf.
void require_finite(const Matrix& m, const std::string& what);
bool all_finite(const Matrix& m);

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
