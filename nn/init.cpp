#include "nn/init.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "linalg/norms.h"
#include "linalg/svd.h"

namespace rl {
namespace {

void require_positive_dims(std::size_t fan_out, std::size_t fan_in, const std::string& what) {
  if (fan_out == 0 || fan_in == 0)
    throw std::invalid_argument(what + ": dimensions must be positive, got (" + std::to_string(fan_out) +
                                " x " + std::to_string(fan_in) + ")");
}

void require_valid_rank(std::size_t r, std::size_t max_rank) {
  if (r == 0 || r > max_rank)
    throw std::invalid_argument("low_rank_init: rank r = " + std::to_string(r) +
                                " must satisfy 1 <= r <= min(m, n) = " + std::to_string(max_rank));
}

double sum_of_squares(const std::vector<double>& s, std::size_t count) {
  double total = 0.0;
  for (std::size_t i = 0; i < count; ++i) total += s[i] * s[i];
  return total;
}

// The norm of the chosen kind, for the full matrix (r = all) or its rank-r truncation W_r.
// Frobenius and spectral norms come from the singular values: ||W_r||_F^2 = s_1^2 + .. + s_r^2,
// ||W_r||_2 = s_1 (Golub & Van Loan 2.4).  The spectral radius needs the eigenvalues of W_r itself.
double norm_of_kind(NormKind norm, const SvdResult& svd, std::size_t r, const Matrix& W) {
  switch (norm) {
    case NormKind::kFrobenius: return std::sqrt(sum_of_squares(svd.s, r));
    case NormKind::kSpectral: return svd.s[0];
    case NormKind::kSpectralRadius: return spectral_radius(W);
    case NormKind::kNone: break;  // not rescaled: renormalised_truncation returns W_r as it is
  }
  throw std::invalid_argument("low_rank_init: NormKind::kNone has no norm to match");
}

// W_h(0) = W_r * ||W0|| / ||W_r||  (docs/paper.md#initial-weights item 3 [REL]).
Matrix renormalised_truncation(const SvdResult& svd, const Matrix& W0, double target, std::size_t r,
                               NormKind norm) {
  require_valid_rank(r, svd.s.size());
  // BEGIN ASSIGNMENT A5: renormalised_truncation (docs/paper.md#initial-weights)
  // TODO: r = min(m, n) returns W0 itself (bit for bit); otherwise W_r = truncate_rank(svd, r) (svd.h),
  // rescaled so that its norm of the kind `norm` equals `target`, the same norm of the full W0
  // (norm_of_kind above); NormKind::kNone returns W_r unscaled.  A zero-norm W_r cannot be rescaled: throw std::invalid_argument.
  if (r == svd.s.size()) return W0;  // r = N returns W0 (docs/paper.md#initial-weights item 3)
  Matrix W_r = truncate_rank(svd, r);
  if (norm == NormKind::kNone) return W_r;
  const double current = norm_of_kind(norm, svd, r, W_r);
  if (!(current > 0.0))
    throw std::invalid_argument("low_rank_init: the rank-" + std::to_string(r) +
                                " truncation has zero norm of the requested kind; cannot renormalise");
  W_r *= target / current;
  return W_r;
  // END ASSIGNMENT A5
}

SvdResult checked_svd(const Matrix& W0) {
  if (W0.empty()) throw std::invalid_argument("low_rank_init: W0 is empty " + shape_str(W0));
  require_finite(W0, "low_rank_init: W0");
  SvdResult svd = svd_jacobi(W0);
  if (!svd.converged)
    throw std::runtime_error("low_rank_init: SVD of W0 " + shape_str(W0) + " did not converge in " +
                             std::to_string(svd.sweeps) + " sweeps");
  if (!(svd.s[0] > 0.0)) throw std::invalid_argument("low_rank_init: W0 is the zero matrix");
  return svd;
}

void require_square_for_radius(const Matrix& W0, NormKind norm) {
  if (norm == NormKind::kSpectralRadius && W0.rows() != W0.cols())
    throw std::invalid_argument("low_rank_init: spectral-radius renormalisation needs a square W0, got " +
                                shape_str(W0));
}

}  // namespace

Matrix pytorch_uniform(std::size_t fan_out, std::size_t fan_in, Rng& rng) {
  require_positive_dims(fan_out, fan_in, "pytorch_uniform");
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  Matrix W(fan_out, fan_in);  // (fan_out, fan_in)
  for (double& w : W.values()) w = rng.uniform(-bound, bound);
  return W;
}

std::vector<double> pytorch_uniform_bias(std::size_t fan_out, std::size_t fan_in, Rng& rng) {
  require_positive_dims(fan_out, fan_in, "pytorch_uniform_bias");
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  std::vector<double> b(fan_out);
  for (double& v : b) v = rng.uniform(-bound, bound);
  return b;
}

Matrix gaussian_init(std::size_t fan_out, std::size_t fan_in, double g, Rng& rng) {
  require_positive_dims(fan_out, fan_in, "gaussian_init");
  if (!std::isfinite(g)) throw std::invalid_argument("gaussian_init: gain g is not finite");
  const double scale = g / std::sqrt(static_cast<double>(fan_in));
  Matrix W(fan_out, fan_in);  // (fan_out, fan_in)
  for (double& w : W.values()) w = scale * rng.normal();
  return W;
}

Matrix low_rank_init(const Matrix& W0, std::size_t r, NormKind norm) {
  return low_rank_sweep(W0, {r}, norm).front();
}

std::vector<Matrix> low_rank_sweep(const Matrix& W0, const std::vector<std::size_t>& ranks,
                                   NormKind norm) {
  require_square_for_radius(W0, norm);
  if (W0.empty()) throw std::invalid_argument("low_rank_init: W0 is empty " + shape_str(W0));
  for (std::size_t r : ranks) require_valid_rank(r, std::min(W0.rows(), W0.cols()));
  const SvdResult svd = checked_svd(W0);
  const double target = norm == NormKind::kNone ? 0.0 : norm_of_kind(norm, svd, svd.s.size(), W0);
  std::vector<Matrix> out;
  out.reserve(ranks.size());
  for (std::size_t r : ranks) out.push_back(renormalised_truncation(svd, W0, target, r, norm));
  return out;
}

namespace {
std::vector<std::size_t> ranks_below_then_N(const std::vector<std::size_t>& candidates, std::size_t N) {
  if (N == 0) throw std::invalid_argument("rank rule: hidden size N must be positive");
  std::vector<std::size_t> out;
  for (std::size_t r : candidates)
    if (r < N) out.push_back(r);
  out.push_back(N);
  return out;
}
}  // namespace

std::vector<std::size_t> released_ranks(std::size_t N) {
  if (N < 150) return ranks_below_then_N({1, 30}, N);
  if (N <= 500) return ranks_below_then_N({1, 30, 100}, N);
  return ranks_below_then_N({1, 30, 100, 300}, N);
}

std::vector<std::size_t> smnist_ranks(std::size_t N) { return ranks_below_then_N({5, 30}, N); }

}  // namespace rl
