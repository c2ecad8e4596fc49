// The float32 training path against the float64 reference (docs/precision.md).
//
// Tolerance, and why.  Every quantity of a pass is a chain of sums of products.  For one dot product of
// length k in a precision with unit roundoff u, |fl(a.b) - a.b| <= gamma_k |a|.|b|, gamma_k = k u / (1 - k u)
// (docs/precision.md#the-tolerance-of-the-tests).  Chained through the passes, and with relu and tanh
// both 1-Lipschitz with |phi(v)| <= |v| and |phi'| <= 1, the float32 error of each output is bounded by
// gamma_D times the same output computed by the "absolute network": |W_in|, |W_h|, |W_out|, |x|, |dY|
// (and relu, which is the identity on its non-negative pre-activations), D being the depth of the
// chain of roundings (inputs, weights, every product and sum along T steps).  The tests compute that
// bound entry by entry, in double, with D = 2 (T + 1)(n_in + N + K + 3), and require
//   |float32 result - float64 reference| <= gamma_D(u_f32) * absolute-network value + tiny.
// A wrong transpose, a missed step or a float64 constant left in the float path gives differences of
// order the values themselves, far above the bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>
#include <vector>

#include "linalg/gemm.h"
#include "linalg/matrix.h"
#include "nn/optim.h"
#include "nn/rnn.h"
#include "nn/rnn_experiment.h"
#include "nn/rnn_sgd_trainer.h"
#include "nn/two_layer_relu.h"
#include "tasks/paper_probe.h"
#include "tests/rnn_test_helpers.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

using testing::random_inputs;
using testing::random_matrix;
using testing::random_rnn_params;

constexpr double kUnitRoundoffF32 = FLT_EPSILON / 2;  // 2^-24

double gamma_f32(double depth) { return depth * kUnitRoundoffF32 / (1.0 - depth * kUnitRoundoffF32); }

Matrix abs_of(const Matrix& m) {
  Matrix a = m;
  for (double& v : a.values()) v = std::fabs(v);
  return a;
}

RnnParams abs_of(const RnnParams& p) { return {abs_of(p.W_in), abs_of(p.W_h), abs_of(p.W_out)}; }

// Fails naming the first entry of `got` outside expected +- gamma * bound (+ a tiny absolute floor).
void expect_within_rounding_bound(const Matrix& got, const Matrix& expected, const Matrix& bound, double gamma,
                                  const std::string& what) {
  ASSERT_EQ(got.rows(), expected.rows()) << what;
  ASSERT_EQ(got.cols(), expected.cols()) << what;
  for (std::size_t k = 0; k < got.size(); ++k) {
    const double allowed = gamma * bound.data()[k] + 1e-30;
    const double diff = std::fabs(got.data()[k] - expected.data()[k]);
    if (!(diff <= allowed)) {
      ADD_FAILURE() << what << ": entry (" << k / got.cols() << ", " << k % got.cols() << ") float32 gives "
                    << got.data()[k] << ", the float64 reference " << expected.data()[k] << ": difference " << diff
                    << " above the rounding bound " << allowed
                    << " (tests/test_precision.cpp header; docs/precision.md#the-tolerance-of-the-tests)";
      return;
    }
  }
}

struct Case {
  std::size_t n_in, N, K, T, B;
  double alpha;
  Activation activation;
};

// Random sizes (fixed seeds), both activations, alpha 1 and a leaky alpha.
std::vector<Case> cases() {
  return {{3, 7, 2, 5, 4, 1.0, Activation::kRelu},   {5, 16, 3, 8, 6, 1.0, Activation::kTanh},
          {2, 33, 4, 6, 3, 0.3, Activation::kRelu},  {4, 20, 2, 9, 5, 0.5, Activation::kTanh},
          {28, 40, 10, 7, 9, 1.0, Activation::kRelu}, {1, 1, 1, 3, 2, 0.7, Activation::kTanh}};
}

double chain_depth(const Case& c) { return 2.0 * (c.T + 1) * (c.n_in + c.N + c.K + 3); }

// One case's network and inputs, and the "absolute network" whose values bound the rounding error.
struct CaseSetup {
  RnnConfig net, abs_net;
  RnnParams p, abs_p;
  SeqBatch batch, abs_batch;
  std::string where;
};

CaseSetup setup_case(const Case& c, std::uint64_t seed) {
  CaseSetup s;
  s.net = {c.n_in, c.N, c.K, c.alpha, c.activation};
  s.abs_net = {c.n_in, c.N, c.K, c.alpha, Activation::kRelu};  // relu: the identity on non-negative values
  s.p = random_rnn_params(s.net, seed);
  s.abs_p = abs_of(s.p);
  s.batch = random_inputs(c.T, c.B, c.n_in, seed + 7);
  s.abs_batch = SeqBatch{c.T, c.B, abs_of(s.batch.x), {}};
  s.where = "N " + std::to_string(c.N) + ", T " + std::to_string(c.T) + ", alpha " + std::to_string(c.alpha) +
            (c.activation == Activation::kTanh ? ", tanh" : ", relu");
  return s;
}

