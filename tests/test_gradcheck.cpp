// Tests for nn/gradcheck: it accepts a correct gradient, rejects a wrong one (entrywise and along a
// random direction), restores the parameters exactly, and skips entries on a ReLU kink.
#include "nn/gradcheck.h"

#include <gtest/gtest.h>

#include <cmath>

#include "test_helpers.h"

namespace rl {
namespace {

// L(W) = sum_ij sin(W_ij) W_ij^2;  dL/dW_ij = cos(W_ij) W_ij^2 + 2 sin(W_ij) W_ij.
double smooth_loss(const Matrix& W) {
  double s = 0.0;
  for (double w : W.values()) s += std::sin(w) * w * w;
  return s;
}
Matrix smooth_grad(const Matrix& W) {
  Matrix g(W.rows(), W.cols());
  for (std::size_t i = 0; i < W.size(); ++i) {
    const double w = W.values()[i];
    g.values()[i] = std::cos(w) * w * w + 2 * std::sin(w) * w;
  }
  return g;
}

TEST(Gradcheck, AcceptsTheAnalyticGradientAndRestoresParameters) {
  Matrix W = rl::testing::random_matrix(3, 4, 1) * 2.0;
  const Matrix W_before = W;
  Rng rng(2);
  const GradcheckReport rep = check_gradient([&] { return smooth_loss(W); }, {&W}, {smooth_grad(W)},
                                             GradcheckOptions{}, {}, rng);
  EXPECT_TRUE(rep.passed()) << rep.worst;
  EXPECT_EQ(rep.checked, 12u);
  EXPECT_LT(rep.worst_ratio, 0.1);  // FD error far inside the tolerance on a smooth function
  EXPECT_EQ(W, W_before);           // bit-identical restore
  const DirectionalReport dir = check_gradient_direction([&] { return smooth_loss(W); }, {&W},
                                                         {smooth_grad(W)}, GradcheckOptions{}, {}, rng);
  EXPECT_TRUE(dir.passed) << dir.analytic << " vs " << dir.numeric;
  EXPECT_EQ(W, W_before);
}

TEST(Gradcheck, RejectsAGradientWithOneWrongEntry) {
  Matrix W = rl::testing::random_matrix(3, 4, 3);
  Matrix g = smooth_grad(W);
  g(1, 2) *= 1.001;  // a 0.1% error is 100x the relative tolerance
  Rng rng(4);
  const GradcheckReport rep =
      check_gradient([&] { return smooth_loss(W); }, {&W}, {g}, GradcheckOptions{}, {}, rng);
  EXPECT_FALSE(rep.passed());
  EXPECT_EQ(rep.failed, 1u);
  EXPECT_NE(rep.worst.find("(1, 2)"), std::string::npos) << rep.worst;
}

TEST(Gradcheck, DirectionalCheckRejectsAScaledGradient) {
  Matrix W = rl::testing::random_matrix(5, 5, 5);
  Rng rng(6);
  const DirectionalReport dir = check_gradient_direction(
      [&] { return smooth_loss(W); }, {&W}, {smooth_grad(W) * 1.01}, GradcheckOptions{}, {}, rng);
  EXPECT_FALSE(dir.passed);
}

TEST(Gradcheck, SkipsEntriesWhoseStepCrossesAReluKink) {
  // L(w) = relu(w0) + w1^2 at w0 = 1e-7: the +-h step (h = 1e-5) crosses the kink of w0.
  Matrix W = Matrix::from_rows({{1e-7, 0.5}});
  const Matrix g = Matrix::from_rows({{1.0, 1.0}});
  const LossFn loss = [&] { return std::max(W(0, 0), 0.0) + W(0, 1) * W(0, 1); };
  const PatternFn pattern = [&] { return std::vector<unsigned char>{W(0, 0) > 0.0}; };
  Rng rng(7);
  const GradcheckReport rep = check_gradient(loss, {&W}, {g}, GradcheckOptions{}, pattern, rng);
  EXPECT_EQ(rep.skipped_kink, 1u);
  EXPECT_EQ(rep.checked, 1u);
  EXPECT_TRUE(rep.passed()) << rep.worst;
  // Without the hook the kink entry's central difference is ~0.5, not 1: reported as a failure.
  const GradcheckReport no_hook = check_gradient(loss, {&W}, {g}, GradcheckOptions{}, {}, rng);
  EXPECT_EQ(no_hook.failed, 1u);
}

TEST(Gradcheck, SamplesAFixedNumberOfEntries) {
  Matrix W = rl::testing::random_matrix(10, 10, 8);
  GradcheckOptions o;
  o.max_entries_per_param = 7;
  Rng rng(9);
  const GradcheckReport rep =
      check_gradient([&] { return smooth_loss(W); }, {&W}, {smooth_grad(W)}, o, {}, rng);
  EXPECT_EQ(rep.checked, 7u);
  EXPECT_TRUE(rep.passed());
}

TEST(Gradcheck, RejectsShapeMismatch) {
  Matrix W(2, 2);
  Rng rng(1);
  EXPECT_THROW(check_gradient([] { return 0.0; }, {&W}, {Matrix(2, 3)}, GradcheckOptions{}, {}, rng),
               std::invalid_argument);
}

}  // namespace
}  // namespace rl
