// Forward-mode differentiation through the CT-RNN (nn/rnn.h): the Jacobian-vector product
// dy = J(theta) dtheta, J = d vec(y) / d theta, for one direction dtheta = (dW_in, dW_h, dW_out),
// without forming J.  Derivation beside reverse mode (docs/bptt.md): docs/linearised.md.
//
// Differentiating the model u_t = (1 - alpha) h_{t-1} + alpha (W_in x_t + W_h h_{t-1}), h_t = phi(u_t),
// y_t = W_out h_t along dtheta gives the tangent recursion, run forwards in time beside the states:
//   du_t = (1 - alpha) dh_{t-1} + alpha (dW_in x_t + dW_h h_{t-1} + W_h dh_{t-1}),   dh_{-1} = 0
//   dh_t = phi'(u_t) * du_t          relu: phi'(u) = [u > 0];  tanh: phi'(u) = 1 - h_t^2
//   dy_t = dW_out h_t + W_out dh_t
// It needs the forward trace at theta (u_t, h_t), so call rnn_forward first.
//
// Rows are time-major like every per-step quantity of a batch: row t*B + b (nn/sequence.h).
#pragma once

#include "linalg/matrix.h"
#include "nn/rnn.h"
#include "nn/sequence.h"

namespace rl {

struct RnnTangent {
  Matrix dh;  // (T*B, N) dh_t, the tangent of the hidden states along dtheta
  Matrix dy;  // (T*B, K) dy_t = J dtheta, the tangent of the logits
};

// The plain recursion, one step, one trial and one unit at a time (the definition; the tests' oracle).
// `trace` = rnn_forward(params, config, batch).
RnnTangent rnn_jvp_reference(const RnnParams& params, const RnnParams& direction,
                             const RnnConfig& config, const SeqBatch& batch, const RnnTrace& trace);

// The same with GEMMs (below the ruler in rnn_jvp.cpp); agrees with the reference to rounding.
// Writes into `out`, reusing its matrices when their shapes fit (no allocation once warmed up).
void rnn_jvp(const RnnParams& params, const RnnParams& direction, const RnnConfig& config,
             const SeqBatch& batch, const RnnTrace& trace, RnnTangent& out);
RnnTangent rnn_jvp(const RnnParams& params, const RnnParams& direction, const RnnConfig& config,
                   const SeqBatch& batch, const RnnTrace& trace);

}  // namespace rl