TEST(Precision, Float32ForwardEqualsTheFloat64ReferenceToFloat32Rounding) {
  std::uint64_t seed = 100;
  for (const Case& c : cases()) {
    const CaseSetup s = setup_case(c, seed);
    seed += 10;
    const RnnTrace reference = rnn_forward_reference(s.p, s.net, s.batch);
    const RnnTraceF f32 = rnn_forward(cast_params<float>(s.p), s.net, s.batch);
    const RnnTrace bound = rnn_forward_reference(s.abs_p, s.abs_net, s.abs_batch);
    expect_within_rounding_bound(cast_matrix<double>(f32.h), reference.h, bound.h, gamma_f32(chain_depth(c)),
                                 "hidden states, " + s.where);
    expect_within_rounding_bound(cast_matrix<double>(f32.y), reference.y, bound.y, gamma_f32(chain_depth(c)),
                                 "logits, " + s.where);
  }
}

TEST(Precision, Float32GradientsEqualTheFloat64ReferenceToFloat32Rounding) {
  std::uint64_t seed = 300;
  for (const Case& c : cases()) {
    const CaseSetup s = setup_case(c, seed);
    const Matrix dY = random_matrix(c.T * c.B, c.K, seed + 8);
    seed += 10;
    RnnParams reference = zero_params(s.net);
    rnn_backward_reference(s.p, s.net, s.batch, rnn_forward_reference(s.p, s.net, s.batch), dY, reference);
    const RnnParamsF pf = cast_params<float>(s.p);
    RnnParamsF f32 = zero_params<float>(s.net);
    rnn_backward(pf, s.net, s.batch, rnn_forward(pf, s.net, s.batch), cast_matrix<float>(dY), f32);
    RnnParams bound = zero_params(s.net);
    rnn_backward_reference(s.abs_p, s.abs_net, s.abs_batch, rnn_forward_reference(s.abs_p, s.abs_net, s.abs_batch),
                           abs_of(dY), bound);
    const double gamma = gamma_f32(2.0 * chain_depth(c));  // the forward chain, then the backward one
    expect_within_rounding_bound(cast_matrix<double>(f32.W_in), reference.W_in, bound.W_in, gamma, "dW_in, " + s.where);
    expect_within_rounding_bound(cast_matrix<double>(f32.W_h), reference.W_h, bound.W_h, gamma, "dW_h, " + s.where);
    expect_within_rounding_bound(cast_matrix<double>(f32.W_out), reference.W_out, bound.W_out, gamma,
                                 "dW_out, " + s.where);
  }
}

// The bound is not vacuous: a float path with one step's recurrent product left out (what a wrong loop
// bound would do) lies far outside it.  Guards the tolerance itself.
TEST(Precision, TheRoundingBoundIsFarBelowARealMistake) {
  const Case c = cases()[1];
  const RnnConfig net{c.n_in, c.N, c.K, c.alpha, c.activation};
  const RnnParams p = random_rnn_params(net, 5);
  const SeqBatch batch = random_inputs(c.T, c.B, c.n_in, 6);
  const RnnTrace reference = rnn_forward_reference(p, net, batch);
  RnnParams broken = p;
  broken.W_h.set_zero();  // no recurrence at all: every step after the first is wrong
  const RnnTraceF f32 = rnn_forward(cast_params<float>(broken), net, batch);
  const SeqBatch abs_batch{c.T, c.B, abs_of(batch.x), {}};
  const RnnTrace bound = rnn_forward_reference(abs_of(p), RnnConfig{c.n_in, c.N, c.K, c.alpha, Activation::kRelu},
                                               abs_batch);
  double worst_ratio = 0;
  for (std::size_t k = 0; k < reference.y.size(); ++k)
    worst_ratio = std::max(worst_ratio, std::fabs(f32.y.data()[k] - reference.y.data()[k]) /
                                            (gamma_f32(chain_depth(c)) * bound.y.data()[k] + 1e-30));
  EXPECT_GT(worst_ratio, 100.0) << "a float path without recurrence should break the bound by far";
}

