#include "nn/norm_kind.h"

#include <stdexcept>

#include "linalg/norms.h"

namespace rl {

std::string to_string(NormKind kind) {
  switch (kind) {
    case NormKind::none: return "none";
    case NormKind::frobenius: return "frobenius";
    case NormKind::spectral: return "spectral";
    case NormKind::spectral_radius: return "spectral_radius";
  }
  return "?";
}

NormKind parse_norm_kind(const std::string& text) {
  for (NormKind k : {NormKind::none, NormKind::frobenius, NormKind::spectral, NormKind::spectral_radius})
    if (to_string(k) == text) return k;
  if (text == "radius") return NormKind::spectral_radius;
  throw std::invalid_argument("norm kind '" + text +
                              "' is not one of none, frobenius, spectral, spectral_radius (or radius)");
}

double measure_norm(const Matrix& W, NormKind kind) {
  switch (kind) {
    case NormKind::frobenius: return frobenius_norm(W);
    case NormKind::spectral: return spectral_norm(W);
    case NormKind::spectral_radius: return spectral_radius(W);
    case NormKind::none: break;
  }
  throw std::invalid_argument("measure_norm: NormKind::none has no value");
}

}  // namespace rl
