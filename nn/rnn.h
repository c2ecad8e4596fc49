// Continuous-time RNN (forward-Euler discretisation) with hand-written backpropagation through time.
//
// Model (docs/paper.md#rnn-model, as in the released code; the paper's equation number is not verified):
//   u_t = (1 - alpha) h_{t-1} + alpha (W_in x_t + W_h h_{t-1})     pre-activation   (B, N) per step
//   h_t = phi(u_t),  h_{-1} = 0,  phi = relu or tanh                 hidden state     (B, N)
//   y_t = W_out h_t                                                  logits, every step (B, K)
// No biases.  alpha = dt / tau (Neurogym and sMNIST: dt = tau = 100 ms, so alpha = 1).
//
// Dimension letters: N hidden units, B trials, T steps, K outputs, n_in inputs.  Every per-step
// quantity of a whole batch is stored time-major in one (T*B, .) matrix, row t*B + b (nn/sequence.h),
// so the input projection, the readout and the weight gradients are each ONE GEMM over all T*B rows.
// The derivation of rnn_backward, line by line, is docs/bptt.md.
//
// Two versions of each pass: rnn_forward_reference / rnn_backward_reference are the model written one
// step, one trial and one unit at a time (read these first: they ARE docs/bptt.md); rnn_forward /
// rnn_backward are the fast batched versions every program uses, tested to agree with them.
//
// The fast path is one template for float and double (docs/precision.md): BasicRnnParams<float>
// (RnnParamsF) trains as the released PyTorch script computes, in float32; the reference versions,
// and everything that measures a network, stay in double.
//
// Gradients follow the llm.c convention: rnn_backward ACCUMULATES (+=) into `grads`; call zero_grads
// first.  This is what makes the sum over time steps of a weight shared across time correct.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "linalg/matrix.h"
#include "nn/activation.h"
#include "nn/sequence.h"

namespace rl {

struct RnnConfig {
  std::size_t n_in = 0;  // inputs per step
  std::size_t N = 0;     // hidden units
  std::size_t K = 0;     // outputs (logits) per step
  double alpha = 1.0;    // dt / tau, in (0, 1]
  Activation activation = Activation::kRelu;

  // Throws std::invalid_argument naming the bad field.
  void validate() const;
};

// alpha = dt / tau: forward Euler, the released code's choice.
double alpha_forward_euler(double dt, double tau);
// alpha = 1 - exp(-dt / tau): exponential Euler (exact for the leak term), offered as an option.
double alpha_exponential_euler(double dt, double tau);

template <class T>
struct BasicRnnParams {
  BasicMatrix<T> W_in;   // (N, n_in)
  BasicMatrix<T> W_h;    // (N, N)
  BasicMatrix<T> W_out;  // (K, N)
};
using RnnParams = BasicRnnParams<double>;
using RnnParamsF = BasicRnnParams<float>;

// The same parameters in another scalar type (cast_matrix on each matrix).
template <class To, class From>
BasicRnnParams<To> cast_params(const BasicRnnParams<From>& p) {
  return {cast_matrix<To>(p.W_in), cast_matrix<To>(p.W_h), cast_matrix<To>(p.W_out)};
}

// All-zero parameters (or gradients) with the shapes of `config`.
template <class T = double>
BasicRnnParams<T> zero_params(const RnnConfig& config) {
  return {BasicMatrix<T>(config.N, config.n_in), BasicMatrix<T>(config.N, config.N),
          BasicMatrix<T>(config.K, config.N)};
}
// Sets every gradient entry to 0 (the explicit zeroing step before rnn_backward).
template <class T>
void zero_grads(BasicRnnParams<T>& grads) {
  grads.W_in.set_zero();
  grads.W_h.set_zero();
  grads.W_out.set_zero();
}
// {&W_in, &W_h, &W_out}: the order optimizers and gradient checks use.
template <class T>
std::vector<BasicMatrix<T>*> parameter_list(BasicRnnParams<T>& params) {
  return {&params.W_in, &params.W_h, &params.W_out};
}
// {"W_in", "W_h", "W_out"}: the names of parameter_list's entries (gradient-check messages).
std::vector<std::string> rnn_parameter_names();
// Throws std::invalid_argument unless the three matrices have the shapes of `config`.
template <class T>
void check_shapes(const BasicRnnParams<T>& params, const RnnConfig& config, const char* what);
// Throws std::invalid_argument unless `batch` is valid, non-empty and has config.n_in input columns.
void check_batch(const SeqBatch& batch, const RnnConfig& config, const char* what);

// Everything the backward pass needs from the forward pass.
template <class Scalar>
struct BasicRnnTrace {
  std::size_t T = 0, B = 0;
  BasicMatrix<Scalar> pre;  // (T*B, N) pre-activations u_t, row t*B + b
  BasicMatrix<Scalar> h;    // (T*B, N) hidden states h_t
  BasicMatrix<Scalar> y;    // (T*B, K) logits y_t

