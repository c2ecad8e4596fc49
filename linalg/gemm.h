// General matrix multiply, the BLAS dgemm contract:  C = alpha op(A) op(B) + beta C,
// op(X) = X or X^T.  op(A) is (m x k), op(B) is (k x n), C is (m x n).
//
// Two entry points: one on Matrix objects (shapes checked, errors name both shapes) and one on
// raw row-major pointers with leading dimensions, for slices of larger buffers (time-major RNN
// states).  beta == 0 overwrites C without reading it (NaN in C does not propagate), as in BLAS.
//
// `threads` > 1 splits the columns of C into fixed panels, each computed by the same serial kernel
// with the same summation order, so the result is bit-identical to threads == 1.
#pragma once

#include <cstddef>

#include "linalg/matrix.h"

namespace rl {

enum class Trans { kNo, kYes };

void gemm(Trans ta, Trans tb, double alpha, const Matrix& A, const Matrix& B, double beta, Matrix& C,
          int threads = 1);

// Row-major raw form.  lda/ldb/ldc are the row strides of the stored (untransposed) arrays.
void gemm_raw(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, double alpha,
              const double* A, std::size_t lda, const double* B, std::size_t ldb, double beta,
              double* C, std::size_t ldc, int threads = 1);

// The number of threads gemm_raw really uses for an m x n x k product when asked for `threads`:
// at most `threads`, never more than the 16-column panels of C, and 1 when the product is too small
// to repay starting a thread.  Any count gives bit-identical results; exposed for tests and benches.
int gemm_thread_count(std::size_t m, std::size_t n, std::size_t k, int threads);

// Reference triple loop (no blocking), used by the tests as the oracle.
void gemm_reference(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, double alpha,
                    const double* A, std::size_t lda, const double* B, std::size_t ldb, double beta,
                    double* C, std::size_t ldc);

}  // namespace rl
