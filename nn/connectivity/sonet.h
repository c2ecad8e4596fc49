// Second-order networks (SONETs): random 0/1 graphs with prescribed reciprocal, convergent,
// divergent and chain motif frequencies (Zhao, Beverlin, Netoff & Nykamp, Front. Comput. Neurosci.
// 5:28, 2011).  A clean-room implementation of the description in docs/connectivity.md#sonet-chain-motifs; the
// public implementation (dqnykamp/sonets, GPL-3) was not read.
//
// Definitions (3.1): A_ij = 1 means an edge j -> i; P(A_ij = 1) = p; a motif edge pair has
// P(both) = p^2 (1 + alpha) for alpha in {recip, conv, div, chain}; cc_chain in [-1, 1] picks the
// chain correlation rho_chain = cc_chain sqrt(rho_conv rho_div).
//
// Construction (3.2): threshold a Gaussian field Z whose pair correlations are the rho solving
// L(theta; rho) = p^2 (1 + alpha).  We keep Var Z = 1 and threshold at theta = Q^{-1}(p); the
// description's sigma = 1 / theta with threshold 1 is the same event, but ours also works at p = 0.5.
#pragma once

#include <cstddef>
#include <string>

#include "linalg/matrix.h"
#include "linalg/rng.h"
#include "nn/connectivity/normalize.h"
#include "nn/connectivity/structure.h"

namespace rl {

// How the 0/1 graph becomes W_h (docs/connectivity.md#sonet-rank; the paper's choice is unknown).
enum class SonetWeights {
  kRaw,      // W = A: all positive, Perron outlier ~ pN
  kCentred,  // W = A - p_hat off the diagonal (default)
  kDale,     // A with columns signed: the first round(frac_e N) excitatory (+1), the rest -inh_scale
};

struct SonetParams {
  std::size_t N = 300;
  double p = 0.1;            // edge probability, 0 < p <= 0.5
  double alpha_recip = 0.0;  // may be negative
  double alpha_conv = 0.5;   // >= 0
  double alpha_div = 0.5;    // >= 0
  double cc_chain = 1.0;     // in [-1, 1]; 1 = largest chain excess allowed, 0 = none
  SonetWeights weights = SonetWeights::kCentred;
  double frac_e = 0.8;       // dale weights only
  double inh_scale = 1.0;    // dale weights only
  NormalizeParams norm;      // default: Frobenius-matched, g = 1.25
};

std::string to_string(SonetWeights w);
SonetWeights parse_sonet_weights(const std::string& text);

// Everything derived from the parameters before any draw (docs/connectivity.md#sonet-generation steps 1-4).
struct SonetCoefficients {
  double theta = 0;                                        // Q^{-1}(p)
  double rho_recip = 0, rho_conv = 0, rho_div = 0, rho_chain = 0;
  double alpha_chain = 0;                                  // realised target L(theta; rho_chain)/p^2 - 1
  double s_d = 0, s_r = 0, s_c = 0, s_v = 0, s_h = 0;      // weights of X_ij, X_ji, rows, cols, chains
};
// Throws std::invalid_argument naming the parameter (or the violated condition) when no valid
// construction exists.
SonetCoefficients sonet_coefficients(const SonetParams& params);

// The 0/1 graph A (N, N), zero diagonal (docs/connectivity.md#sonet-generation steps 5-6), O(N^2).
Matrix sonet_graph(const SonetParams& params, const SonetCoefficients& coef, Rng& rng);

// The estimators of docs/connectivity.md#sonet-estimators on a 0/1 matrix with zero diagonal.
struct MotifStatistics {
  double p_hat = 0, alpha_recip = 0, alpha_conv = 0, alpha_div = 0, alpha_chain = 0;
};
MotifStatistics motif_statistics(const Matrix& A);

// Graph -> weights -> normalisation.  Records the targets ("theta", "rho_*", "alpha_chain_target")
// and the realised statistics ("p_hat", "alpha_recip_hat", "alpha_conv_hat", "alpha_div_hat",
// "alpha_chain_hat"), plus "scale_factor".
Connectivity sonet_connectivity(const SonetParams& params, Rng& rng);

}  // namespace rl