  // Pointer to the B consecutive rows of step t in a (T*B, .) matrix.
  const Scalar* state(std::size_t t) const { return h.row(t * B); }
};
using RnnTrace = BasicRnnTrace<double>;
using RnnTraceF = BasicRnnTrace<float>;

// Hidden states h_t of step t as a (B, N) matrix; t = T - 1 is the last (decision) step.
Matrix state_at(const RnnTrace& trace, std::size_t t);
Matrix last_state(const RnnTrace& trace);

// ---- reference: the model, step by step ----------------------------------------------------------
// For every trial b and step t = 0..T-1, every unit i and output k:
//   u_t[i] = (1 - alpha) h_{t-1}[i] + alpha (sum_j W_in[i,j] x_t[j] + sum_j W_h[i,j] h_{t-1}[j])
//   h_t[i] = phi(u_t[i]),   y_t[k] = sum_i W_out[k,i] h_t[i].
// Same trace layout as rnn_forward; equal to it to rounding (the sums run in another order).
RnnTrace rnn_forward_reference(const RnnParams& params, const RnnConfig& config, const SeqBatch& batch);
// Backpropagation through time one trial at a time, t = T-1 down to 0 (docs/bptt.md steps 1-6):
//   g_t = dY_t W_out + carry,  delta_t = g_t .* phi'(u_t),
//   dW_out += dY_t^T h_t,  dW_in += alpha delta_t x_t^T,  dW_h += alpha delta_t h_{t-1}^T (t >= 1),
//   carry = (1 - alpha) delta_t + alpha W_h^T delta_t   (dL/dh_{t-1} through step t).
// Accumulates (+=) into `grads`, like rnn_backward; equal to it to rounding.
void rnn_backward_reference(const RnnParams& params, const RnnConfig& config, const SeqBatch& batch,
                            const RnnTrace& trace, const Matrix& dY, RnnParams& grads);

// ---- fast path: what every program calls ---------------------------------------------------------
// T = double or float (explicitly instantiated in nn/rnn.cpp).  The batch's inputs are doubles; the
// float path rounds them to float once per pass (docs/precision.md#where-rounding-enters).
template <class T>
BasicRnnTrace<T> rnn_forward(const BasicRnnParams<T>& params, const RnnConfig& config, const SeqBatch& batch);
// The same, written into `trace`: its matrices are reused when their shapes already fit, so a
// training loop that keeps one trace allocates nothing per iteration.  Bit-identical to the above.
template <class T>
void rnn_forward(const BasicRnnParams<T>& params, const RnnConfig& config, const SeqBatch& batch,
                 BasicRnnTrace<T>& trace);

// Given dL/dy for every step (dY, (T*B, K)), adds dL/dW_in, dL/dW_h, dL/dW_out to `grads`.
template <class T>
void rnn_backward(const BasicRnnParams<T>& params, const RnnConfig& config, const SeqBatch& batch,
                  const BasicRnnTrace<T>& trace, const BasicMatrix<T>& dY, BasicRnnParams<T>& grads);

// phi'(u) written in place over `delta` (delta_i *= phi'(u_i)), for n entries.  For tanh the
// derivative is taken from the stored output h = tanh(u): 1 - h^2.  Shared with nn/ntk_rnn.
template <class T>
void multiply_by_activation_derivative(Activation activation, const T* pre, const T* h, T* delta,
                                       std::size_t n);

}  // namespace rl