// torch.optim.SGD on a float32 tensor: lr and momentum rounded to float, then buf = g (first step),
// buf = mu buf + g (later), w = w - lr buf, each operation rounded to float.  The compiler may contract
// w - lr buf into one fused multiply-add (GCC's default), which rounds once: either is PyTorch's
// semantics up to that contraction, so the test accepts exactly these two results.
TEST(Precision, Float32SgdStepIsPyTorchSemanticsByHand) {
  MatrixF w = MatrixF::from_rows({{0.5f, -1.25f, 3.0f}, {1e-3f, 7.0f, -2.5f}});
  MatrixF g = MatrixF::from_rows({{0.1f, 0.2f, -0.3f}, {4.0f, -5e-4f, 0.7f}});
  const MatrixF w0 = w;
  SgdF sgd(make_slots(std::vector<MatrixF*>{&w}, std::vector<MatrixF*>{&g}), SgdOptions{0.003, 0.9});
  const float lr = 0.003f, mu = 0.9f;
  std::vector<float> buf(6), expected_w(w0.values().begin(), w0.values().end());
  for (int step = 0; step < 3; ++step) {
    sgd.step();
    for (std::size_t j = 0; j < 6; ++j) {
      buf[j] = step == 0 ? g.data()[j] : mu * buf[j] + g.data()[j];
      const float separate = expected_w[j] - lr * buf[j];
      const float fused = std::fma(-lr, buf[j], expected_w[j]);
      const float got = w.data()[j];
      EXPECT_TRUE(got == separate || got == fused)
          << "step " << step + 1 << ", entry " << j << ": got " << got << ", PyTorch float32 gives " << separate
          << " (or " << fused << " with a fused multiply-add); nn/optim.cpp BasicSgd::update";
      expected_w[j] = got;  // follow the library's own rounding choice into the next step
    }
    for (float& v : g.values()) v *= -0.5f;  // a new gradient every step
  }
}

// The float32 training step as a whole (rounded start, float forward/BPTT, loss in double, float SGD)
// stays within float32 rounding of the float64 step: after one step the weights differ by at most the
// rounding of the start plus lr times the gradient's rounding bound.
TEST(Precision, OneFloat32TrainingStepFollowsTheFloat64Step) {
  for (Steps loss_steps : {Steps::kAll, Steps::kLast}) {
    const RnnConfig net{4, 24, 3, 1.0, Activation::kRelu};
    const std::size_t T = 6, B = 5;
    const RnnParams p = random_rnn_params(net, 41);
    SeqBatch batch = random_inputs(T, B, net.n_in, 42);
    batch.labels.assign(T * B, 0);
    for (std::size_t i = 0; i < batch.labels.size(); ++i) batch.labels[i] = static_cast<int>(i % net.K);
    RnnSgdTrainer f64(p, net, SgdOptions{0.05, 0.9}, loss_steps, Precision::kF64);
    RnnSgdTrainer f32(p, net, SgdOptions{0.05, 0.9}, loss_steps, Precision::kF32);
    const double loss64 = f64.step(batch), loss32 = f32.step(batch);
    EXPECT_NEAR(loss32, loss64, 1e-5 * std::fabs(loss64)) << (loss_steps == Steps::kLast ? "last-step loss" : "all-steps loss");
    const double allowed = 2 * kUnitRoundoffF32 * max_abs(p.W_h) + 0.05 * 1e-4;
    EXPECT_LE(max_abs_diff(f32.weights().W_h, f64.weights().W_h), allowed);
    EXPECT_GT(max_abs_diff(f32.weights().W_h, p.W_h), 100 * allowed) << "the step must have moved W_h";
    EXPECT_NE(f32.weights().W_h, f64.weights().W_h) << "the float32 path must really round";
  }
}

void expect_float32_relu_within_rounding(std::size_t B) {
  const std::size_t d = 40, N = 9, K = 4;
  const TwoLayerRelu net = make_two_layer_relu(random_matrix(N, d, 1) * 0.3, random_matrix(K, N, 2) * 0.3);
  const Matrix X = random_matrix(B, d, 3);
  const Matrix dY = random_matrix(B, K, 4);
  TwoLayerRelu reference = net;
  TwoLayerReluCache cache;
  const Matrix Y = two_layer_relu_forward(reference, X, cache);
  two_layer_relu_gradients(reference, cache, dY);
  TwoLayerReluF f32 = cast_net<float>(net);
  BasicTwoLayerReluCache<float> cache_f;
  const MatrixF Yf = two_layer_relu_forward(f32, cast_matrix<float>(X), cache_f);
  two_layer_relu_gradients(f32, cache_f, cast_matrix<float>(dY));
  // The absolute network: |W1|, |W2|, |X|, |dY|, with every unit active.
  TwoLayerRelu abs_net = make_two_layer_relu(abs_of(net.W1), abs_of(net.W2));
  TwoLayerReluCache abs_cache;
  const Matrix Y_bound = two_layer_relu_forward(abs_net, abs_of(X), abs_cache);
  two_layer_relu_gradients(abs_net, abs_cache, abs_of(dY));
  const double gamma = gamma_f32(4.0 * (d + N + K + 3));
  expect_within_rounding_bound(cast_matrix<double>(Yf), Y, Y_bound, gamma, "ReLU logits");
  expect_within_rounding_bound(cast_matrix<double>(f32.dW1), reference.dW1, abs_net.dW1, gamma, "ReLU dW1");
  expect_within_rounding_bound(cast_matrix<double>(f32.dW2), reference.dW2, abs_net.dW2, gamma, "ReLU dW2");
}

