// General matrix multiply, the BLAS sgemm / dgemm contract, for float and double:
// C = alpha op(A) op(B) + beta C, op(X) = X or X^T.  op(A) is (m x k), op(B) is (k x n), C is (m x n).
//
// Two entry points: one on Matrix objects (shapes checked, errors name both shapes) and one on
// raw row-major pointers with leading dimensions, for slices of larger buffers (time-major RNN
// states).  beta == 0 overwrites C without reading it (NaN in C does not propagate), as in BLAS.
//
// `threads` > 1 splits the columns of C into fixed panels, each computed by the same serial kernel
// with the same summation order, so the result is bit-identical to threads == 1.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

#include "linalg/cache_line_allocator.h"
#include "linalg/matrix.h"
#include "linalg/simd_width.h"

namespace rl {

enum class Trans { kNo, kYes };

// Every entry point below is one template for float and double (explicitly instantiated in
// linalg/gemm.cpp; docs/gemm.md#float-and-double-one-template).  The scalar type is deduced from
// the array pointers alone: alpha and beta convert to it, so gemm_raw(..., 1.0, floats, ...) works.
template <class T>
struct ScalarOf {
  using type = T;
};
template <class T>
using Scalar = typename ScalarOf<T>::type;  // a non-deduced context

template <class T>
void gemm(Trans ta, Trans tb, Scalar<T> alpha, const BasicMatrix<T>& A, const BasicMatrix<T>& B, Scalar<T> beta,
          BasicMatrix<T>& C, int threads = 1);

// Row-major raw form.  lda/ldb/ldc are the row strides of the stored (untransposed) arrays.
template <class T>
void gemm_raw(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, Scalar<T> alpha, const T* A,
              std::size_t lda, const T* B, std::size_t ldb, Scalar<T> beta, T* C, std::size_t ldc,
              int threads = 1);

// The number of columns of C in one panel of the register tile for scalar type T: two vector
// registers (docs/gemm.md#vector-width-from-the-instruction-set).  16 for double and 32 for float on
// AVX-512, 4 and 8 on SSE2.  Threads split C in whole panels.
template <class T>
constexpr std::size_t gemm_panel_width() {
  return 2 * SimdVec<T>::kLanes;
}

// The number of threads gemm_raw<T> really uses for an m x n x k product when asked for `threads`:
// at most `threads`, never more than the gemm_panel_width<T>()-column panels of C, and 1 when the
// product is too small to repay starting a thread.  Any count gives bit-identical results; exposed
// for tests and benches.
template <class T = double>
int gemm_thread_count(std::size_t m, std::size_t n, std::size_t k, int threads);

template <class T>
class BasicPackedRhs;

// Packs op(B) (k x n, B row-major with row stride ldb) into `out`, replacing what it held.
template <class T>
void pack_rhs(Trans tb, std::size_t k, std::size_t n, const T* B, std::size_t ldb, BasicPackedRhs<T>& out);

// C = alpha op(A) op(B) + beta C with op(B) pre-packed: op(A) is (m x B.k()), C is (m x B.n()).
// Bit-identical to gemm_raw(ta, tb, m, B.n(), B.k(), alpha, A, lda, <B>, ldb, beta, C, ldc) with the
// operand that was packed (the same blocks, kernel and summation order); one thread.
template <class T>
void gemm_packed_rhs(Trans ta, std::size_t m, Scalar<T> alpha, const T* A, std::size_t lda,
                     const BasicPackedRhs<T>& B, Scalar<T> beta, T* C, std::size_t ldc);

// True when this build packs a transposed op(B) = B^T through the register transpose of linalg/gemm.cpp
// (compilers with __builtin_shufflevector: GCC >= 12, Clang); false when the scalar loop packs it.  The
// packed values are the same either way (docs/gemm.md#the-transposed-packing-in-registers).
bool gemm_packs_transposed_in_registers();

// A right operand op(B) (k x n) packed once, in the panel layout the GEMM kernel reads, for several
// products that share it: the RNN multiplies by the same W_h at every time step, and gemm_raw would
// repack W_h (the largest operand) each time.  Fill it with pack_rhs; reuse it (the storage only grows).
template <class T>
class BasicPackedRhs {
 public:
  std::size_t k() const { return k_; }
  std::size_t n() const { return n_; }

 private:
  template <class U>
  friend void pack_rhs(Trans tb, std::size_t k, std::size_t n, const U* B, std::size_t ldb,
                       BasicPackedRhs<U>& out);
  template <class U>
  friend void gemm_packed_rhs(Trans ta, std::size_t m, Scalar<U> alpha, const U* A, std::size_t lda,
                              const BasicPackedRhs<U>& B, Scalar<U> beta, U* C, std::size_t ldc);
  std::size_t k_ = 0, n_ = 0;
  std::vector<T, CacheLineAllocator<T>> panels_;
};
using PackedRhs = BasicPackedRhs<double>;
using PackedRhsF32 = BasicPackedRhs<float>;

// Reference triple loop (no blocking), used by the tests as the oracle.  It accumulates in T, one
// product after another in increasing p, so the float version rounds as a plain float loop does.
template <class T>
void gemm_reference(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, Scalar<T> alpha,
                    const T* A, std::size_t lda, const T* B, std::size_t ldb, Scalar<T> beta, T* C,
                    std::size_t ldc);

}  // namespace rl
