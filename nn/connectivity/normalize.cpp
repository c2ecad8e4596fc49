#include "nn/connectivity/normalize.h"

#include <cmath>
#include <stdexcept>

#include "linalg/norms.h"

namespace rl {

double gaussian_reference_norm(NormKind kind, std::size_t N, double g) {
  if (!(g > 0.0) || !std::isfinite(g))
    throw std::invalid_argument("gaussian_reference_norm: gain g = " + std::to_string(g) + " must be > 0");
  if (N == 0)
    throw std::invalid_argument("gaussian_reference_norm: the matrix to normalise has N = 0 units "
                                "(an empty connectivity: a cell table with no rows?)");
  switch (kind) {
    case NormKind::kFrobenius: return g * std::sqrt(static_cast<double>(N));  // E||W0||_F^2 = g^2 N
    case NormKind::kSpectral: return 2.0 * g;                                 // Bai-Yin limit
    case NormKind::kSpectralRadius: return g;                                // circular law
    case NormKind::kNone: break;
  }
  throw std::invalid_argument("gaussian_reference_norm: NormKind::kNone has no value");
}

Matrix normalize_to(const Matrix& W, NormKind kind, double target) {
  if (kind == NormKind::kNone) return W;
  require_finite(W, "normalize_to: W");
  if (!(target > 0.0) || !std::isfinite(target))
    throw std::invalid_argument("normalize_to: target norm " + std::to_string(target) + " must be > 0");
  const double current = measure_norm(W, kind);
  if (!(current > 0.0))
    throw std::invalid_argument("normalize_to: W has zero " + to_string(kind) + " norm; cannot rescale");
  return W * (target / current);
}

Matrix normalize_like(const Matrix& W, const Matrix& reference, NormKind kind) {
  if (kind == NormKind::kNone) return W;
  return normalize_to(W, kind, measure_norm(reference, kind));
}

double normalization_factor(const Matrix& W, const NormalizeParams& params) {
  if (params.kind == NormKind::kNone) return 1.0;
  const double target = gaussian_reference_norm(params.kind, W.rows(), params.g);
  const double current = measure_norm(W, params.kind);
  if (!(current > 0.0))
    throw std::invalid_argument("normalization: W has zero " + to_string(params.kind) + " norm");
  const double factor = target / current;
  // A huge gain or a nearly-zero W must not turn the weights into infinities (found by make fuzz).
  if (!std::isfinite(target) || !std::isfinite(factor) || !std::isfinite(factor * max_abs(W)))
    throw std::invalid_argument("normalization: scaling W (" + to_string(params.kind) + " norm " +
                                std::to_string(current) + ") to gain g = " + std::to_string(params.g) +
                                " overflows double");
  return factor;
}

}  // namespace rl
