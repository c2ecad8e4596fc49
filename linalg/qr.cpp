// Householder QR (Golub & Van Loan 5.1-5.2) and Haar-random orthogonal matrices (Mezzadri 2007).
//
// The factorisation works in place on a copy of A (m x n).  Step k builds the reflector
// H_k = I - beta v v^T that maps A[k:, k] onto alpha e_1, with alpha = -sign(a_kk) ||A[k:, k]||
// (the sign that avoids cancellation in v_1 = a_kk - alpha).  Q is formed afterwards by applying
// H_{k-1} ... H_0 backwards to the first columns of the identity (Golub & Van Loan 5.1.6).
#include "linalg/qr.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace rl {
namespace {

// One Householder reflector: H = I - beta v v^T acting on rows [k, m).
struct Reflector {
  std::vector<double> v;  // (m - k)
  double beta = 0.0;      // 0 means H = I (the column was already zero)
};

// ||x|| without overflow or harmful underflow: scale by the largest |x_i| first.
double scaled_norm(const std::vector<double>& x) {
  double big = 0.0;
  for (double xi : x) big = std::max(big, std::fabs(xi));
  if (big == 0.0) return 0.0;
  double sum = 0.0;
  for (double xi : x) sum += (xi / big) * (xi / big);
  return big * std::sqrt(sum);
}

// Reflector mapping x onto alpha e_1 with alpha = -sign(x_0) ||x||  (Golub & Van Loan 5.1.3).
Reflector make_reflector(std::vector<double> x) {
  Reflector h;
  const double norm_x = scaled_norm(x);
  if (norm_x == 0.0) return h;
  const double alpha = x[0] >= 0.0 ? -norm_x : norm_x;
  x[0] -= alpha;  // no cancellation: x_0 and -alpha have the same sign
  const double norm_v = scaled_norm(x);
  for (double& xi : x) xi /= norm_v;  // unit v, so beta = 2
  h.v = std::move(x);
  h.beta = 2.0;
  return h;
}

// M[k:, c0:] <- H M[k:, c0:], row-major friendly: w = v^T M, then M -= beta v w^T.
void apply_reflector(const Reflector& h, std::size_t k, std::size_t c0, Matrix& M) {
  if (h.beta == 0.0) return;
  const std::size_t n = M.cols();
  std::vector<double> w(n - c0, 0.0);  // (n - c0)
  for (std::size_t i = 0; i < h.v.size(); ++i) {
    const double vi = h.v[i];
    const double* row = M.row(k + i) + c0;
    for (std::size_t j = 0; j < w.size(); ++j) w[j] += vi * row[j];
  }
  for (std::size_t i = 0; i < h.v.size(); ++i) {
    const double scale = h.beta * h.v[i];
    double* row = M.row(k + i) + c0;
    for (std::size_t j = 0; j < w.size(); ++j) row[j] -= scale * w[j];
  }
}

}  // namespace

QrResult householder_qr(const Matrix& A, bool thin) {
  require_finite(A, "householder_qr: input matrix");
  const std::size_t m = A.rows(), n = A.cols();
  const std::size_t steps = std::min(m, n);
  Matrix R = A;  // (m, n), overwritten by the triangular factor
  std::vector<Reflector> reflectors;
  reflectors.reserve(steps);
  for (std::size_t k = 0; k < steps; ++k) {
    std::vector<double> x(m - k);
    for (std::size_t i = k; i < m; ++i) x[i - k] = R(i, k);
    reflectors.push_back(make_reflector(std::move(x)));
    apply_reflector(reflectors.back(), k, k, R);
    for (std::size_t i = k + 1; i < m; ++i) R(i, k) = 0.0;  // exact zeros below the diagonal
  }
  const std::size_t kq = thin ? steps : m;
  // Q = H_0 H_1 ... H_{steps-1} I[:, :kq], applied right to left (backward accumulation).
  Matrix Q(m, kq, 0.0);  // (m, kq)
  for (std::size_t i = 0; i < std::min(m, kq); ++i) Q(i, i) = 1.0;
  for (std::size_t k = steps; k-- > 0;) apply_reflector(reflectors[k], k, 0, Q);
  return {std::move(Q), block(R, 0, kq, 0, n)};
}

Matrix gaussian_matrix(std::size_t rows, std::size_t cols, Rng& rng, double sd) {
  if (!(sd >= 0.0) || !std::isfinite(sd))
    throw std::invalid_argument("gaussian_matrix: standard deviation sd must be finite and >= 0");
  Matrix G(rows, cols);  // (rows, cols)
  for (double& g : G.values()) g = sd * rng.normal();
  return G;
}

Matrix haar_orthogonal(std::size_t n, Rng& rng) {
  QrResult qr = householder_qr(gaussian_matrix(n, n, rng), /*thin=*/true);
  // Mezzadri 2007: Q diag(sign(r_jj)) is Haar; a plain QR is not, because its sign
  // convention (here alpha = -sign(a_kk)||x||) correlates Q with the input.
  for (std::size_t j = 0; j < n; ++j) {
    if (qr.R(j, j) >= 0.0) continue;
    for (std::size_t i = 0; i < n; ++i) qr.Q(i, j) = -qr.Q(i, j);
  }
  return std::move(qr.Q);
}

Matrix haar_orthonormal_columns(std::size_t m, std::size_t n, Rng& rng) {
  if (n > m)
    throw std::invalid_argument("haar_orthonormal_columns: need m >= n, got m = " +
                                std::to_string(m) + ", n = " + std::to_string(n));
  return columns(haar_orthogonal(m, rng), 0, n);
}

}  // namespace rl
