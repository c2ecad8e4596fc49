#include "nn/rnn_jvp.h"

#include <stdexcept>
#include <string>

#include "linalg/gemm.h"

namespace rl {

namespace {

void check_inputs(const RnnParams& p, const RnnParams& dp, const RnnConfig& c, const SeqBatch& batch,
                  const RnnTrace& tr, const char* what) {
  check_shapes(p, c, what);
  check_shapes(dp, c, (std::string(what) + " direction").c_str());
  check_batch(batch, c, what);
  const std::size_t TB = batch.T * batch.B;
  if (tr.T != batch.T || tr.B != batch.B || tr.pre.rows() != TB || tr.pre.cols() != c.N ||
      tr.h.rows() != TB || tr.h.cols() != c.N)
    throw std::invalid_argument(std::string(what) + ": trace (T=" + std::to_string(tr.T) + ", B=" +
                                std::to_string(tr.B) + ") does not match the batch; pass " +
                                "rnn_forward(params, config, batch)");
}

}  // namespace

RnnTangent rnn_jvp_reference(const RnnParams& p, const RnnParams& dp, const RnnConfig& c,
                             const SeqBatch& batch, const RnnTrace& tr) {
  check_inputs(p, dp, c, batch, tr, "rnn_jvp_reference");
  const std::size_t T = batch.T, B = batch.B, N = c.N, K = c.K, n_in = c.n_in;
  const double a = c.alpha;
  RnnTangent out{Matrix(T * B, N), Matrix(T * B, K)};
  for (std::size_t t = 0; t < T; ++t)
    for (std::size_t b = 0; b < B; ++b) {
      const std::size_t r = t * B + b;
      for (std::size_t i = 0; i < N; ++i) {
        // du = alpha dW_in x_t  (+ alpha (dW_h h_{t-1} + W_h dh_{t-1}) + (1 - alpha) dh_{t-1}, t >= 1)
        double drive = 0.0;
        for (std::size_t j = 0; j < n_in; ++j) drive += dp.W_in(i, j) * batch.x(r, j);
        double du = 0.0;
        if (t > 0) {
          const std::size_t r_prev = (t - 1) * B + b;
          for (std::size_t j = 0; j < N; ++j)
            drive += dp.W_h(i, j) * tr.h(r_prev, j) + p.W_h(i, j) * out.dh(r_prev, j);
          du = (1.0 - a) * out.dh(r_prev, i);
        }
        du += a * drive;
        out.dh(r, i) = phi_prime(c.activation, tr.pre(r, i), tr.h(r, i)) * du;
      }
      for (std::size_t k = 0; k < K; ++k) {  // dy = dW_out h_t + W_out dh_t
        double dy = 0.0;
        for (std::size_t i = 0; i < N; ++i) dy += dp.W_out(k, i) * tr.h(r, i) + p.W_out(k, i) * out.dh(r, i);
        out.dy(r, k) = dy;
      }
    }
  return out;
}

// ---- fast path: GEMMs over all steps where the recursion allows ---------------------------------
//
// Only W_h dh_{t-1} depends on the previous step's tangent; the three other products are one GEMM
// each over all T*B rows (the same split as rnn_forward / rnn_backward, docs/bptt.md 4):
//   dU  = alpha X dW_in^T                         (T*B, N), all steps
//   dU[step t >= 1] += alpha H[step t-1] dW_h^T   one GEMM over the (T-1)*B stacked rows
//   per step: du_t += alpha dh_{t-1} W_h^T + (1 - alpha) dh_{t-1};  dh_t = phi'(u_t) * du_t (in place)
//   dY  = dH W_out^T + H dW_out^T                 two GEMMs, all steps

namespace {

PackedRhs& packed_W_hT() {  // W_h^T packed once per call, reused by the T - 1 sequential products
  thread_local PackedRhs packed;
  return packed;
}

}  // namespace

void rnn_jvp(const RnnParams& p, const RnnParams& dp, const RnnConfig& c, const SeqBatch& batch,
             const RnnTrace& tr, RnnTangent& out) {
  check_inputs(p, dp, c, batch, tr, "rnn_jvp");
  const std::size_t T = batch.T, B = batch.B, N = c.N, K = c.K, TB = T * B;
  const double a = c.alpha;
  ensure_shape(out.dh, TB, N);  // every entry is written (beta = 0) before it is read
  ensure_shape(out.dy, TB, K);
  double* const dH = out.dh.data();
  gemm_raw(Trans::kNo, Trans::kYes, TB, N, c.n_in, a, batch.x.data(), c.n_in, dp.W_in.data(), c.n_in,
           0.0, dH, N);
  if (T > 1) {
    gemm_raw(Trans::kNo, Trans::kYes, (T - 1) * B, N, N, a, tr.h.data(), N, dp.W_h.data(), N, 1.0,
             dH + B * N, N);
    pack_rhs(Trans::kYes, N, N, p.W_h.data(), N, packed_W_hT());
  }
  for (std::size_t t = 0; t < T; ++t) {
    double* d = dH + t * B * N;  // du_t on entry, dh_t on exit        (B, N)
    if (t > 0) {
      const double* d_prev = d - B * N;
      gemm_packed_rhs(Trans::kNo, B, a, d_prev, N, packed_W_hT(), 1.0, d, N);
      if (a != 1.0)
        for (std::size_t i = 0; i < B * N; ++i) d[i] += (1.0 - a) * d_prev[i];
    }
    multiply_by_activation_derivative(c.activation, tr.pre.row(t * B), tr.h.row(t * B), d, B * N);
  }
  gemm_raw(Trans::kNo, Trans::kYes, TB, K, N, 1.0, dH, N, p.W_out.data(), N, 0.0, out.dy.data(), K);
  gemm_raw(Trans::kNo, Trans::kYes, TB, K, N, 1.0, tr.h.data(), N, dp.W_out.data(), N, 1.0,
           out.dy.data(), K);
}

RnnTangent rnn_jvp(const RnnParams& p, const RnnParams& dp, const RnnConfig& c, const SeqBatch& batch,
                   const RnnTrace& tr) {
  RnnTangent out;
  rnn_jvp(p, dp, c, batch, tr, out);
  return out;
}

}  // namespace rl
