// Tests for nn/linearised_rnn: f_lin(theta) = f(theta0) + J(theta0)(theta - theta0) equals the
// network to second order (halving the step quarters the gap), is exactly linear in theta, has the
// gradient of its own loss (central differences; f_lin is smooth in theta even for relu), equals the
// network's gradient at theta0, and trains with the network's optimiser; the linearisation gap.
// Derivation: docs/linearised.md.
#include "nn/linearised_rnn.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "linalg/norms.h"
#include "nn/gradcheck.h"
#include "tests/rnn_test_helpers.h"
#include "test_helpers.h"

namespace rl {
namespace {

using rl::testing::MatricesNear;
using rl::testing::random_inputs;
using rl::testing::random_matrix;
using rl::testing::random_rnn_params;

SeqBatch labelled_batch(std::size_t T, std::size_t B, const RnnConfig& c, std::uint64_t seed) {
  SeqBatch s{T, B, random_matrix(T * B, c.n_in, seed), std::vector<int>(T * B)};
  for (std::size_t r = 0; r < T * B; ++r) s.labels[r] = static_cast<int>((r * 7 + seed) % c.K);
  return s;
}

RnnParams add_scaled(const RnnParams& p, double s, const RnnParams& d) {
  return RnnParams{p.W_in + s * d.W_in, p.W_h + s * d.W_h, p.W_out + s * d.W_out};
}

std::vector<unsigned char> relu_pattern(const RnnParams& p, const RnnConfig& c, const SeqBatch& s) {
  const RnnTrace tr = rnn_forward(p, c, s);
  std::vector<unsigned char> on;
  for (double u : tr.pre.values()) on.push_back(u > 0.0);
  return on;
}

TEST(LinearisedRnn, MatchesTheNetworkToSecondOrder) {
  for (Activation act : {Activation::kTanh, Activation::kRelu}) {
    for (double alpha : {1.0, 0.5}) {
      SCOPED_TRACE(std::string(act == Activation::kTanh ? "tanh" : "relu") + " alpha " +
                   std::to_string(alpha));
      const RnnConfig c{3, 10, 3, alpha, act};
      const RnnParams theta0 = random_rnn_params(c, 10);
      const RnnParams d = random_rnn_params(c, 20);
      const SeqBatch s = labelled_batch(5, 4, c, 30);
      std::vector<double> gap;
      for (double step : {4e-3, 2e-3, 1e-3}) {
        const RnnParams theta = add_scaled(theta0, step, d);
        if (act == Activation::kRelu) {  // a kink crossed inside the step would make the gap O(step)
          ASSERT_TRUE(relu_pattern(theta, c, s) == relu_pattern(theta0, c, s)) << "step " << step;
        }
        gap.push_back(frobenius_norm(rnn_forward(theta, c, s).y -
                                     linearised_outputs(theta0, theta, c, s)));
      }
      for (int i = 0; i < 2; ++i) {
        const double ratio = gap[i] / gap[i + 1];
        EXPECT_GT(ratio, 3.6) << "halving the step must quarter the gap (O(step^2)); gaps " << gap[i]
                              << ", " << gap[i + 1] << " (docs/linearised.md section 4)";
        EXPECT_LT(ratio, 4.4) << "gaps " << gap[i] << ", " << gap[i + 1];
      }
      EXPECT_GT(gap[2], 0.0) << "the network is not linear: a zero gap means f_lin = f was returned";
    }
  }
}

TEST(LinearisedRnn, IsExactlyLinearInTheParameters) {
  // Large steps (relu kinks crossed freely): f_lin(theta0 + 2d) - f_lin(theta0) = 2 (f_lin(theta0 + d)
  // - f_lin(theta0)), to rounding, and f_lin(theta0) = f(theta0) exactly.
  for (Activation act : {Activation::kRelu, Activation::kTanh}) {
    const RnnConfig c{3, 12, 4, 0.5, act};
    const RnnParams theta0 = random_rnn_params(c, 40);
    const RnnParams d = random_rnn_params(c, 50);
    const SeqBatch s = labelled_batch(6, 3, c, 60);
    const Matrix y0 = linearised_outputs(theta0, theta0, c, s);
    EXPECT_EQ(y0, rnn_forward(theta0, c, s).y);
    const Matrix y1 = linearised_outputs(theta0, add_scaled(theta0, 1.0, d), c, s);
    const Matrix y2 = linearised_outputs(theta0, add_scaled(theta0, 2.0, d), c, s);
    const Matrix lhs = y2 - y0, rhs = 2.0 * (y1 - y0);
    EXPECT_TRUE(MatricesNear(lhs, rhs, 1e-12 * max_abs(rhs)));
    EXPECT_GT(max_abs(rhs), 0.1) << "the direction must move the outputs";
  }
}

TEST(LinearisedRnn, GradientMatchesCentralDifferencesOfItsOwnLoss) {
  for (Steps steps : {Steps::kAll, Steps::kLast}) {
    for (Activation act : {Activation::kRelu, Activation::kTanh}) {
      SCOPED_TRACE(steps == Steps::kAll ? "all steps" : "last step");
      const RnnConfig c{2, 6, 3, 0.5, act};
      const RnnParams theta0 = random_rnn_params(c, 70);
      RnnParams theta = add_scaled(theta0, 0.5, random_rnn_params(c, 80));  // far from theta0
      const SeqBatch s = labelled_batch(4, 3, c, 90);
      RnnParams grads = zero_params(c);
      LinearisedTrace scratch;
      linearised_loss_and_gradient(theta0, theta, c, s, steps, scratch, grads);
      auto loss = [&] { return cross_entropy(linearised_outputs(theta0, theta, c, s), s, steps).loss; };
      Rng rng(1);
      const GradcheckReport report =
          check_gradient(loss, parameter_list(theta), {grads.W_in, grads.W_h, grads.W_out},
                         GradcheckOptions{}, PatternFn{}, rng);
      EXPECT_TRUE(report.passed()) << report.failed << " of " << report.checked
                                   << " entries failed; worst " << report.worst
                                   << " (the gradient is J(theta0)^T dL/dy: docs/linearised.md 3)";
      EXPECT_EQ(report.skipped_kink, 0u);
    }
  }
}

TEST(LinearisedRnn, GradientAtTheStartEqualsTheNetworksGradient) {
  const RnnConfig c{3, 9, 3, 1.0, Activation::kRelu};
  const RnnParams theta0 = random_rnn_params(c, 100);
  const SeqBatch s = labelled_batch(8, 5, c, 110);
  RnnParams lin = zero_params(c), net = zero_params(c);
  LinearisedTrace scratch;
  const double lin_loss = linearised_loss_and_gradient(theta0, theta0, c, s, Steps::kAll, scratch, lin);
  const RnnTrace tr = rnn_forward(theta0, c, s);
  const LossResult loss = cross_entropy_all_steps(tr.y, s);
  rnn_backward(theta0, c, s, tr, loss.dY, net);
  EXPECT_EQ(lin_loss, loss.loss);
  EXPECT_EQ(lin.W_in, net.W_in);  // bit for bit: the same backward pass fed the same error
  EXPECT_EQ(lin.W_h, net.W_h);
  EXPECT_EQ(lin.W_out, net.W_out);
}

TEST(LinearisedRnn, TrainerTakesTheNetworksFirstStepThenLowersItsLoss) {
  const RnnConfig c{3, 16, 3, 1.0, Activation::kRelu};
  const RnnParams theta0 = random_rnn_params(c, 120);
  const SeqBatch s = labelled_batch(8, 8, c, 130);
  const SgdOptions options{0.05, 0.9, 0.0};
  LinearisedTrainer trainer(theta0, c, options, Steps::kAll);
  // The network's first SGD step from theta0 on the same batch.
  RnnParams net = theta0, g = zero_params(c);
  Sgd sgd(make_slots(parameter_list(net), parameter_list(g)), options);
  const RnnTrace tr = rnn_forward(net, c, s);
  rnn_backward(net, c, s, tr, cross_entropy_all_steps(tr.y, s).dY, g);
  sgd.step();
  const double first = trainer.step(s);
  EXPECT_EQ(trainer.params().W_h, net.W_h) << "at theta0 the two gradients are the same";
  EXPECT_EQ(trainer.params().W_out, net.W_out);
  double last = first;
  for (int i = 0; i < 30; ++i) last = trainer.step(s);
  EXPECT_LT(last, 0.8 * first) << "30 SGD steps on one batch must lower the linearised loss";
  EXPECT_EQ(trainer.steps_taken(), 31u);
  EXPECT_EQ(trainer.theta0().W_h, theta0.W_h) << "theta0 never moves";
}

TEST(LinearisedRnn, GapIsOneWhenTheLinearisedModelDidNotMoveAndSmallForTinySteps) {
  const RnnConfig c{3, 10, 3, 1.0, Activation::kTanh};
  const RnnParams theta0 = random_rnn_params(c, 140);
  const RnnParams d = random_rnn_params(c, 150);
  const SeqBatch probe = labelled_batch(6, 5, c, 160);
  const RnnParams theta_f = add_scaled(theta0, 0.3, d);
  for (Steps steps : {Steps::kAll, Steps::kLast})
    EXPECT_NEAR(linearisation_gap(theta0, theta_f, theta0, c, probe, steps), 1.0, 1e-15);
  const RnnParams tiny = add_scaled(theta0, 1e-4, d);  // same point for both: gap = O(step)
  const double g_small = linearisation_gap(theta0, tiny, tiny, c, probe);
  const double g_big = linearisation_gap(theta0, theta_f, theta_f, c, probe);
  EXPECT_LT(g_small, 1e-2);
  EXPECT_LT(g_small, g_big);
  // Last-step selection by hand.
  const Matrix yf = rnn_forward(theta_f, c, probe).y, y0 = rnn_forward(theta0, c, probe).y;
  const Matrix ylin = linearised_outputs(theta0, theta_f, c, probe);
  const std::size_t r0 = 5 * 5;
  const Matrix last_f = block(yf, r0, 30, 0, 3), last_0 = block(y0, r0, 30, 0, 3),
               last_lin = block(ylin, r0, 30, 0, 3);
  EXPECT_NEAR(linearisation_gap(theta0, theta_f, theta_f, c, probe, Steps::kLast),
              frobenius_norm(last_f - last_lin) / frobenius_norm(last_f - last_0), 1e-12);
  EXPECT_THROW(linearisation_gap(theta0, theta0, theta_f, c, probe), std::invalid_argument);
}

}  // namespace
}  // namespace rl
