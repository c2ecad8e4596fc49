// Empirical tangent kernel of the CT-RNN (nn/rnn.h): K = J J^T, J = d y / d theta, one row per output
// coordinate a = (t, b, k) (docs/paper.md#measures: KA uses theta = W_h; Neurogym: all 8 steps x 32 trials
// x 3 logits = 768 rows; sMNIST: last step x 200 trials x 10 logits = 2000 rows).
//
// Row order: a = (step_index * B + b) * K + k, step_index over the selected steps (all steps, or the
// last one), the same order as the released code's loops (for t, for b, for k).
//
// Read first: rnn_tangent_kernel_reference, the definition K = J J^T with J stacked from one
// backward pass per output row (rnn_output_jacobian).  The fast entry point rnn_tangent_kernel gives
// the same K to rounding without a backward pass per output: all error vectors from ONE batched
// sweep, then one of three contraction orders chosen by cost (nn/ntk_contractions.h; docs/ntk.md
// derives all three):
//   kErrorGram      sum over step pairs of (error-vector Gram) .* (input-side Gram): cheap when T is
//                   small against N (Neurogym);
//   kJacobianBlocks J one block of rows at a time (at most two blocks alive) and K from block pairs;
//   kTrialPairs     per pair of trials, mix by the T x T input Gram, then SIMD dot tiles: cheapest when
//                   T^2 is large against N (sMNIST, last step).  Never forms J.
// W_out part (only for kAllParameters): d y_{t,b,k} / d W_out = e_k h_{t,b}^T, so it adds
// [k == k'] (h_{t,b} . h_{t',b'}).
#pragma once

#include <cstddef>

#include "linalg/matrix.h"
#include "nn/rnn.h"
#include "nn/sequence.h"

namespace rl {

enum class NtkWrt { kRecurrent, kAllParameters };  // W_h only (the paper's KA) or W_in, W_h, W_out
enum class NtkPath { kAuto, kErrorGram, kJacobianBlocks, kTrialPairs };

struct NtkOptions {
  NtkWrt wrt = NtkWrt::kRecurrent;
  Steps steps = Steps::kAll;
  NtkPath path = NtkPath::kAuto;
  std::size_t block_bytes = std::size_t{192} << 20;  // [TP] one block of J (kJacobianBlocks)
  std::size_t trials_per_block = 32;                 // [TP] trials mixed per GEMM (kTrialPairs)
};

// Multiply-add counts of the three contraction orders (the shared backward sweep excluded).  kAuto
// takes the smallest of error_gram, jacobian_blocks and trial_pairs_weighted (trial_pairs times its
// measured rate penalty, see ntk_rnn.cpp).
struct NtkCosts {
  double error_gram = 0.0;
  double jacobian_blocks = 0.0;
  double trial_pairs = 0.0;
  double trial_pairs_weighted = 0.0;
};

struct NtkResult {
  Matrix K;      // (R, R), R = (#selected steps) * B * K_out
  NtkPath path;  // the contraction order used (never kAuto)
  NtkCosts costs;
};

// ---- the definition (reference; R backward passes, small networks only) ------------------------
// J = d y / d theta, one row per selected output (the row order above), one rnn_backward each.
// Columns: vec(W_h) for kRecurrent; [vec(W_in), vec(W_h), vec(W_out)] for kAllParameters.
Matrix rnn_output_jacobian(const RnnParams& params, const RnnConfig& config, const SeqBatch& batch,
                           NtkWrt wrt, Steps steps);
// K = J J^T with J from rnn_output_jacobian.
Matrix rnn_tangent_kernel_reference(const RnnParams& params, const RnnConfig& config, const SeqBatch& batch,
                                    NtkWrt wrt, Steps steps);

// ---- fast path ------------------------------------------------------------------------------------
NtkCosts ntk_costs(const RnnConfig& config, std::size_t T, std::size_t B, const NtkOptions& options);

NtkResult rnn_tangent_kernel(const RnnParams& params, const RnnConfig& config, const SeqBatch& batch,
                             const NtkOptions& options = NtkOptions{});

}  // namespace rl
