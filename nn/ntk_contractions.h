// The machinery behind rnn_tangent_kernel's fast path (nn/ntk_rnn.h): the batched backward sweep
// that gives every output's error vectors at once, and the three orders in which K = J J^T can be
// contracted from them without a backward pass per output (docs/ntk.md derives each):
//   contract_error_gram       sum over step pairs (s, s') of (error-vector Gram) .* (input-side Gram);
//   contract_jacobian_blocks  J one block of rows at a time, K = sum of block products;
//   contract_trial_pairs      per pair of trials, mixing by the T x T input Gram, then SIMD dot tiles.
// A first reading can skip this file: rnn_tangent_kernel_reference is the definition.
//
// Structure used (derived: docs/ntk.md): y_{t,b,k} depends on trial b only, and
//   d y_a / d W_h  = alpha sum_{s<=t} d^a_s h_{s-1,b}^T,     d y_a / d W_in = alpha sum_{s<=t} d^a_s x_{s,b}^T
// where d^a_s = d y_a / d u_s (the backpropagated error vector of output a at step s).  Writing
// z_{s,b} = [x_{s,b}, h_{s-1,b}] (or h_{s-1,b} alone for W_h) for the input side,
//   K[a, a'] = alpha^2 sum_{s, s'} (d^a_s . d^a'_{s'}) (z_{s,b} . z_{s',b'})   (+ the W_out part).
#pragma once

#include <cstddef>

#include "linalg/matrix.h"
#include "nn/ntk_rnn.h"
#include "nn/rnn.h"
#include "nn/sequence.h"

namespace rl {
namespace ntk {


inline constexpr std::size_t kDiagonalTileRows = 120;  // [TP] tile of a diagonal J-block product (upper tiles only)
// [TP] kTrialPairs runs a GEMM with inner dimension T' (27 for sMNIST) and hand-written dot tiles, both
// measured at about half the multiply-add rate of the large GEMMs of the other two orders
// (docs/ntk.md, "Measured"), so its count is weighted by 2 when the orders are compared.
inline constexpr double kTrialPairsRateFactor = 2.0;

// Index bookkeeping shared by the three contraction orders.  Output a = (ti * B + b) * K + k; "group"
// g = ti * B + b owns the K consecutive rows of one trial at one selected step.
struct Layout {
  std::size_t T, B, K, N, Pz, R;
  std::size_t n_sel;   // selected steps (T or 1)
  std::size_t s_lo;    // first step whose input side z_s is non-zero (0 with W_in, 1 for W_h only)
  bool all_steps;

  Layout(const RnnConfig& c, std::size_t T_, std::size_t B_, const NtkOptions& o)
      : T(T_), B(B_), K(c.K), N(c.N),
        Pz(c.N + (o.wrt == NtkWrt::kAllParameters ? c.n_in : 0)),
        R(0), n_sel(o.steps == Steps::kAll ? T_ : 1),
        s_lo(o.wrt == NtkWrt::kAllParameters ? 0 : 1), all_steps(o.steps == Steps::kAll) {
    R = n_sel * B * K;
  }
  // The step of the outputs of selected-step index ti.
  std::size_t step_of(std::size_t ti) const { return all_steps ? ti : T - 1; }
  // First output row whose error vector at step s can be non-zero (outputs with t >= s).
  std::size_t first_active(std::size_t s) const { return all_steps ? s * B * K : 0; }
  std::size_t trial_of(std::size_t a) const { return (a / K) % B; }
  std::size_t block_rows(std::size_t block_bytes) const {
    const std::size_t groups = std::max<std::size_t>(1, block_bytes / (sizeof(double) * N * Pz * K));
    return std::min(groups * K, R);
  }
};

// Error vectors d^a_s = d y_a / d u_s for every output a and step s, from ONE backward sweep.
// (T * R, N), row s * R + a (zero where t(a) < s).  docs/ntk.md (N2).
Matrix error_vectors(const RnnParams& p, const RnnConfig& c, const RnnTrace& tr, const Layout& L);
// Input side z_{s,b} = [x_{s,b} (with W_in), h_{s-1,b}], h_{-1} = 0.  (T * B, Pz), row s * B + b.
Matrix input_side(const RnnTrace& tr, const SeqBatch& batch, const Layout& L);

// Each adds (or writes) the W_in / W_h part of K (R, R) from Delta and Z.
void contract_error_gram(const Matrix& Delta, const Matrix& Z, const Layout& L, double alpha, Matrix& K);
void contract_jacobian_blocks(const Matrix& Delta, const Matrix& Z, const Layout& L, double alpha,
                              std::size_t block_bytes, Matrix& K);
void contract_trial_pairs(const Matrix& Delta, const Matrix& Z, const Layout& L, double alpha,
                          std::size_t trials_per_block, Matrix& K);
// W_out part: K[a, a'] += [k == k'] h_{t,b} . h_{t',b'}.
void add_readout_part(const RnnTrace& tr, const Layout& L, Matrix& K);

}  // namespace ntk
}  // namespace rl
