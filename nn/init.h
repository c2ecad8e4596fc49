// Weight initializations (docs/paper.md#rnn-model, #initial-weights, #two-layer-relu).
//
//   pytorch_uniform   U(-1/sqrt(fan_in), +1/sqrt(fan_in)), PyTorch's nn.Linear / nn.RNN default,
//                     used for W_in and W_out as in the released code [REL].
//   gaussian_init     W0 = g G / sqrt(fan_in), G_ij ~ N(0, 1) [REL] (fan_in = N for W_h).
//   low_rank_init     W_h(0) = W_r * ||W0|| / ||W_r||, W_r the rank-r SVD truncation of W0 [REL],
//                     renormalised to W0's Frobenius norm (released code), spectral norm, or
//                     spectral radius (reviewer's chaos confound, docs/paper.md#initial-weights item 6 [REV]).
//   low_rank_sweep    every rank of a sweep from ONE SVD of W0 (the Fig. 1 paired comparison).
//   released_ranks / smnist_ranks: the rank lists of docs/paper.md#initial-weights item 5 [REL].
// A weight matrix is (fan_out x fan_in): it maps inputs (columns) to outputs (rows).
#pragma once

#include <cstddef>
#include <vector>

#include "linalg/matrix.h"
#include "linalg/rng.h"
#include "nn/norm_kind.h"

namespace rl {

// Which norm of the full matrix W0 the truncated matrix is rescaled to match: NormKind (nn/norm_kind.h)
//   frobenius        ||W_r||_F = ||W0||_F  (released code; default)
//   spectral         largest singular value (truncation keeps s_1, so the factor is exactly 1)
//   spectral_radius  largest |eigenvalue| (square matrices only)
//   none             the plain truncation W_r, not rescaled

// (fan_out x fan_in) with entries U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
Matrix pytorch_uniform(std::size_t fan_out, std::size_t fan_in, Rng& rng);
// (fan_out) bias vector with the same law (PyTorch nn.Linear bias).
std::vector<double> pytorch_uniform_bias(std::size_t fan_out, std::size_t fan_in, Rng& rng);

// (fan_out x fan_in) with entries g * N(0, 1) / sqrt(fan_in).
Matrix gaussian_init(std::size_t fan_out, std::size_t fan_in, double g, Rng& rng);

// Rank-r truncation of W0 renormalised to W0's norm of the chosen kind.  1 <= r <= min(m, n);
// r = min(m, n) returns W0 itself, bit for bit (docs/paper.md#initial-weights item 3).  Throws on invalid r, non-finite or
// zero W0, or a truncation whose norm of that kind is zero (e.g. a nilpotent rank-1 truncation
// under NormKind::kSpectralRadius).
Matrix low_rank_init(const Matrix& W0, std::size_t r, NormKind norm = NormKind::kFrobenius);

// The same for several ranks from a single SVD of W0; result[i] has rank ranks[i].
std::vector<Matrix> low_rank_sweep(const Matrix& W0, const std::vector<std::size_t>& ranks,
                                   NormKind norm = NormKind::kFrobenius);

// Released rank rule for hidden size N: N < 150 -> {1, 30, N}; 150 <= N <= 500 -> {1, 30, 100, N};
// N > 500 -> {1, 30, 100, 300, N}.  For N <= 30 the rule would list ranks above N; we drop ranks
// not below N before appending N (default chosen here), so the list is strictly ascending and ends
// at N, e.g. N = 20 -> {1, 20}.
std::vector<std::size_t> released_ranks(std::size_t N);
// sMNIST rule {5, 30, N} (same dropping of ranks not below N).
std::vector<std::size_t> smnist_ranks(std::size_t N);

}  // namespace rl
