#include "nn/ntk_rnn.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "linalg/gemm.h"
#include "nn/ntk_contractions.h"

namespace rl {

// ---- the definition: K = J J^T from the output Jacobian (reference) ----------------------------
// J has one row per selected output y_a, a = (step_index * B + b) * K + k, and one column per
// parameter entry; row a is the gradient of y_a, i.e. one rnn_backward with dY = e_a.  R backward
// passes: small networks only.  The fast path below gives the same K to rounding.

Matrix rnn_output_jacobian(const RnnParams& p, const RnnConfig& c, const SeqBatch& batch, NtkWrt wrt,
                           Steps steps) {
  const RnnTrace tr = rnn_forward(p, c, batch);
  const ntk::Layout L(c, batch.T, batch.B, NtkOptions{wrt, steps, NtkPath::kAuto, 0, 1});
  // BEGIN ASSIGNMENT A4: rnn_output_jacobian (docs/ntk.md#what-is-computed)
  // J is (L.R, #parameters): one row per selected output, one column per parameter entry, columns in
  // the order W_in, W_h, W_out (row-major entries; W_h alone when wrt == NtkWrt::kRecurrent).
  // Output a = (step_index * B + b) * K + k: grp = a / L.K, k = a % L.K, trial b = grp % L.B, step
  // t = L.step_of(grp / L.B) (all steps, or only the last one), time-major row t * B + b of dY.
  // Row a is dy_a / dtheta: ONE backward pass with dY = e_a (a single 1 at (row, k), zero elsewhere,
  // reset for every a) into zeroed gradients: rnn_backward(p, c, batch, tr, dY, g), then copy g.
  const bool all = wrt == NtkWrt::kAllParameters;
  const std::size_t n_in = c.n_in, N = c.N;
  const std::size_t cols = N * N + (all ? N * n_in + c.K * N : 0);
  Matrix J(L.R, cols);
  Matrix dY(batch.T * batch.B, c.K);
  RnnParams g = zero_params(c);
  for (std::size_t a = 0; a < L.R; ++a) {  // one backward pass per output: the reference only
    const std::size_t grp = a / L.K, k = a % L.K;
    const std::size_t row = L.step_of(grp / L.B) * L.B + grp % L.B;
    dY.set_zero();
    dY(row, k) = 1.0;
    zero_grads(g);
    rnn_backward(p, c, batch, tr, dY, g);
    double* out = J.row(a);
    if (all) out = std::copy(g.W_in.data(), g.W_in.data() + g.W_in.size(), out);
    out = std::copy(g.W_h.data(), g.W_h.data() + g.W_h.size(), out);
    if (all) std::copy(g.W_out.data(), g.W_out.data() + g.W_out.size(), out);
  }
  return J;
  // END ASSIGNMENT A4
}

Matrix rnn_tangent_kernel_reference(const RnnParams& p, const RnnConfig& c, const SeqBatch& batch, NtkWrt wrt,
                                    Steps steps) {
  // BEGIN ASSIGNMENT A4: rnn_tangent_kernel_reference (docs/ntk.md#what-is-computed)
  // K = J J^T with J = rnn_output_jacobian(...) of shape (R, #parameters): K is (R, R) over OUTPUTS,
  // K[a, a'] = sum_j J(a, j) J(a', j) -- not J^T J, which is (#parameters, #parameters).
  const Matrix J = rnn_output_jacobian(p, c, batch, wrt, steps);  // (R, #parameters)
  Matrix K(J.rows(), J.rows());
  for (std::size_t a = 0; a < J.rows(); ++a)  // K[a, a'] = J_a . J_a'
    for (std::size_t a2 = 0; a2 < J.rows(); ++a2) {
      double dot = 0.0;
      for (std::size_t j = 0; j < J.cols(); ++j) dot += J(a, j) * J(a2, j);
      K(a, a2) = dot;
    }
  return K;
  // END ASSIGNMENT A4
}

// ---- fast path ------------------------------------------------------------------------------
// No backward pass per output: every error vector from one batched sweep, then one of three
// contraction orders (nn/ntk_contractions.h), chosen by the multiply-add counts below.

NtkCosts ntk_costs(const RnnConfig& c, std::size_t T, std::size_t B, const NtkOptions& o) {
  c.validate();
  if (T == 0 || B == 0)
    throw std::invalid_argument("ntk_costs: need T > 0 and B > 0 (T=" + std::to_string(T) +
                                ", B=" + std::to_string(B) + ")");
  const ntk::Layout L(c, T, B, o);
  NtkCosts costs;
  // docs/ntk.md (N4): sum over step pairs s <= s' of M_s M_s' N (error Gram) + B^2 Pz (input Gram).
  for (std::size_t s = L.s_lo; s < T; ++s)
    for (std::size_t s2 = s; s2 < T; ++s2) {
      const double M1 = static_cast<double>(L.R - L.first_active(s));
      const double M2 = static_cast<double>(L.R - L.first_active(s2));
      costs.error_gram += M1 * M2 * (static_cast<double>(L.N) + 1.0) +
                          static_cast<double>(B * B) * static_cast<double>(L.Pz);
    }
  // docs/ntk.md (N5): products (R^2 + R * tile) / 2 * N Pz plus block formations, each block formed
  // once as the left operand and once per earlier left block.
  const double R = static_cast<double>(L.R), width = static_cast<double>(L.N * L.Pz);
  const double rows = static_cast<double>(L.block_rows(o.block_bytes));
  const double nb = std::ceil(R / rows);
  double steps_per_output = 0.0;
  for (std::size_t ti = 0; ti < L.n_sel; ++ti) {
    const std::size_t t = L.step_of(ti);
    steps_per_output += t + 1 > L.s_lo ? static_cast<double>(t + 1 - L.s_lo) : 0.0;
  }
  steps_per_output /= static_cast<double>(L.n_sel);
  costs.jacobian_blocks = (R * R + R * static_cast<double>(ntk::kDiagonalTileRows)) / 2.0 * width +
                          nb * (nb + 1.0) / 2.0 * rows * steps_per_output * width;
  // docs/ntk.md (N6): per trial pair, input Gram T'^2 Pz + mixing T'^2 O N + dots O^2 N T'.
  const double Bd = static_cast<double>(B), pairs = Bd * (Bd + 1.0) / 2.0;
  const double Tp = static_cast<double>(T - std::min(T, L.s_lo)), O = static_cast<double>(L.n_sel * L.K);
  const double Nd = static_cast<double>(L.N);
  costs.trial_pairs = pairs * (Tp * Tp * static_cast<double>(L.Pz) + Tp * Tp * O * Nd + O * O * Nd * Tp);
  costs.trial_pairs_weighted = ntk::kTrialPairsRateFactor * costs.trial_pairs;
  return costs;
}

NtkResult rnn_tangent_kernel(const RnnParams& p, const RnnConfig& c, const SeqBatch& batch,
                             const NtkOptions& o) {
  const RnnTrace tr = rnn_forward(p, c, batch);  // validates shapes
  const ntk::Layout L(c, batch.T, batch.B, o);
  NtkResult res{Matrix(L.R, L.R), o.path, ntk_costs(c, batch.T, batch.B, o)};
  if (res.path == NtkPath::kAuto) {
    const NtkCosts& k = res.costs;
    const double pairs = k.trial_pairs_weighted;
    res.path = k.error_gram <= std::min(k.jacobian_blocks, pairs) ? NtkPath::kErrorGram
               : pairs <= k.jacobian_blocks                       ? NtkPath::kTrialPairs
                                                                  : NtkPath::kJacobianBlocks;
  }
  if (L.T > L.s_lo) {  // otherwise W_h never acts (T = 1): its part of K is zero
    const Matrix Delta = ntk::error_vectors(p, c, tr, L);
    const Matrix Z = ntk::input_side(tr, batch, L);
    if (res.path == NtkPath::kErrorGram)
      ntk::contract_error_gram(Delta, Z, L, c.alpha, res.K);
    else if (res.path == NtkPath::kTrialPairs)
      ntk::contract_trial_pairs(Delta, Z, L, c.alpha, o.trials_per_block, res.K);
    else
      ntk::contract_jacobian_blocks(Delta, Z, L, c.alpha, o.block_bytes, res.K);
  }
  if (o.wrt == NtkWrt::kAllParameters) ntk::add_readout_part(tr, L, res.K);
  return res;
}

}  // namespace rl
