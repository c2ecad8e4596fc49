// Rescaling a structured W_h to the scale of its Gaussian control (docs/connectivity.md, "Norms").
//
// The project convention is "Gaussian null at equal Frobenius norm": the control is
// W0 = g G / sqrt(N) with G_ij ~ N(0, 1) (docs/paper.md#initial-weights), whose expected squared Frobenius norm is
// N^2 * g^2 / N = g^2 N exactly.  The reviewers' confound (docs/paper.md#initial-weights item 6) asks for spectral
// norm and spectral radius matching as well; for those the Gaussian reference values are the
// large-N limits 2g (Bai-Yin: largest singular value of G / sqrt(N) -> 2) and g (circular law).
#pragma once

#include <cstddef>
#include <string>

#include "linalg/matrix.h"
#include "nn/norm_kind.h"

namespace rl {

// NormKind (none / frobenius / spectral / spectral_radius), to_string, parse_norm_kind and
// measure_norm are in nn/norm_kind.h, shared with nn/init.h.

struct NormalizeParams {
  NormKind kind = NormKind::kFrobenius;
  double g = 1.25;  // gain of the Gaussian control (docs/paper.md#initial-weights: released default 1.25)
};

// The Gaussian control's value of that norm at size N and gain g: g sqrt(N), 2 g, or g.
double gaussian_reference_norm(NormKind kind, std::size_t N, double g);

// W scaled so that measure_norm(result, kind) == target.  Throws if W is zero or non-finite, or
// target <= 0.  NormKind::kNone returns W unchanged.
Matrix normalize_to(const Matrix& W, NormKind kind, double target);
// W scaled to the reference's value of the chosen norm (e.g. one seed's Gaussian draw).
Matrix normalize_like(const Matrix& W, const Matrix& reference, NormKind kind);
// The factor c such that c * W has the Gaussian control's norm (1 for NormKind::kNone).  Throws when W
// is zero or when c or c * W would overflow.
double normalization_factor(const Matrix& W, const NormalizeParams& params);

}  // namespace rl
