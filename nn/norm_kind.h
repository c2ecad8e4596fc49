// Which norm a rescaled matrix is made to match: the one choice behind low_rank_init's
// renormalisation (nn/init.h, docs/paper.md#initial-weights), the Fig. 2 scale of every structure
// (nn/connectivity/normalize.h) and the Fig. 3C student starts (nn/aligned_init.h).
//
//   frobenius        ||W||_F = sqrt(sum_ij W_ij^2)       (the paper's rule; the default)
//   spectral         ||W||_2 = largest singular value
//   spectral_radius  max_i |lambda_i(W)|                 (square matrices only)
//   none             no rescaling
#pragma once

#include <string>

#include "linalg/matrix.h"

namespace rl {

enum class NormKind {
  kNone,            // leave the scale as it is
  kFrobenius,       // ||W||_F                (default)
  kSpectral,        // largest singular value
  kSpectralRadius,  // max |lambda|
};

// "none" / "frobenius" / "spectral" / "spectral_radius".
std::string to_string(NormKind kind);

// The inverse of to_string; "radius" (the programs' --norm spelling) also means spectral_radius.
// Any other text throws std::invalid_argument naming the text and the valid choices.
NormKind parse_norm_kind(const std::string& text);

// The chosen norm of W (throws std::invalid_argument for NormKind::kNone).
double measure_norm(const Matrix& W, NormKind kind);

}  // namespace rl
