// Dale's law: every presynaptic unit (column) is excitatory or inhibitory (docs/connectivity.md#dales-law).
//
//   W_ij = s_j |w_ij|,  s_j = +1 (E) or -k (I),  |w_ij| from a magnitude law,  W_ii = 0,
//   optional Bernoulli(density) mask, then rescaled to the Gaussian control (normalize.h).
//
// Where the outlier comes from (docs/connectivity.md#dale-outlier; Rajan & Abbott 2006): W = 1 m^T + X with m_j the
// column mean; the rank-one part has the single eigenvalue lambda_out = sum_j m_j, and X has a bulk
// of radius r = sqrt(sum_j Var W_ij).  The builder records both predictions ("predicted_outlier",
// "predicted_bulk_radius") from the magnitude law's moments and the final scale factor.
// Which law, E fraction and balance the paper used is unknown (docs/connectivity.md#what-is-known); our defaults are
// the ColEI-style 80/20 half-normal, k = 1, unbalanced (the reviewers' "outlier, not balanced").
#pragma once

#include <cstddef>
#include <string>

#include "linalg/rng.h"
#include "nn/connectivity/normalize.h"
#include "nn/connectivity/structure.h"

namespace rl {

enum class DaleMagnitude { kHalfNormal, kExponential, kLognormal };
enum class DaleBalance {
  kNone,  // inhibitory columns scaled by inh_scale (default k = 1: unbalanced)
  kMean,  // k chosen so that the expected column means cancel: k = N_E / N_I (docs/connectivity.md#dale-balanced)
  kRow,   // keep signs, rescale each row's inhibitory weights so every row sums to exactly zero
};

struct DaleParams {
  std::size_t N = 300;
  double frac_e = 0.8;                                  // N_E = round(frac_e N), 0 < frac_e < 1
  DaleMagnitude magnitude = DaleMagnitude::kHalfNormal;  // |N(0,1)|, Exp(1), or exp(lognormal_shape z)
  double lognormal_shape = 1.0;                         // [TP] shape of the lognormal magnitude law
  double inh_scale = 1.0;                               // k (used when balance == none)
  DaleBalance balance = DaleBalance::kNone;
  double density = 1.0;                                 // Bernoulli mask probability, (0, 1]
  bool zero_diagonal = true;
  NormalizeParams norm;                                 // default: Frobenius-matched, g = 1.25
};

std::string to_string(DaleMagnitude m);
std::string to_string(DaleBalance b);
DaleMagnitude parse_dale_magnitude(const std::string& text);
DaleBalance parse_dale_balance(const std::string& text);

// First and second moments E|w|, E w^2 of one magnitude draw.
struct MagnitudeMoments {
  double mean = 0.0, second = 0.0;
};
MagnitudeMoments dale_magnitude_moments(DaleMagnitude law, double lognormal_shape);

// Columns 0..N_E-1 are excitatory, N_E..N-1 inhibitory.  Records "n_excitatory", "n_inhibitory",
// "inh_scale", "scale_factor", "predicted_outlier", "predicted_bulk_radius", "rows_unbalanceable"
// (row balance only: rows lacking E or I inputs, left at zero), "density_realised".
// Throws on frac_e outside (0, 1), N_E or N_I = 0, density outside (0, 1], inh_scale outside [1e-6, 1e6], lognormal_shape outside [0, 10].
Connectivity dale_connectivity(const DaleParams& params, Rng& rng);

}  // namespace rl
