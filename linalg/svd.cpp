// One-sided Jacobi (Hestenes) SVD, following LAPACK dgesvj's stopping rule and diagnostics.
// The derivation (2x2 rotation, stopping rule, de Rijk pivoting) is in docs/linalg.md.
//
// Dimension letters: the solver works on a tall B (M x N, M >= N): B = A when m >= n, B = A^T
// otherwise.  Columns of B are stored as the contiguous rows of Bt = B^T (N, M), and the
// accumulated rotations V as the rows of Vt = V^T (N, N), so every rotation streams through
// two contiguous rows that the compiler vectorises.
#include "linalg/svd.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include "linalg/jacobi_rotation.h"

namespace rl {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
// Columns whose squared norm falls below this (after scaling max |a_ij| into [1/2, 1)) are set
// to zero: they are below 1e-146 of the largest column, far under the n*eps backward error.
constexpr double kTinyNorm2 = std::numeric_limits<double>::min() / kEps;  // [TP]
// Recompute a squared norm exactly when the incremental update drops it by more than this
// factor (the update ||a_p||^2 - t g then suffers cancellation).  [TP]
constexpr double kRefreshDrop = 0.25;

// sum x_i y_i with 16 independent partial sums: without -ffast-math the compiler may not reorder a
// single-accumulator reduction, but it does vectorise this form (two AVX-512 registers).
double dot(const double* __restrict x, const double* __restrict y, std::size_t n) {
  constexpr std::size_t kLanes = 16;
  double acc[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (std::size_t l = 0; l < kLanes; ++l) acc[l] += x[i + l] * y[i + l];
  double tail = 0.0;
  for (; i < n; ++i) tail += x[i] * y[i];
  for (std::size_t width = kLanes / 2; width > 0; width /= 2)
    for (std::size_t l = 0; l < width; ++l) acc[l] += acc[l + width];
  return acc[0] + tail;
}

void swap_rows(Matrix& M, std::size_t a, std::size_t b) {
  std::swap_ranges(M.row(a), M.row(a) + M.cols(), M.row(b));
}

// Working state of the iteration.
struct JacobiState {
  Matrix Bt;                  // (N, M), row j = column j of B
  Matrix Vt;                  // (N, N), row j = column j of V; empty when V is not wanted
  std::vector<double> norm2;  // (N), ||b_j||^2, maintained incrementally
};

// Exact squared norms; columns below kTinyNorm2 are flushed to exact zero.
void refresh_norms(JacobiState& st) {
  const std::size_t M = st.Bt.cols();
  for (std::size_t j = 0; j < st.Bt.rows(); ++j) {
    double* b = st.Bt.row(j);
    st.norm2[j] = dot(b, b, M);
    if (st.norm2[j] < kTinyNorm2) {
      std::fill(b, b + M, 0.0);
      st.norm2[j] = 0.0;
    }
  }
}

// de Rijk (1989): bring the largest remaining column into position p.
void pivot_largest_into(JacobiState& st, std::size_t p) {
  std::size_t best = p;
  for (std::size_t j = p + 1; j < st.norm2.size(); ++j)
    if (st.norm2[j] > st.norm2[best]) best = j;
  if (best == p) return;
  std::swap(st.norm2[p], st.norm2[best]);
  swap_rows(st.Bt, p, best);
  if (!st.Vt.empty()) swap_rows(st.Vt, p, best);
}

// After an incremental update, recompute norm2[j] exactly if it dropped sharply.
void keep_norm_accurate(JacobiState& st, std::size_t j, double before) {
  if (st.norm2[j] < kRefreshDrop * before) {
    const double* b = st.Bt.row(j);
    st.norm2[j] = dot(b, b, st.Bt.cols());
  }
}

struct SweepStats {
  std::size_t rotations = 0;
  double max_cos = 0.0;  // largest |cos(b_p, b_q)| seen in the sweep, before rotating
};

// One cyclic-by-rows sweep over all pairs p < q (LAPACK dgesvj rule: rotate only when
// |b_p.b_q| > tol ||b_p|| ||b_q||).
SweepStats jacobi_sweep(JacobiState& st, double tol) {
  const std::size_t N = st.Bt.rows();
  const std::size_t M = st.Bt.cols();
  const bool with_v = !st.Vt.empty();
  SweepStats stats;
  refresh_norms(st);  // exact ||b_j||^2 in st.norm2 at the start of every sweep
  // BEGIN ASSIGNMENT A1: jacobi_sweep (docs/linalg.md#one-sided-jacobi-svd-step-by-step)
  // For p = 0 .. N-2: pivot_largest_into(st, p); then for q = p+1 .. N-1 (columns b_p, b_q are the
  // rows st.Bt.row(p), st.Bt.row(q), M entries each):
  //   - skip the pair when either squared norm st.norm2[.] is 0;
  //   - g = dot(b_p, b_q, M); cosine = |g| / (||b_p|| ||b_q||); stats.max_cos = max(stats.max_cos, cosine);
  //   - skip the pair unless cosine > tol: the RELATIVE rule of dgesvj (not |g| > tol);
  //   - r = jacobi_rotation(norm2[p], norm2[q], g); apply_jacobi_rotation to b_p, b_q and, when
  //     with_v, to the rows p, q of st.Vt (N entries);
  //   - norm2[p] -= r.t g, norm2[q] += r.t g, then keep_norm_accurate(st, p / q, value before);
  //   - ++stats.rotations.
  // Return stats.
  for (std::size_t p = 0; p + 1 < N; ++p) {
    pivot_largest_into(st, p);
    for (std::size_t q = p + 1; q < N; ++q) {
      if (st.norm2[p] == 0.0 || st.norm2[q] == 0.0) continue;
      double* bp = st.Bt.row(p);
      double* bq = st.Bt.row(q);
      const double g = dot(bp, bq, M);
      const double cosine = std::fabs(g) / (std::sqrt(st.norm2[p]) * std::sqrt(st.norm2[q]));
      stats.max_cos = std::max(stats.max_cos, cosine);
      if (!(cosine > tol)) continue;
      // The rotation that makes columns p and q orthogonal: the 2x2 step on their Gram matrix.
      const JacobiRotation r = jacobi_rotation(st.norm2[p], st.norm2[q], g);
      const double t = r.t;
      apply_jacobi_rotation(bp, bq, M, r.c, r.s);
      if (with_v) apply_jacobi_rotation(st.Vt.row(p), st.Vt.row(q), N, r.c, r.s);
      const double before_p = st.norm2[p], before_q = st.norm2[q];
      st.norm2[p] -= t * g;  // ||c b_p - s b_q||^2 = ||b_p||^2 - t g  (docs/linalg.md)
      st.norm2[q] += t * g;
      keep_norm_accurate(st, p, before_p);
      keep_norm_accurate(st, q, before_q);
      ++stats.rotations;
    }
  }
  return stats;
  // END ASSIGNMENT A1
}

// Sweeps until one sweep rotates nothing (converged) or options.max_sweeps sweeps ran (not converged);
// records sweeps, the last sweep's max_cos and converged in `result`.
void sweep_until_orthogonal(JacobiState& st, const SvdOptions& options, SvdResult& result) {
  const double tol = std::sqrt(static_cast<double>(st.Bt.cols())) * kEps;  // LAPACK dgesvj: sqrt(M) eps
  // BEGIN ASSIGNMENT A1: sweep_until_orthogonal (docs/linalg.md#one-sided-jacobi-svd-step-by-step)
  // Call jacobi_sweep(st, tol) while result.sweeps < options.max_sweeps (the sweep cap); after each
  // sweep ++result.sweeps and result.max_cos = its max_cos; a sweep with 0 rotations sets
  // result.converged = true and stops.  N = 0 columns (st.Bt.rows() == 0) counts as converged.
  while (result.sweeps < options.max_sweeps) {
    const SweepStats stats = jacobi_sweep(st, tol);
    ++result.sweeps;
    result.max_cos = stats.max_cos;
    if (stats.rotations == 0) {
      result.converged = true;
      break;
    }
  }
  if (st.Bt.rows() == 0) result.converged = true;
  // END ASSIGNMENT A1
}

// Power of two 2^e with max |a_ij| * 2^e in [1/2, 1), so squares neither overflow nor underflow
// needlessly; multiplying by it is exact.
int scaling_exponent(const Matrix& A) {
  const double big = max_abs(A);
  if (big == 0.0) return 0;
  int e = 0;
  std::frexp(big, &e);  // big = f 2^e, f in [1/2, 1)
  return -e;
}

// Rows of Ut (k, M) for zero singular values are filled with unit vectors orthogonal to all other
// rows: e_i for the i least covered by the existing rows, orthogonalised twice (Gram-Schmidt).
void complete_orthonormal_rows(Matrix& Ut, const std::vector<bool>& is_zero) {
  const std::size_t k = Ut.rows(), M = Ut.cols();
  std::vector<double> covered(M, 0.0);  // (M), sum_j Ut(j, i)^2 over the filled rows
  std::vector<std::size_t> filled;
  for (std::size_t j = 0; j < k; ++j) {
    if (is_zero[j]) continue;
    filled.push_back(j);
    for (std::size_t i = 0; i < M; ++i) covered[i] += Ut(j, i) * Ut(j, i);
  }
  for (std::size_t j = 0; j < k; ++j) {
    if (!is_zero[j]) continue;
    const std::size_t pick =
        static_cast<std::size_t>(std::min_element(covered.begin(), covered.end()) - covered.begin());
    double* x = Ut.row(j);
    std::fill(x, x + M, 0.0);
    x[pick] = 1.0;
    for (int pass = 0; pass < 2; ++pass)
      for (std::size_t f : filled) {
        const double proj = dot(Ut.row(f), x, M);
        const double* u = Ut.row(f);
        for (std::size_t i = 0; i < M; ++i) x[i] -= proj * u[i];
      }
    const double norm = std::sqrt(dot(x, x, M));
    for (std::size_t i = 0; i < M; ++i) {
      x[i] /= norm;
      covered[i] += x[i] * x[i];
    }
    filled.push_back(j);
  }
}

// Flip (u_j, v_j) so that the largest-magnitude entry of u_j is positive (first index on ties).
// u_j and v_j are row j of `Urows` (k, m) and `Vrows` (k, n), i.e. U and V stored transposed.
void fix_signs(Matrix& Urows, Matrix& Vrows) {
  for (std::size_t j = 0; j < Urows.rows(); ++j) {
    double* u = Urows.row(j);
    std::size_t arg = 0;
    for (std::size_t i = 1; i < Urows.cols(); ++i)
      if (std::fabs(u[i]) > std::fabs(u[arg])) arg = i;
    if (!(u[arg] < 0.0)) continue;
    for (std::size_t i = 0; i < Urows.cols(); ++i) u[i] = -u[i];
    double* v = Vrows.row(j);
    for (std::size_t i = 0; i < Vrows.cols(); ++i) v[i] = -v[i];
  }
}

// Rows of M reordered: out.row(j) = M.row(order[j]).
Matrix permute_rows(const Matrix& M, const std::vector<std::size_t>& order) {
  Matrix out(order.size(), M.cols());
  for (std::size_t j = 0; j < order.size(); ++j)
    std::copy(M.row(order[j]), M.row(order[j]) + M.cols(), out.row(j));
  return out;
}

}  // namespace

SvdResult svd_jacobi(const Matrix& A, const SvdOptions& options) {
  require_finite(A, "svd_jacobi: input matrix");
  if (options.max_sweeps < 1)
    throw std::invalid_argument("svd_jacobi: options.max_sweeps must be >= 1, got " +
                                std::to_string(options.max_sweeps));
  const bool tall = A.rows() >= A.cols();
  const int exponent = scaling_exponent(A);

  JacobiState st;
  st.Bt = tall ? transpose(A) : A;  // (N, M)
  for (double& b : st.Bt.values()) b = std::ldexp(b, exponent);
  const std::size_t N = st.Bt.rows(), M = st.Bt.cols();
  if (options.compute_uv) st.Vt = Matrix::identity(N);
  st.norm2.assign(N, 0.0);

  SvdResult result;
  sweep_until_orthogonal(st, options, result);

  // sigma_j = ||b_j||, descending (stable sort keeps ties in index order).
  std::vector<double> sigma(N);
  for (std::size_t j = 0; j < N; ++j) sigma[j] = std::sqrt(dot(st.Bt.row(j), st.Bt.row(j), M));
  std::vector<std::size_t> order(N);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return sigma[a] > sigma[b]; });
  result.s.resize(N);
  for (std::size_t j = 0; j < N; ++j) result.s[j] = std::ldexp(sigma[order[j]], -exponent);
  if (!options.compute_uv) return result;

  // Left vectors of B: u_j = b_j / sigma_j, completed where sigma_j = 0.
  Matrix Ut = permute_rows(st.Bt, order);  // (N, M)
  Matrix Vt = permute_rows(st.Vt, order);  // (N, N)
  std::vector<bool> is_zero(N, false);
  for (std::size_t j = 0; j < N; ++j) {
    const double sj = sigma[order[j]];
    is_zero[j] = sj == 0.0;
    if (is_zero[j]) continue;
    for (std::size_t i = 0; i < M; ++i) Ut(j, i) /= sj;
  }
  complete_orthonormal_rows(Ut, is_zero);
  // B = Ub S Vb^T.  Tall: A = B.  Wide: A = B^T = Vb S Ub^T, so the roles swap.
  Matrix& Urows = tall ? Ut : Vt;
  Matrix& Vrows = tall ? Vt : Ut;
  fix_signs(Urows, Vrows);
  result.U = transpose(Urows);
  result.V = transpose(Vrows);
  return result;
}

