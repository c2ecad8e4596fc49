#include "nn/norm_kind.h"

#include <stdexcept>

#include "linalg/norms.h"

namespace rl {

std::string to_string(NormKind kind) {
  switch (kind) {
    case NormKind::kNone: return "none";
    case NormKind::kFrobenius: return "frobenius";
    case NormKind::kSpectral: return "spectral";
    case NormKind::kSpectralRadius: return "spectral_radius";
  }
  return "?";
}

NormKind parse_norm_kind(const std::string& text) {
  for (NormKind k : {NormKind::kNone, NormKind::kFrobenius, NormKind::kSpectral, NormKind::kSpectralRadius})
    if (to_string(k) == text) return k;
  if (text == "radius") return NormKind::kSpectralRadius;
  throw std::invalid_argument("norm kind '" + text +
                              "' is not one of none, frobenius, spectral, spectral_radius (or radius)");
}

double measure_norm(const Matrix& W, NormKind kind) {
  switch (kind) {
    case NormKind::kFrobenius: return frobenius_norm(W);
    case NormKind::kSpectral: return spectral_norm(W);
    case NormKind::kSpectralRadius: return spectral_radius(W);
    case NormKind::kNone: break;
  }
  throw std::invalid_argument("measure_norm: NormKind::kNone has no value");
}

}  // namespace rl
