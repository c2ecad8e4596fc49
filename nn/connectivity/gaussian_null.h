// The Gaussian null that every Fig. 2 structure is compared with, and its SVD rank-r truncation.
//
//   W0 = g G / sqrt(N),  G_ij ~ N(0, 1) iid            (docs/paper.md#initial-weights item 1 [REL])
//
// The truncation here is a thin call to rl::truncate_rank and is *not* renormalised: the training
// initialiser with the paper's renormalisation W_r ||W0||_F / ||W_r||_F lives in nn/init.h.
#pragma once

#include <cstddef>

#include "linalg/matrix.h"
#include "linalg/rng.h"
#include "nn/connectivity/structure.h"

namespace rl {

struct GaussianNullParams {
  std::size_t N = 300;  // hidden units
  double g = 1.25;      // gain (docs/paper.md#initial-weights: released default 1.25)
};

// W0 = g G / sqrt(N); records "frobenius_norm".  Throws on N = 0 or g <= 0.
Connectivity gaussian_null(const GaussianNullParams& params, Rng& rng);

// U[:, :r] diag(s_1..s_r) V[:, :r]^T of W0 (rl::truncate_rank); records "rank" and
// "frobenius_ratio" = ||W_r||_F / ||W0||_F.  Throws unless 1 <= r <= N.
Connectivity gaussian_rank_truncated(const Matrix& W0, std::size_t r);

}  // namespace rl