std::vector<double> singular_values(const Matrix& A) {
  SvdOptions options;
  options.compute_uv = false;
  return svd_jacobi(A, options).s;
}

Matrix truncate_rank(const SvdResult& svd, std::size_t r) {
  const std::size_t k = svd.s.size();
  if (r > k)
    throw std::invalid_argument("truncate_rank: rank r = " + std::to_string(r) +
                                " exceeds min(m, n) = " + std::to_string(k));
  if (svd.U.cols() != k || svd.V.cols() != k)
    throw std::invalid_argument("truncate_rank: the SvdResult has no singular vectors "
                                "(computed with compute_uv = false)");
  const std::size_t m = svd.U.rows(), n = svd.V.rows();
  Matrix out(m, n, 0.0);  // (m, n) = sum_{j < r} s_j u_j v_j^T
  for (std::size_t i = 0; i < m; ++i) {
    double* row = out.row(i);
    for (std::size_t j = 0; j < r; ++j) {
      const double coef = svd.U(i, j) * svd.s[j];
      for (std::size_t l = 0; l < n; ++l) row[l] += coef * svd.V(l, j);
    }
  }
  return out;
}

Matrix truncate_rank(const Matrix& A, std::size_t r) { return truncate_rank(svd_jacobi(A), r); }

Matrix pseudo_inverse(const Matrix& A, double rcond) {
  if (std::isnan(rcond)) throw std::invalid_argument("pseudo_inverse: rcond is NaN");
  const SvdResult svd = svd_jacobi(A);
  const std::size_t m = A.rows(), n = A.cols(), k = svd.s.size();
  const double rc = rcond < 0.0 ? static_cast<double>(std::max(m, n)) * kEps : rcond;
  const double cutoff = k == 0 ? 0.0 : rc * svd.s[0];
  Matrix out(n, m, 0.0);  // (n, m) = V diag(1 / s) U^T over the kept values
  for (std::size_t j = 0; j < k; ++j) {
    if (!(svd.s[j] > cutoff)) continue;
    const double inv = 1.0 / svd.s[j];
    for (std::size_t i = 0; i < n; ++i) {
      const double coef = svd.V(i, j) * inv;
      double* row = out.row(i);
      for (std::size_t l = 0; l < m; ++l) row[l] += coef * svd.U(l, j);
    }
  }
  return out;
}

}  // namespace rl
