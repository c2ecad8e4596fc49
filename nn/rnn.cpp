#include "nn/rnn.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "linalg/gemm.h"
#include "nn/relu.h"

namespace rl {

namespace {

template <class T>
void require_shape(const BasicMatrix<T>& m, std::size_t rows, std::size_t cols, const std::string& what) {
  if (m.rows() != rows || m.cols() != cols)
    throw std::invalid_argument(what + ": shape " + shape_str(m) + ", expected (" +
                                std::to_string(rows) + " x " + std::to_string(cols) + ")");
}

}  // namespace

// ---- the model, step by step (reference) -----------------------------------------------------
// The CT-RNN of docs/bptt.md written one step, one trial and one unit at a time: the definition the
// fast path below must reproduce (tests/test_rnn.cpp, RnnReferenceVsFast).  Slow (no GEMM); meant to
// be read, and used as the oracle of the tests.

// phi(u) and phi'(u) (from the stored pre-activation u and output h = phi(u)): nn/activation.h.

RnnTrace rnn_forward_reference(const RnnParams& p, const RnnConfig& c, const SeqBatch& batch) {
  check_shapes(p, c, "rnn_forward_reference");
  check_batch(batch, c, "rnn_forward_reference");
  // BEGIN ASSIGNMENT A3: rnn_forward_reference (docs/bptt.md#1-the-model)
  // Shapes: rows are (t, b) pairs, row = t * B + b; tr.pre and tr.h are (T*B, N), tr.y is (T*B, K).
  // For each trial b, with h_{-1} = 0, for t = 0 .. T-1 and each unit i:
  //   u_t[i] = (1 - alpha) h_{t-1}[i] + alpha (sum_j W_in(i, j) x_t[j] + sum_j W_h(i, j) h_{t-1}[j])
  //   h_t[i] = phi(u_t[i])      (phi(c.activation, u): relu or tanh)
  //   y_t[k] = sum_i W_out(k, i) h_t[i]
  // Keep the leak term (1 - alpha) h_{t-1}: at alpha < 1 the state decays, it is not replaced.
  // Set tr.T, tr.B and store u in tr.pre (the backward pass needs it), h in tr.h, y in tr.y.
  const std::size_t T = batch.T, B = batch.B;
  RnnTrace tr;
  tr.T = T;
  tr.B = B;
  tr.pre = Matrix(T * B, c.N);
  tr.h = Matrix(T * B, c.N);
  tr.y = Matrix(T * B, c.K);
  for (std::size_t b = 0; b < B; ++b) {
    std::vector<double> h_prev(c.N, 0.0);  // h_{-1} = 0
    for (std::size_t t = 0; t < T; ++t) {
      const std::size_t row = t * B + b;
      for (std::size_t i = 0; i < c.N; ++i) {
        // u_t = (1 - alpha) h_{t-1} + alpha (W_in x_t + W_h h_{t-1})
        double drive = 0.0;
        for (std::size_t j = 0; j < c.n_in; ++j) drive += p.W_in(i, j) * batch.x(row, j);
        for (std::size_t j = 0; j < c.N; ++j) drive += p.W_h(i, j) * h_prev[j];
        tr.pre(row, i) = (1.0 - c.alpha) * h_prev[i] + c.alpha * drive;
        tr.h(row, i) = phi(c.activation, tr.pre(row, i));  // h_t = phi(u_t)
      }
      for (std::size_t k = 0; k < c.K; ++k) {  // y_t = W_out h_t
        double y = 0.0;
        for (std::size_t i = 0; i < c.N; ++i) y += p.W_out(k, i) * tr.h(row, i);
        tr.y(row, k) = y;
      }
      for (std::size_t i = 0; i < c.N; ++i) h_prev[i] = tr.h(row, i);
    }
  }
  return tr;
  // END ASSIGNMENT A3
}

// docs/bptt.md, "Hand derivation", steps (1)-(6), for one trial at a time, t = T-1 down to 0.
// g = dL/dh_t (direct part from y_t plus what step t+1 carried back), delta = dL/du_t.
void rnn_backward_reference(const RnnParams& p, const RnnConfig& c, const SeqBatch& batch,
                            const RnnTrace& tr, const Matrix& dY, RnnParams& grads) {
  check_shapes(p, c, "rnn_backward_reference");
  check_shapes(grads, c, "rnn_backward_reference grads");
  check_batch(batch, c, "rnn_backward_reference");
  const std::size_t T = batch.T;
  const std::size_t B = batch.B;
  const std::size_t N = c.N;
  if (tr.T != T || tr.B != B || tr.h.rows() != T * B || tr.h.cols() != N)
    throw std::invalid_argument("rnn_backward_reference: trace (T=" + std::to_string(tr.T) + ", B=" +
                                std::to_string(tr.B) + ") does not match the batch");
  require_shape(dY, T * B, c.K, "rnn_backward_reference dY");
  // BEGIN ASSIGNMENT A3: rnn_backward_reference (docs/bptt.md#4-hand-derivation)
  // ADD the gradients of L (dY = dL/dy, (T*B, K)) to grads.W_in, grads.W_h, grads.W_out (+=: the
  // caller zeroes them; never overwrite).  For each trial b, t = T-1 down to 0, row = t * B + b, with
  // carry = dL/dh_t from step t+1 (zero after the last step), a = alpha:
  //   (1) dW_out += dY_t^T h_t
  //   (2) g_t = W_out^T dY_t + carry                     (dL/dh_t)
  //   (3) delta_t = g_t * phi'(u_t)                      (phi_prime(c.activation, u, h))
  //   (5) dW_h  += a delta_t h_{t-1}^T   (no term at t = 0: h_{-1} = 0)
  //   (6) dW_in += a delta_t x_t^T
  //   (4) carry  = (1 - a) delta_t + a W_h^T delta_t       (u_t holds (1 - a) h_{t-1}: the leak carry)
  const double a = c.alpha;
  for (std::size_t b = 0; b < B; ++b) {
    std::vector<double> carry(N, 0.0);  // dL/dh_t through step t+1; nothing after the last step
    for (std::size_t t = T; t-- > 0;) {
      const std::size_t row = t * B + b;
      std::vector<double> delta(N);
      for (std::size_t i = 0; i < N; ++i) {
        double g = carry[i];  // (2) g_t = dY_t W_out + carried part
        for (std::size_t k = 0; k < c.K; ++k) g += dY(row, k) * p.W_out(k, i);
        delta[i] = g * phi_prime(c.activation, tr.pre(row, i), tr.h(row, i));  // (3)
      }
      for (std::size_t k = 0; k < c.K; ++k)  // (1) dW_out += dY_t^T h_t
        for (std::size_t i = 0; i < N; ++i) grads.W_out(k, i) += dY(row, k) * tr.h(row, i);
      for (std::size_t i = 0; i < N; ++i) {
        for (std::size_t j = 0; j < c.n_in; ++j)  // (6) dW_in += alpha delta_t x_t^T
          grads.W_in(i, j) += a * delta[i] * batch.x(row, j);
        if (t > 0)  // (5) dW_h += alpha delta_t h_{t-1}^T   (h_{-1} = 0: no term at t = 0)
          for (std::size_t j = 0; j < N; ++j) grads.W_h(i, j) += a * delta[i] * tr.h(row - B, j);
      }
      // (4) dL/dh_{t-1} through u_t = (1 - alpha) h_{t-1} + alpha W_h h_{t-1} + ...:
      //     carry = (1 - alpha) delta_t + alpha W_h^T delta_t
      for (std::size_t j = 0; j < N; ++j) {
        double back = 0.0;
        for (std::size_t i = 0; i < N; ++i) back += p.W_h(i, j) * delta[i];
        carry[j] = (1.0 - a) * delta[j] + a * back;
      }
    }
  }
  // END ASSIGNMENT A3
}

// ---- configuration, parameters and shapes ---------------------------------------------------

void RnnConfig::validate() const {
  if (n_in == 0 || N == 0 || K == 0)
    throw std::invalid_argument("RnnConfig: n_in, N and K must be positive (got n_in=" +
                                std::to_string(n_in) + ", N=" + std::to_string(N) +
                                ", K=" + std::to_string(K) + ")");
  if (!(alpha > 0.0 && alpha <= 1.0))
    throw std::invalid_argument("RnnConfig: alpha = " + std::to_string(alpha) +
                                " must lie in (0, 1]");
}

double alpha_forward_euler(double dt, double tau) {
  if (!(dt > 0.0 && tau > 0.0 && dt <= tau))
    throw std::invalid_argument("alpha_forward_euler: need 0 < dt <= tau (dt=" +
                                std::to_string(dt) + ", tau=" + std::to_string(tau) + ")");
  return dt / tau;
}

double alpha_exponential_euler(double dt, double tau) {
  if (!(dt > 0.0 && tau > 0.0))
    throw std::invalid_argument("alpha_exponential_euler: need dt > 0 and tau > 0 (dt=" +
                                std::to_string(dt) + ", tau=" + std::to_string(tau) + ")");
  return -std::expm1(-dt / tau);  // 1 - exp(-dt/tau) without cancellation for small dt/tau
}

std::vector<std::string> rnn_parameter_names() { return {"W_in", "W_h", "W_out"}; }


void check_batch(const SeqBatch& batch, const RnnConfig& c, const char* what) {
  batch.validate(what);
  if (batch.T == 0 || batch.B == 0)
    throw std::invalid_argument(std::string(what) + ": empty batch (T=" + std::to_string(batch.T) +
                                ", B=" + std::to_string(batch.B) + ")");
  if (batch.n_in() != c.n_in)
    throw std::invalid_argument(std::string(what) + ": inputs have " +
                                std::to_string(batch.n_in()) + " columns, the network expects n_in = " +
                                std::to_string(c.n_in));
}

template <class T>
void check_shapes(const BasicRnnParams<T>& p, const RnnConfig& c, const char* what) {
  c.validate();
  require_shape(p.W_in, c.N, c.n_in, std::string(what) + " W_in");
  require_shape(p.W_h, c.N, c.N, std::string(what) + " W_h");
  require_shape(p.W_out, c.K, c.N, std::string(what) + " W_out");
}

Matrix state_at(const RnnTrace& trace, std::size_t t) {
  if (t >= trace.T)
    throw std::out_of_range("state_at: step " + std::to_string(t) + " of " +
                            std::to_string(trace.T));
  return block(trace.h, t * trace.B, (t + 1) * trace.B, 0, trace.h.cols());
}

Matrix last_state(const RnnTrace& trace) {
  if (trace.T == 0) throw std::invalid_argument("last_state: empty trace (T = 0)");
  return state_at(trace, trace.T - 1);
}

template <class T>
void multiply_by_activation_derivative(Activation activation, const T* pre, const T* h, T* delta,
                                       std::size_t n) {
  if (activation == Activation::kRelu) {
    for (std::size_t i = 0; i < n; ++i) delta[i] = pre[i] > T(0) ? delta[i] : T(0);
  } else {
    for (std::size_t i = 0; i < n; ++i) delta[i] *= T(1) - h[i] * h[i];
  }
}

namespace {

template <class T>
void apply_activation(Activation activation, const T* pre, T* h, std::size_t n) {
  if (activation == Activation::kRelu) {
    for (std::size_t i = 0; i < n; ++i) h[i] = relu(pre[i]);
  } else {
    for (std::size_t i = 0; i < n; ++i) h[i] = std::tanh(pre[i]);
  }
}
}  // namespace

// ---- fast path ------------------------------------------------------------------------------
// The same model as rnn_forward_reference / rnn_backward_reference, batched: all steps' input
// projections, readouts and weight gradients as single GEMMs, W_h packed once per pass, scratch reused
// per thread.  docs/bptt.md derives each line.

namespace {

// Scratch reused by every call on this thread so that a training iteration allocates nothing once
// warmed up: the packed recurrent weight and the backward pass's error buffer.  Nothing in it
// outlives a call, so results never depend on it.
template <class T>
struct RnnScratch {
  BasicPackedRhs<T> W_h;     // op(W_h) packed once per pass, read by all T - 1 recurrent products
  std::vector<T> D;          // (T*B, N) dL/dh, then dL/du, in rnn_backward
  std::vector<T> x;          // the batch's inputs rounded to T (float only; double reads the batch)
};

template <class T>
RnnScratch<T>& thread_scratch() {
  thread_local RnnScratch<T> scratch;
  return scratch;
}

// The batch's inputs as T: the batch's own doubles, or a float copy rounded once per pass.
template <class T>
const T* inputs_as(const SeqBatch& batch, std::vector<T>& copy) {
  if constexpr (std::is_same_v<T, double>) {
    return batch.x.data();
  } else {
    copy.assign(batch.x.values().begin(), batch.x.values().end());
    return copy.data();
  }
}

// u <- u + (1 - alpha) h_prev (skipped at alpha = 1), then h = phi(u): one sweep over the (B, N) step.
template <class T>
void mix_and_activate(Activation activation, T alpha, const T* h_prev, T* u, T* h, std::size_t n) {
  if (alpha != T(1)) {
    const T leak = T(1) - alpha;
    if (activation == Activation::kRelu) {
      for (std::size_t i = 0; i < n; ++i) {
        u[i] += leak * h_prev[i];
        h[i] = relu(u[i]);
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        u[i] += leak * h_prev[i];
        h[i] = std::tanh(u[i]);
      }
    }
    return;
  }
  apply_activation(activation, u, h, n);
}

}  // namespace

template <class Real>
void rnn_forward(const BasicRnnParams<Real>& p, const RnnConfig& c, const SeqBatch& batch,
                 BasicRnnTrace<Real>& tr) {
  check_shapes(p, c, "rnn_forward");
  check_batch(batch, c, "rnn_forward");
  const std::size_t T = batch.T, B = batch.B, N = c.N, TB = T * B;
  const Real a = static_cast<Real>(c.alpha);
  RnnScratch<Real>& scratch = thread_scratch<Real>();
  const Real* x = inputs_as(batch, scratch.x);  // (T*B, n_in)
  tr.T = T;
  tr.B = B;
  ensure_shape(tr.pre, TB, N);  // every entry below is written before it is read
  ensure_shape(tr.h, TB, N);
  ensure_shape(tr.y, TB, c.K);
  // Input drive of every step at once: U = alpha X W_in^T.                       (T*B, N)
  gemm_raw(Trans::kNo, Trans::kYes, TB, N, c.n_in, a, x, c.n_in, p.W_in.data(), c.n_in, Real(0),
           tr.pre.data(), N);
  // W_h^T packed once for the T - 1 recurrent products (docs/gemm.md, "Pre-packed operand").
  BasicPackedRhs<Real>& W_hT = scratch.W_h;
  if (T > 1) pack_rhs(Trans::kYes, N, N, p.W_h.data(), N, W_hT);  // (N, N)
  for (std::size_t t = 0; t < T; ++t) {
    Real* u = tr.pre.row(t * B);  // (B, N)
    Real* h = tr.h.row(t * B);    // (B, N)
    if (t == 0) {                 // h_{-1} = 0: step 0 has no recurrent term
      apply_activation(c.activation, u, h, B * N);
      continue;
    }
    const Real* h_prev = tr.h.row((t - 1) * B);
    gemm_packed_rhs(Trans::kNo, B, a, h_prev, N, W_hT, Real(1), u, N);
    mix_and_activate(c.activation, a, h_prev, u, h, B * N);
  }
  // Readout at every step: Y = H W_out^T.                                          (T*B, K)
  gemm_raw(Trans::kNo, Trans::kYes, TB, c.K, N, Real(1), tr.h.data(), N, p.W_out.data(), N, Real(0),
           tr.y.data(), c.K);
}

template <class Real>
BasicRnnTrace<Real> rnn_forward(const BasicRnnParams<Real>& p, const RnnConfig& c, const SeqBatch& batch) {
  BasicRnnTrace<Real> tr;
  rnn_forward(p, c, batch, tr);
  return tr;
}

// docs/bptt.md derives each line.  Notation: g_t = dL/dh_t (total), delta_t = dL/du_t.
template <class Real>
void rnn_backward(const BasicRnnParams<Real>& p, const RnnConfig& c, const SeqBatch& batch,
                  const BasicRnnTrace<Real>& tr, const BasicMatrix<Real>& dY, BasicRnnParams<Real>& grads) {
  check_shapes(p, c, "rnn_backward");
  check_shapes(grads, c, "rnn_backward grads");
  check_batch(batch, c, "rnn_backward");
  const std::size_t T = batch.T, B = batch.B, N = c.N, TB = T * B;
  if (tr.T != T || tr.B != B || tr.h.rows() != TB || tr.h.cols() != N)
    throw std::invalid_argument("rnn_backward: trace (T=" + std::to_string(tr.T) + ", B=" +
                                std::to_string(tr.B) + ") does not match the batch");
  require_shape(dY, TB, c.K, "rnn_backward dY");
  const Real a = static_cast<Real>(c.alpha);
  // (bptt.md 1) dW_out += dY^T H, one GEMM over all steps.                        (K, N)
  gemm_raw(Trans::kYes, Trans::kNo, c.K, N, TB, Real(1), dY.data(), c.K, tr.h.data(), N, Real(1),
           grads.W_out.data(), N);
  // (bptt.md 2) direct part of g_t: dY W_out, all steps at once.  D becomes delta in place.
  RnnScratch<Real>& scratch = thread_scratch<Real>();
  scratch.D.resize(TB * N);  // every entry is written by this GEMM (beta = 0) before it is read
  Real* const D = scratch.D.data();  // (T*B, N), row t*B + b
  gemm_raw(Trans::kNo, Trans::kNo, TB, N, c.K, Real(1), dY.data(), c.K, p.W_out.data(), N, Real(0), D, N);
  // W_h packed once for the T - 1 products delta_t W_h (docs/gemm.md, "Pre-packed operand").
  if (T > 1) pack_rhs(Trans::kNo, N, N, p.W_h.data(), N, scratch.W_h);  // (N, N)
  for (std::size_t t = T; t-- > 0;) {
    Real* d = D + t * B * N;  // g_t on entry, delta_t on exit           (B, N)
    // (bptt.md 3) delta_t = g_t * phi'(u_t)
    multiply_by_activation_derivative(c.activation, tr.pre.row(t * B), tr.h.row(t * B), d, B * N);
    if (t == 0) break;
    // (bptt.md 4) g_{t-1} += (1 - alpha) delta_t + alpha delta_t W_h
    Real* g_prev = D + (t - 1) * B * N;
    gemm_packed_rhs(Trans::kNo, B, a, d, N, scratch.W_h, Real(1), g_prev, N);
    if (a != Real(1))
      for (std::size_t i = 0; i < B * N; ++i) g_prev[i] += (Real(1) - a) * d[i];
  }
  // (bptt.md 5) dW_h += alpha sum_{t>=1} delta_t^T h_{t-1}: ONE GEMM over the stacked rows.
  if (T > 1)
    gemm_raw(Trans::kYes, Trans::kNo, N, N, (T - 1) * B, a, D + B * N, N, tr.h.data(), N, Real(1),
             grads.W_h.data(), N);
  // (bptt.md 6) dW_in += alpha sum_t delta_t^T x_t.                               (N, n_in)
  const Real* x = inputs_as(batch, scratch.x);
  gemm_raw(Trans::kYes, Trans::kNo, N, c.n_in, TB, a, D, N, x, c.n_in, Real(1), grads.W_in.data(),
           c.n_in);
}

// The two scalar types of the fast path (docs/precision.md).
template void check_shapes(const RnnParams&, const RnnConfig&, const char*);
template void check_shapes(const RnnParamsF&, const RnnConfig&, const char*);
template void multiply_by_activation_derivative(Activation, const double*, const double*, double*, std::size_t);
template void multiply_by_activation_derivative(Activation, const float*, const float*, float*, std::size_t);
template void rnn_forward(const RnnParams&, const RnnConfig&, const SeqBatch&, RnnTrace&);
template void rnn_forward(const RnnParamsF&, const RnnConfig&, const SeqBatch&, RnnTraceF&);
template RnnTrace rnn_forward(const RnnParams&, const RnnConfig&, const SeqBatch&);
template RnnTraceF rnn_forward(const RnnParamsF&, const RnnConfig&, const SeqBatch&);
template void rnn_backward(const RnnParams&, const RnnConfig&, const SeqBatch&, const RnnTrace&, const Matrix&,
                           RnnParams&);
template void rnn_backward(const RnnParamsF&, const RnnConfig&, const SeqBatch&, const RnnTraceF&,
                           const MatrixF&, RnnParamsF&);

}  // namespace rl