// B = 6 runs every product through the GEMM; B = one panel + 1 (+ 4 with 16-float vectors) leaves the
// last examples of the first layer to row_dots (nn/two_layer_relu.cpp), whose sums run in another
// order: the same bound holds.  d = 40 gives row_dots whole vectors and a tail.
TEST(Precision, Float32ReluNetworkEqualsTheFloat64NetworkToFloat32Rounding) {
  const std::size_t lanes = gemm_panel_width<float>() / 2;
  for (const std::size_t B : {std::size_t(6), 2 * lanes + 1, 2 * lanes + std::min<std::size_t>(4, lanes / 4)}) {
    SCOPED_TRACE("B = " + std::to_string(B));
    expect_float32_relu_within_rounding(B);
  }
}


// A float network takes double batches and rounds them as it copies them into its cache; a value beyond
// float's range is refused by name, not turned into an infinity.
TEST(Precision, AFloatReluNetworkRefusesAnInputBeyondFloatsRange) {
  const TwoLayerReluF net = cast_net<float>(make_two_layer_relu(random_matrix(3, 4, 1), random_matrix(2, 3, 2)));
  BasicTwoLayerReluCache<float> cache;
  Matrix X = random_matrix(2, 4, 3);
  const MatrixF Y = two_layer_relu_forward(net, X, cache);
  EXPECT_EQ(cache.X, cast_matrix<float>(X));
  EXPECT_EQ(Y, two_layer_relu_forward(net, cast_matrix<float>(X), cache)) << "rounding in the copy or before it";
  X(1, 2) = 1e39;
  try {
    two_layer_relu_forward(net, X, cache);
    ADD_FAILURE() << "1e39 does not fit a float and must be refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("beyond the range of float"), std::string::npos) << e.what();
  }
}

// A float32 run that overflows (float's range ends at 3.4e38, double's at 1.8e308) is kept and flagged
// diverged, as a float64 one is: no exception, the run's record says what happened.
TEST(Precision, AFloat32RunThatOverflowsIsKeptAndFlaggedDiverged) {
  RnnTaskSetup task = neurogym_setup("2af", 7);
  RnnTrainConfig config;
  config.net = {task.n_in, 20, task.n_out, 1.0, Activation::kRelu};
  config.iters = 20;
  config.precision = Precision::kF32;
  RnnParams init = random_rnn_params(config.net, 8);
  init.W_h *= 1e3;  // activity grows ~1e3 per step: float32 overflows within the trial, float64 not yet
  RnnRunResult r;
  ASSERT_NO_THROW(r = run_rnn_experiment(config, init, task));
  EXPECT_TRUE(r.diverged) << "final loss " << r.loss_final << " after " << r.iterations_done << " iterations";
}

// The float64 default is the engine every record was made with: f64 and an explicit Precision::kF64 agree
// bit for bit, and the float32 run is a different, nearby trajectory.
TEST(Precision, Float64IsTheDefaultAndFloat32ARealSecondEngine) {
  auto run = [](Precision precision) {
    RnnTaskSetup task = neurogym_setup("2af", 3);
    RnnTrainConfig config;
    config.net = {task.n_in, 24, task.n_out, 1.0, Activation::kRelu};
    config.iters = 30;
    config.precision = precision;
    return run_rnn_experiment(config, random_rnn_params(config.net, 4), task);
  };
  RnnTrainConfig defaults;
  EXPECT_EQ(defaults.precision, Precision::kF64);
  const RnnRunResult a = run(Precision::kF64), b = run(Precision::kF32);
  EXPECT_NE(a.final_params.W_h, b.final_params.W_h);
  EXPECT_NEAR(a.weight_change, b.weight_change, 1e-3 * a.weight_change);
  EXPECT_NEAR(a.kernel_alignment, b.kernel_alignment, 1e-3);
}

TEST(Precision, ParsesItsNamesAndRefusesOthers) {
  EXPECT_EQ(parse_precision("f32"), Precision::kF32);
  EXPECT_EQ(parse_precision("float64"), Precision::kF64);
  EXPECT_STREQ(precision_name(Precision::kF32), "f32");
  try {
    parse_precision("f16");
    ADD_FAILURE() << "f16 must be refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'f16'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rl
