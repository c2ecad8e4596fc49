// Tests for nn/rnn, from tiny hand-computed cases up (the first failure read is the telling one):
//   1. the scalar recurrence and its gradients by hand (reference and fast path);
//   2. the reference rnn_forward_reference / rnn_backward_reference against the fast rnn_forward /
//      rnn_backward (relu and tanh, alpha 1 and 0.5, all-steps and last-step losses);
//   3. every gradient block against central finite differences (nn/gradcheck), for each loss;
//   4. the fast path's own promises (bit-identity to a plain per-step GEMM, scratch reuse, NaN).
#include "nn/rnn.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "linalg/gemm.h"
#include "nn/gradcheck.h"
#include "nn/loss.h"
#include "nn/relu.h"
#include "tests/rnn_test_helpers.h"
#include "test_helpers.h"

namespace rl {
namespace {

using rl::testing::MatricesNear;
using rl::testing::random_inputs;
using rl::testing::random_matrix;
using rl::testing::random_rnn_params;

SeqBatch random_batch(std::size_t T, std::size_t B, std::size_t n_in, std::size_t K,
                      std::uint64_t seed) {
  SeqBatch s{T, B, random_matrix(T * B, n_in, seed), {}};
  Rng rng(seed + 7);
  for (std::size_t i = 0; i < T * B; ++i) s.labels.push_back(static_cast<int>(rng.below(K)));
  return s;
}

TEST(RnnForward, MatchesHandComputedScalarRecurrence) {
  // N = n_in = K = 1, alpha = 0.5, relu: u_t = 0.5 h + 0.5 (2 x_t + 0.5 h), y = 3 h.
  RnnConfig c{1, 1, 1, 0.5, Activation::kRelu};
  RnnParams p{Matrix::from_rows({{2.0}}), Matrix::from_rows({{0.5}}), Matrix::from_rows({{3.0}})};
  SeqBatch s{3, 1, Matrix::from_rows({{1.0}, {-4.0}, {1.0}}), {}};
  // Graded (A3, rung 1): the reference first (the fast path is checked the same way below it).
  for (const RnnTrace& tr : {rnn_forward_reference(p, c, s), rnn_forward(p, c, s)}) {
    // t0: u = 0.5*2 = 1, h = 1.  t1: u = 0.5 + 0.5(-8 + 0.5) = -3.25, h = 0.
    // t2: u = 0 + 0.5 * 2 = 1, h = 1.
    EXPECT_DOUBLE_EQ(tr.pre(0, 0), 1.0) << "u_0 = alpha W_in x_0 = 0.5 * 2 = 1 (h_{-1} = 0)";
    EXPECT_DOUBLE_EQ(tr.pre(1, 0), -3.25)
        << "u_1 = (1 - alpha) h_0 + alpha (W_in x_1 + W_h h_0) = 0.5 + 0.5 (-8 + 0.5) = -3.25 expected, got "
        << tr.pre(1, 0) << (tr.pre(1, 0) == -3.75 ? " = the value without the leak term (1 - alpha) h_{t-1}" : "")
        << " (docs/bptt.md#1-the-model)";
    EXPECT_DOUBLE_EQ(tr.h(1, 0), 0.0) << "h_1 = relu(u_1) = 0";
    EXPECT_DOUBLE_EQ(tr.pre(2, 0), 1.0) << "u_2 = 0.5 * 0 + 0.5 (2 + 0) = 1";
    EXPECT_DOUBLE_EQ(tr.y(0, 0), 3.0) << "y_0 = W_out h_0 = 3";
    EXPECT_DOUBLE_EQ(tr.y(2, 0), 3.0) << "y_2 = W_out h_2 = 3";
  }
}

// N = n_in = K = 1, alpha = 1, relu, W_in = 2, W_h = 0.5, W_out = 3, x = (1, 1), L = y_1 (dY = (0, 1)).
// Forward: h_0 = 2, u_1 = 2 + 0.5 * 2 = 3, y_1 = 9.  By hand, y_1 = W_out relu(W_in x_1 + W_h W_in x_0):
//   dL/dW_out = h_1 = 3,  dL/dW_h = W_out h_0 = 6,  dL/dW_in = W_out (x_1 + W_h x_0) = 4.5.
TEST(RnnBackward, MatchesHandComputedScalarGradients) {
  const RnnConfig c{1, 1, 1, 1.0, Activation::kRelu};
  const RnnParams p{Matrix::from_rows({{2.0}}), Matrix::from_rows({{0.5}}), Matrix::from_rows({{3.0}})};
  const SeqBatch s{2, 1, Matrix::from_rows({{1.0}, {1.0}}), {}};
  const Matrix dY = Matrix::from_rows({{0.0}, {1.0}});
  RnnParams ref = zero_params(c), fast = zero_params(c);
  rnn_backward_reference(p, c, s, rnn_forward_reference(p, c, s), dY, ref);
  rnn_backward(p, c, s, rnn_forward(p, c, s), dY, fast);
  for (const RnnParams* g : {&ref, &fast}) {
    const char* which = g == &ref ? "reference" : "fast";
    // Graded (A3, rung 2): each gradient is a SUM over the steps (+=), by hand.
    EXPECT_DOUBLE_EQ(g->W_out(0, 0), 3.0) << which << ": dW_out = h_1 = 3 (docs/bptt.md#4-hand-derivation)";
    EXPECT_DOUBLE_EQ(g->W_h(0, 0), 6.0) << which << ": dW_h = W_out h_0 = 6 (docs/bptt.md#4-hand-derivation)";
    EXPECT_DOUBLE_EQ(g->W_in(0, 0), 4.5)
        << which << ": dW_in = W_out (x_1 + W_h x_0) = 3 + 1.5 = 4.5, the sum of the step-1 and step-0 terms "
        << "(docs/bptt.md#4-hand-derivation: gradients add up over t)";
  }
}

TEST(Relu, KeepsNaNAndOtherwiseClampsAtZero) {
  EXPECT_EQ(relu(2.5), 2.5);
  EXPECT_EQ(relu(-2.5), 0.0);
  EXPECT_FALSE(std::signbit(relu(-0.0)));  // the same bits as u > 0 ? u : 0
  EXPECT_EQ(relu(INFINITY), INFINITY);
  EXPECT_EQ(relu(-INFINITY), 0.0);
  EXPECT_TRUE(std::isnan(relu(NAN)));
}

TEST(RnnAlpha, ForwardAndExponentialEulerAgreeToFirstOrder) {
  EXPECT_DOUBLE_EQ(alpha_forward_euler(100.0, 100.0), 1.0);
  EXPECT_NEAR(alpha_exponential_euler(100.0, 100.0), 1.0 - std::exp(-1.0), 1e-16);
  // 1 - exp(-x) = x - x^2/2 + x^3/6 + O(x^4); at x = 1e-3 the remainder is ~4e-14.
  const double x = 1e-3;
  EXPECT_NEAR(alpha_exponential_euler(x, 1.0), x - x * x / 2 + x * x * x / 6, 1e-13);
}

TEST(RnnForward, RejectsMismatchedShapes) {
  RnnConfig c{2, 4, 3, 1.0, Activation::kRelu};
  RnnParams p = random_rnn_params(c, 1);
  const SeqBatch wrong_inputs = random_batch(2, 2, 3, 3, 2);
  EXPECT_THROW(rnn_forward(p, c, wrong_inputs), std::invalid_argument);
  p.W_h = Matrix(4, 5);
  EXPECT_THROW(rnn_forward(p, c, random_batch(2, 2, 2, 3, 2)), std::invalid_argument);
  c.alpha = 1.5;
  EXPECT_THROW(c.validate(), std::invalid_argument);
}


// ---- the reference and the fast path agree ----------------------------------------------------

enum class LossKind { kAllSteps, kLastStep, kMasked, kMse };

struct RnnCase {
  Activation activation;
  double alpha;
  LossKind loss;
};

// "relu_alpha0p5_allsteps": GoogleTest names must be alphanumeric or underscore.
std::string rnn_case_name(const ::testing::TestParamInfo<RnnCase>& info) {
  static const char* const kLossNames[] = {"allsteps", "laststep", "masked", "mse"};
  const RnnCase& g = info.param;
  std::string alpha = std::to_string(g.alpha);
  alpha.erase(alpha.find_last_not_of('0') + 1);
  if (!alpha.empty() && alpha.back() == '.') alpha.pop_back();
  for (char& ch : alpha)
    if (ch == '.') ch = 'p';
  return std::string(g.activation == Activation::kRelu ? "relu" : "tanh") + "_alpha" + alpha + "_" +
         kLossNames[static_cast<int>(g.loss)];
}

LossResult loss_on(const Matrix& y, const SeqBatch& s, LossKind kind, const Matrix& target) {
  switch (kind) {
    case LossKind::kAllSteps: return cross_entropy_all_steps(y, s);
    case LossKind::kLastStep: return cross_entropy_last_step(y, s);
    case LossKind::kMasked: return cross_entropy_masked_steps(y, s, {0, 1, 0, 1, 1});
    case LossKind::kMse: return mse(y, target);
  }
  throw std::logic_error("loss_on: unknown loss");
}

class RnnReferenceVsFast : public ::testing::TestWithParam<RnnCase> {};

// Forward: same sums in another order (per unit here, GEMM tiles there), so equal to a few roundings
// per step: 1e-13 on O(1) values over 5 steps.  Gradients: sums over T*B rows in another order, 1e-12.
TEST_P(RnnReferenceVsFast, ForwardAndGradientsAgreeToRounding) {
  const RnnCase rc = GetParam();
  const RnnConfig c{3, 40, 4, rc.alpha, rc.activation};  // N = 40 spans several GEMM register tiles
  const RnnParams p = random_rnn_params(c, 81);
  const SeqBatch s = random_batch(5, 3, c.n_in, c.K, 82);
  const Matrix target = random_matrix(5 * 3, c.K, 83);
  const RnnTrace ref = rnn_forward_reference(p, c, s), fast = rnn_forward(p, c, s);
  EXPECT_TRUE(MatricesNear(ref.pre, fast.pre, 1e-13)) << "pre-activations u_t";
  EXPECT_TRUE(MatricesNear(ref.h, fast.h, 1e-13)) << "hidden states h_t";
  EXPECT_TRUE(MatricesNear(ref.y, fast.y, 1e-13)) << "outputs y_t";
  const Matrix dY = loss_on(fast.y, s, rc.loss, target).dY;
  RnnParams g_ref = zero_params(c), g_fast = zero_params(c);
  rnn_backward_reference(p, c, s, fast, dY, g_ref);
  rnn_backward(p, c, s, fast, dY, g_fast);
  const double tol = 1e-12 * std::max(1.0, max_abs(g_ref.W_h));
  EXPECT_TRUE(MatricesNear(g_ref.W_in, g_fast.W_in, tol)) << "dW_in";
  EXPECT_TRUE(MatricesNear(g_ref.W_h, g_fast.W_h, tol)) << "dW_h";
  EXPECT_TRUE(MatricesNear(g_ref.W_out, g_fast.W_out, tol)) << "dW_out";
}

INSTANTIATE_TEST_SUITE_P(
    ActivationsAlphasLosses, RnnReferenceVsFast,
    ::testing::Values(RnnCase{Activation::kRelu, 1.0, LossKind::kAllSteps},
                      RnnCase{Activation::kRelu, 0.5, LossKind::kAllSteps},
                      RnnCase{Activation::kTanh, 1.0, LossKind::kAllSteps},
                      RnnCase{Activation::kTanh, 0.5, LossKind::kAllSteps},
                      RnnCase{Activation::kRelu, 1.0, LossKind::kLastStep},
                      RnnCase{Activation::kRelu, 0.5, LossKind::kLastStep},
                      RnnCase{Activation::kTanh, 1.0, LossKind::kLastStep},
                      RnnCase{Activation::kTanh, 0.5, LossKind::kLastStep}),
    rnn_case_name);

// ---- gradients against central finite differences -------------------------------------------

double loss_of(const RnnParams& p, const RnnConfig& c, const SeqBatch& s, LossKind kind,
               const Matrix& target, RnnParams* grads) {
  const RnnTrace tr = rnn_forward(p, c, s);
  const LossResult l = loss_on(tr.y, s, kind, target);
  if (grads) rnn_backward(p, c, s, tr, l.dY, *grads);
  return l.loss;
}

class RnnGradient : public ::testing::TestWithParam<RnnCase> {};

TEST_P(RnnGradient, EveryBlockMatchesCentralDifferences) {
  const RnnCase gc = GetParam();
  RnnConfig c{3, 6, 4, gc.alpha, gc.activation};
  RnnParams p = random_rnn_params(c, 21);
  const SeqBatch s = random_batch(5, 3, c.n_in, c.K, 22);
  const Matrix target = random_matrix(5 * 3, c.K, 23);
  RnnParams g = zero_params(c);
  loss_of(p, c, s, gc.loss, target, &g);
  const LossFn loss = [&] { return loss_of(p, c, s, gc.loss, target, nullptr); };
  PatternFn pattern;
  if (gc.activation == Activation::kRelu)
    pattern = [&] {
      const RnnTrace tr = rnn_forward(p, c, s);
      std::vector<unsigned char> on(tr.pre.size());
      for (std::size_t i = 0; i < on.size(); ++i) on[i] = tr.pre.values()[i] > 0.0;
      return on;
    };
  GradcheckOptions opt;  // defaults: h = 1e-5 scale, |diff| <= 1e-7 + 1e-5 max(|g|, |g_fd|)
  opt.names = rnn_parameter_names();  // failures read "dW_h[3,1]: analytic ... vs numeric ..."
  Rng rng(24);
  const GradcheckReport rep =
      check_gradient(loss, parameter_list(p), {g.W_in, g.W_h, g.W_out}, opt, pattern, rng);
  EXPECT_TRUE(rep.passed()) << rep.summary();
  // A kink crossing at h = 1e-5 is rare: demand that almost every entry was really checked.
  EXPECT_GE(rep.checked, (3 + 6 + 4) * 6 - 3u) << rep.skipped_kink << " skipped";
  const DirectionalReport dir =
      check_gradient_direction(loss, parameter_list(p), {g.W_in, g.W_h, g.W_out}, opt, pattern, rng);
  EXPECT_TRUE(dir.passed) << "analytic " << dir.analytic << " numeric " << dir.numeric
                          << (dir.kink_crossed ? " (kink crossed)" : "");
}

INSTANTIATE_TEST_SUITE_P(
    ActivationsAlphasLosses, RnnGradient,
    ::testing::Values(RnnCase{Activation::kRelu, 1.0, LossKind::kAllSteps},
                      RnnCase{Activation::kRelu, 0.5, LossKind::kAllSteps},
                      RnnCase{Activation::kTanh, 1.0, LossKind::kAllSteps},
                      RnnCase{Activation::kTanh, 0.5, LossKind::kAllSteps},
                      RnnCase{Activation::kRelu, 1.0, LossKind::kLastStep},
                      RnnCase{Activation::kTanh, 0.5, LossKind::kLastStep},
                      RnnCase{Activation::kRelu, 0.5, LossKind::kMasked},
                      RnnCase{Activation::kTanh, 1.0, LossKind::kMasked},
                      RnnCase{Activation::kRelu, 1.0, LossKind::kMse},
                      RnnCase{Activation::kTanh, 0.5, LossKind::kMse}),
    rnn_case_name);

TEST(RnnBackward, AccumulatesAcrossCallsUntilZeroed) {
  RnnConfig c{2, 4, 3, 1.0, Activation::kRelu};
  const RnnParams p = random_rnn_params(c, 5);
  const SeqBatch s = random_batch(3, 2, c.n_in, c.K, 6);
  const RnnTrace tr = rnn_forward(p, c, s);
  const LossResult l = cross_entropy_all_steps(tr.y, s);
  RnnParams g = zero_params(c);
  rnn_backward(p, c, s, tr, l.dY, g);
  const RnnParams once = g;
  rnn_backward(p, c, s, tr, l.dY, g);
  EXPECT_TRUE(MatricesNear(g.W_h, 2.0 * once.W_h, 1e-15));
  zero_grads(g);
  EXPECT_EQ(max_abs(g.W_h) + max_abs(g.W_in) + max_abs(g.W_out), 0.0);
}

TEST(RnnForward, AnOverflowingStepStaysNaNAndReachesTheReadout) {
  // N = 3, n_in = K = 1, alpha = 1, relu.  h_0 = (1, 1, 0); u_1 = (1e308 + 1e308, 1e308 + 1e308,
  // 1 - 1) = (inf, inf, 0); u_2 = (inf, inf, 1 * inf - 1 * inf) = (inf, inf, NaN).  Every product is
  // exact or already infinite, so this holds with FMA contraction on or off.  The NaN must stay NaN
  // (torch.relu semantics): mapping it to 0 would hide the blow-up from the divergence check.
  RnnConfig c{1, 3, 1, 1.0, Activation::kRelu};
  RnnParams p{Matrix::from_rows({{1.0}, {1.0}, {0.0}}),
              Matrix::from_rows({{1e308, 1e308, 0.0}, {1e308, 1e308, 0.0}, {1.0, -1.0, 0.0}}),
              Matrix::from_rows({{0.0, 0.0, 1.0}})};
  SeqBatch s{3, 1, Matrix::from_rows({{1.0}, {0.0}, {0.0}}), {}};
  const RnnTrace tr = rnn_forward(p, c, s);
  EXPECT_TRUE(std::isinf(tr.h(1, 0)));
  EXPECT_EQ(tr.h(1, 2), 0.0);
  EXPECT_TRUE(std::isnan(tr.pre(2, 2)));
  EXPECT_TRUE(std::isnan(tr.h(2, 2)));
  EXPECT_TRUE(std::isnan(tr.y(2, 0)));
}

// ---- the fast paths change no bits ------------------------------------------------------------

// rnn_forward packs W_h once and fuses the leak and the activation into one sweep; the same
// recurrence written with one plain gemm_raw per step (the order of operations before that
// optimisation: u += alpha h_prev W_h^T, then u += (1 - alpha) h_prev, then h = phi(u)) must give
// the same bits.  N = 40 spans several register tiles; alpha = 0.5 exercises the leak.
TEST(RnnForward, EqualsPlainGemmPerStepBitForBit) {
  for (Activation act : {Activation::kRelu, Activation::kTanh}) {
    const RnnConfig c{3, 40, 2, 0.5, act};
    const RnnParams p = random_rnn_params(c, 31);
    const SeqBatch s = random_batch(4, 5, c.n_in, c.K, 32);
    const std::size_t B = 5, N = 40, TB = 20;
    Matrix pre(TB, N), h(TB, N), y(TB, c.K);
    gemm_raw(Trans::kNo, Trans::kYes, TB, N, c.n_in, c.alpha, s.x.data(), c.n_in, p.W_in.data(), c.n_in,
             0.0, pre.data(), N);
    for (std::size_t t = 0; t < 4; ++t) {
      double* u = pre.row(t * B);
      if (t > 0) {
        const double* h_prev = h.row((t - 1) * B);
        gemm_raw(Trans::kNo, Trans::kYes, B, N, N, c.alpha, h_prev, N, p.W_h.data(), N, 1.0, u, N);
        for (std::size_t i = 0; i < B * N; ++i) u[i] += (1.0 - c.alpha) * h_prev[i];
      }
      for (std::size_t i = 0; i < B * N; ++i)
        h.row(t * B)[i] = act == Activation::kRelu ? (u[i] > 0.0 ? u[i] : 0.0) : std::tanh(u[i]);
    }
    gemm_raw(Trans::kNo, Trans::kYes, TB, c.K, N, 1.0, h.data(), N, p.W_out.data(), N, 0.0, y.data(), c.K);
    const RnnTrace tr = rnn_forward(p, c, s);
    EXPECT_EQ(tr.pre, pre) << (act == Activation::kRelu ? "relu" : "tanh");
    EXPECT_EQ(tr.h, h);
    EXPECT_EQ(tr.y, y);
  }
}

// The overload that writes into a caller's trace reuses its storage without clearing it: every
// entry must still be overwritten, whatever shape and contents the trace held before.
TEST(RnnForward, ReusedTraceEqualsFreshTraceWhateverItHeldBefore) {
  const RnnConfig c{2, 17, 3, 0.7, Activation::kTanh};
  const RnnParams p = random_rnn_params(c, 41);
  const SeqBatch big = random_batch(6, 7, c.n_in, c.K, 42), small = random_batch(4, 5, c.n_in, c.K, 43);
  const RnnTrace fresh = rnn_forward(p, c, small);
  RnnTrace reused;
  rnn_forward(p, c, big, reused);      // a different shape first
  rnn_forward(p, c, small, reused);
  EXPECT_EQ(reused.T, 4u);
  EXPECT_EQ(reused.B, 5u);
  EXPECT_EQ(reused.pre, fresh.pre);
  EXPECT_EQ(reused.h, fresh.h);
  EXPECT_EQ(reused.y, fresh.y);
  reused.pre.fill(std::nan(""));       // same shape, garbage contents
  reused.h.fill(std::nan(""));
  reused.y.fill(std::nan(""));
  rnn_forward(p, c, small, reused);
  EXPECT_EQ(reused.h, fresh.h);
  EXPECT_EQ(reused.y, fresh.y);
}

// rnn_backward keeps its error buffer and packed W_h per thread between calls.  Gradients computed
// on a fresh thread (empty scratch) must equal, bit for bit, those computed on a thread whose
// scratch a larger network and batch left full of other values.
TEST(RnnBackward, ScratchLeftByALargerProblemDoesNotChangeGradients) {
  const RnnConfig c{3, 9, 2, 0.5, Activation::kRelu};
  const RnnParams p = random_rnn_params(c, 51);
  const SeqBatch s = random_batch(5, 4, c.n_in, c.K, 52);
  auto gradients = [&] {
    const RnnTrace tr = rnn_forward(p, c, s);
    const LossResult l = cross_entropy_all_steps(tr.y, s);
    RnnParams g = zero_params(c);
    rnn_backward(p, c, s, tr, l.dY, g);
    return g;
  };
  RnnParams on_fresh_thread;
  std::thread([&] { on_fresh_thread = gradients(); }).join();
  const RnnConfig big_c{3, 30, 2, 1.0, Activation::kTanh};
  const RnnParams big_p = random_rnn_params(big_c, 53);
  const SeqBatch big_s = random_batch(7, 6, big_c.n_in, big_c.K, 54);
  const RnnTrace big_tr = rnn_forward(big_p, big_c, big_s);
  RnnParams big_g = zero_params(big_c);
  rnn_backward(big_p, big_c, big_s, big_tr, cross_entropy_all_steps(big_tr.y, big_s).dY, big_g);
  const RnnParams after_big = gradients();
  EXPECT_EQ(after_big.W_in, on_fresh_thread.W_in);
  EXPECT_EQ(after_big.W_h, on_fresh_thread.W_h);
  EXPECT_EQ(after_big.W_out, on_fresh_thread.W_out);
}

}  // namespace
}  // namespace rl
