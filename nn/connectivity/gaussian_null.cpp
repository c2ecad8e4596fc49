#include "nn/connectivity/gaussian_null.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "linalg/norms.h"
#include "linalg/svd.h"

namespace rl {

Connectivity gaussian_null(const GaussianNullParams& params, Rng& rng) {
  check_connectivity_size("gaussian_null", params.N, 1);
  if (!(params.g > 0.0) || !std::isfinite(params.g))
    throw std::invalid_argument("gaussian_null: gain g = " + std::to_string(params.g) + " must be > 0");
  Connectivity c;
  c.W_h = Matrix(params.N, params.N);  // (N, N)
  const double scale = params.g / std::sqrt(static_cast<double>(params.N));
  for (double& w : c.W_h.values()) w = scale * rng.normal();  // paper: W0 = g G / sqrt(N)
  c.record("frobenius_norm", frobenius_norm(c.W_h));
  return c;
}

Connectivity gaussian_rank_truncated(const Matrix& W0, std::size_t r) {
  if (W0.rows() != W0.cols())
    throw std::invalid_argument("gaussian_rank_truncated: W0 " + shape_str(W0) + " is not square");
  if (r < 1 || r > W0.rows())
    throw std::invalid_argument("gaussian_rank_truncated: rank r = " + std::to_string(r) +
                                " must lie in [1, N = " + std::to_string(W0.rows()) + "]");
  Connectivity c;
  c.W_h = truncate_rank(W0, r);
  c.record("rank", static_cast<double>(r));
  c.record("frobenius_ratio", frobenius_norm(c.W_h) / frobenius_norm(W0));
  return c;
}

}  // namespace rl
