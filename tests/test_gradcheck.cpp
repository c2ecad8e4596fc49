// Tests for nn/gradcheck, from a one-entry hand case up: it accepts a correct gradient, rejects a wrong
// one (entrywise and along a random direction) naming the parameter and entry, restores the
// parameters exactly, and skips entries on a ReLU kink.
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

// L(w) = w^2 at w = 3: g = 6, and the central difference of a quadratic is exact up to rounding.
TEST(Gradcheck, OneEntryQuadraticByHand) {
  Matrix W = Matrix::from_rows({{3.0}});
  Rng rng(1);
  GradcheckOptions o;
  o.names = {"w"};
  const LossFn loss = [&] { return W(0, 0) * W(0, 0); };
  const GradcheckReport good = check_gradient(loss, {&W}, {Matrix::from_rows({{6.0}})}, o, {}, rng);
  EXPECT_TRUE(good.passed()) << good.summary();
  EXPECT_EQ(good.checked, 1u);
  EXPECT_LT(good.max_abs_err, 1e-8)
      << "the central difference (L(w + h) - L(w - h)) / 2h of a quadratic is exact up to rounding; an error of "
      << good.max_abs_err << " (h = 3e-5) is the O(h) error of a one-sided difference (docs/bptt.md#5-numeric-check)";
  Matrix V = Matrix::from_rows({{3.0}});  // a fresh parameter: this rung does not depend on the restore
  const LossFn loss_v = [&] { return V(0, 0) * V(0, 0); };
  const GradcheckReport bad = check_gradient(loss_v, {&V}, {Matrix::from_rows({{6.5}})}, o, {}, rng);
  EXPECT_FALSE(bad.passed());
  EXPECT_EQ(bad.worst.rfind("dw[0,0]: analytic 6.5 vs numeric 6", 0), 0u) << bad.worst;
}

// The failure message names the parameter and the entry (row, column), gives both values and the
// tolerance it broke: what a student needs to find the wrong line of a backward pass.
TEST(Gradcheck, FailureMessageNamesTheParameterAndEntry) {
  Matrix A = rl::testing::random_matrix(2, 2, 11), W = rl::testing::random_matrix(6, 3, 12);
  Matrix gW = smooth_grad(W);
  gW(5, 0) += 0.01;
  GradcheckOptions o;
  o.names = {"W_h", "W_in"};
  Rng rng(13);
  const GradcheckReport rep = check_gradient([&] { return smooth_loss(A) + smooth_loss(W); }, {&A, &W},
                                             {smooth_grad(A), gW}, o, {}, rng);
  EXPECT_EQ(rep.failed, 1u);
  ASSERT_EQ(rep.failures.size(), 1u);
  EXPECT_EQ(rep.failures[0], rep.worst);
  EXPECT_EQ(rep.worst.rfind("dW_in[5,0]: analytic ", 0), 0u)
      << rep.summary() << "\n  expected the entry W_in[5,0]: entry e of a row-major (rows x cols) matrix is "
      << "row e / cols, column e % cols (docs/bptt.md#5-numeric-check)";
  EXPECT_NE(rep.worst.find(" > tol 1e-07 + 1e-05*|g|)"), std::string::npos) << rep.summary();
  EXPECT_NE(rep.summary().find("1 of 22 entries failed"), std::string::npos) << rep.summary();
  // Unnamed parameters are numbered; a wrong number of names is rejected.
  const GradcheckReport unnamed = check_gradient([&] { return smooth_loss(W); }, {&W}, {gW}, {}, {}, rng);
  EXPECT_EQ(unnamed.worst.rfind("dparam0[5,0]: ", 0), 0u) << unnamed.worst;
  o.names = {"W_h"};
  EXPECT_THROW(check_gradient([&] { return smooth_loss(W); }, {&A, &W}, {smooth_grad(A), gW}, o, {}, rng),
               std::invalid_argument);
}

TEST(Gradcheck, AcceptsTheAnalyticGradientAndRestoresParameters) {
  Matrix W = rl::testing::random_matrix(3, 4, 1) * 2.0;
  const Matrix W_before = W;
  Rng rng(2);
  const GradcheckReport rep = check_gradient([&] { return smooth_loss(W); }, {&W}, {smooth_grad(W)},
                                             GradcheckOptions{}, {}, rng);
  EXPECT_TRUE(rep.passed()) << rep.summary();
  EXPECT_EQ(rep.checked, 12u);
  EXPECT_LT(rep.worst_ratio, 0.1);  // FD error far inside the tolerance on a smooth function
  EXPECT_EQ(W, W_before) << "check_gradient must put every entry back bit for bit (w = w0 after the two "
                            "evaluations), else later entries and the caller see a shifted W "
                            "(docs/bptt.md#5-numeric-check)";
  const DirectionalReport dir = check_gradient_direction([&] { return smooth_loss(W); }, {&W},
                                                         {smooth_grad(W)}, GradcheckOptions{}, {}, rng);
  EXPECT_TRUE(dir.passed) << dir.analytic << " vs " << dir.numeric;
  EXPECT_EQ(W, W_before);
}

// One entry of 48 off by 1e-4 relative (10x the relative tolerance): its own test fails, while the mean
// ratio over all entries stays far below 1 -- so a check of the mean would pass it.
TEST(Gradcheck, RejectsAGradientWithOneWrongEntry) {
  Matrix W = rl::testing::random_matrix(6, 8, 3);
  Matrix g = smooth_grad(W);
  g(1, 2) *= 1.0 + 1e-4;
  Rng rng(4);
  const GradcheckReport rep =
      check_gradient([&] { return smooth_loss(W); }, {&W}, {g}, GradcheckOptions{}, {}, rng);
  EXPECT_FALSE(rep.passed()) << "dW[1,2] is off by 1e-4 relative (10x rel_tol) among 48 entries, got: "
                             << rep.summary() << " -- test EVERY entry against atol + rtol max(|g|, |g_fd|), "
                             << "not a mean over entries (docs/bptt.md#5-numeric-check)";
  EXPECT_EQ(rep.failed, 1u) << rep.summary();
  EXPECT_NE(rep.worst.find("[1,2]"), std::string::npos) << rep.summary();
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
  EXPECT_EQ(rep.skipped_kink, 1u) << "w0 = 1e-7 with h = 1e-5: the step crosses the ReLU kink, the pattern "
                                     "hook changes, so the entry must be skipped and counted "
                                     "(docs/bptt.md#5-numeric-check)";
  EXPECT_EQ(rep.checked, 1u);
  EXPECT_TRUE(rep.passed()) << rep.summary();
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
