// Placeholder-free first version: a cache-friendly i-k-j loop over packed operands.
// (The register-blocked micro-kernel replaces the inner product step; see docs/linalg.md.)
#include "linalg/gemm.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace rl {

namespace {

inline double elem(const double* X, std::size_t ld, Trans t, std::size_t i, std::size_t j) {
  return t == Trans::kNo ? X[i * ld + j] : X[j * ld + i];
}

}  // namespace

void gemm_reference(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, double alpha,
                    const double* A, std::size_t lda, const double* B, std::size_t ldb, double beta,
                    double* C, std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double s = 0.0;
      for (std::size_t p = 0; p < k; ++p) s += elem(A, lda, ta, i, p) * elem(B, ldb, tb, p, j);
      C[i * ldc + j] = alpha * s + (beta == 0.0 ? 0.0 : beta * C[i * ldc + j]);
    }
}

void gemm_raw(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, double alpha,
              const double* A, std::size_t lda, const double* B, std::size_t ldb, double beta,
              double* C, std::size_t ldc, int threads) {
  (void)threads;
  // Scale C first (beta == 0 overwrites, so NaN in C does not propagate).
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) C[i * ldc + j] = beta == 0.0 ? 0.0 : beta * C[i * ldc + j];
  if (k == 0 || alpha == 0.0) return;
  // Pack op(B) row-major (k x n) so the inner loop streams contiguous memory.
  std::vector<double> Bp(k * n);
  for (std::size_t p = 0; p < k; ++p)
    for (std::size_t j = 0; j < n; ++j) Bp[p * n + j] = elem(B, ldb, tb, p, j);
  for (std::size_t i = 0; i < m; ++i) {
    double* c = C + i * ldc;
    for (std::size_t p = 0; p < k; ++p) {
      const double a = alpha * elem(A, lda, ta, i, p);
      const double* b = Bp.data() + p * n;
      for (std::size_t j = 0; j < n; ++j) c[j] += a * b[j];
    }
  }
}

void gemm(Trans ta, Trans tb, double alpha, const Matrix& A, const Matrix& B, double beta, Matrix& C,
          int threads) {
  const std::size_t m = ta == Trans::kNo ? A.rows() : A.cols();
  const std::size_t ka = ta == Trans::kNo ? A.cols() : A.rows();
  const std::size_t kb = tb == Trans::kNo ? B.rows() : B.cols();
  const std::size_t n = tb == Trans::kNo ? B.cols() : B.rows();
  if (ka != kb || C.rows() != m || C.cols() != n) {
    throw std::invalid_argument(std::string("gemm: op(A) ") + (ta == Trans::kYes ? "= A^T, A " : "= A ") +
                                shape_str(A) + ", op(B) " + (tb == Trans::kYes ? "= B^T, B " : "= B ") +
                                shape_str(B) + ", C " + shape_str(C) + ": inner or outer dimensions disagree");
  }
  gemm_raw(ta, tb, m, n, ka, alpha, A.data(), A.cols(), B.data(), B.cols(), beta, C.data(), C.cols(),
           threads);
}

}  // namespace rl
