// Tests for nn/loss: values on hand cases, stability for huge logits, gradients against central
// differences, and the errors for bad input.
#include "nn/loss.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "test_helpers.h"

namespace rl {
namespace {

using rl::testing::MatricesNear;

// Two rows, K = 3.  Row 0: logits (0, 0, 0), label 1 -> l = log 3.
// Row 1: logits (ln 1, ln 2, ln 7), label 2 -> softmax (0.1, 0.2, 0.7), l = -ln 0.7.
Matrix hand_logits() {
  return Matrix::from_rows({{0.0, 0.0, 0.0}, {0.0, std::log(2.0), std::log(7.0)}});
}

TEST(SoftmaxCrossEntropy, MatchesHandValuesAndGradient) {
  const LossResult r = softmax_cross_entropy(hand_logits(), {1, 2}, {1, 1});
  EXPECT_NEAR(r.loss, 0.5 * (std::log(3.0) - std::log(0.7)), 1e-15);
  // dL/dz = (softmax - onehot) / 2.
  const Matrix expected = Matrix::from_rows(
      {{1.0 / 6, 1.0 / 6 - 0.5, 1.0 / 6}, {0.05, 0.1, 0.35 - 0.5}});
  EXPECT_TRUE(MatricesNear(r.dY, expected, 1e-15));
}

TEST(SoftmaxCrossEntropy, MaskAveragesOverKeptRowsOnly) {
  const LossResult r = softmax_cross_entropy(hand_logits(), {0, 2}, {0, 1});
  EXPECT_NEAR(r.loss, -std::log(0.7), 1e-15);
  EXPECT_EQ(r.dY(0, 0), 0.0);  // dropped row has zero gradient
  EXPECT_NEAR(r.dY(1, 2), 0.7 - 1.0, 1e-15);
}

TEST(SoftmaxCrossEntropy, StaysFiniteForHugeLogits) {
  // Naive exp(1000) overflows; log-sum-exp with the max subtracted gives l = log(1 + e^-1).
  const Matrix z = Matrix::from_rows({{1000.0, 999.0}});
  const LossResult r = softmax_cross_entropy(z, {0}, {1});
  EXPECT_NEAR(r.loss, std::log1p(std::exp(-1.0)), 4 * rl::testing::kEps);  // a few roundings of O(1)
  EXPECT_TRUE(all_finite(r.dY));
}

TEST(SoftmaxCrossEntropy, GradientMatchesCentralDifferences) {
  Matrix z = rl::testing::random_matrix(4, 5, 3);
  const std::vector<int> labels{0, 4, 2, 2};
  const std::vector<unsigned char> keep{1, 0, 1, 1};
  const LossResult r = softmax_cross_entropy(z, labels, keep);
  const double h = 1e-5;  // O(1) logits: h ~ 1e-5 * scale
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double z0 = z.values()[i];
    z.values()[i] = z0 + h;
    const double lp = softmax_cross_entropy(z, labels, keep).loss;
    z.values()[i] = z0 - h;
    const double lm = softmax_cross_entropy(z, labels, keep).loss;
    z.values()[i] = z0;
    // Truncation O(h^2) ~ 1e-10 plus rounding eps / h ~ 1e-11.
    EXPECT_NEAR(r.dY.values()[i], (lp - lm) / (2 * h), 1e-9) << "entry " << i;
  }
}

TEST(SoftmaxCrossEntropy, RejectsNanBadLabelsAndEmptyMask) {
  Matrix z = hand_logits();
  EXPECT_THROW(softmax_cross_entropy(z, {1, 3}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(softmax_cross_entropy(z, {1, -1}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(softmax_cross_entropy(z, {1, 2}, {0, 0}), std::invalid_argument);
  EXPECT_THROW(softmax_cross_entropy(z, {1}, {1, 1}), std::invalid_argument);
  z(1, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(softmax_cross_entropy(z, {1, 2}, {1, 1}), std::invalid_argument);
}

TEST(SequenceCrossEntropy, StepSelectionsPickTheRightRows) {
  // T = 2, B = 2: rows (t0 b0, t0 b1, t1 b0, t1 b1).
  SeqBatch s{2, 2, Matrix(4, 1), {0, 1, 2, 0}};
  const Matrix z = Matrix::from_rows(
      {{0.0, 0.0, 0.0}, {0.0, std::log(2.0), std::log(7.0)}, {0.0, std::log(2.0), std::log(7.0)},
       {0.0, 0.0, 0.0}});
  const double l3 = std::log(3.0);
  const double all = (l3 - std::log(0.2) - std::log(0.7) + l3) / 4;
  EXPECT_NEAR(cross_entropy_all_steps(z, s).loss, all, 1e-15);
  EXPECT_NEAR(cross_entropy_last_step(z, s).loss, (-std::log(0.7) + l3) / 2, 1e-15);
  EXPECT_NEAR(cross_entropy_masked_steps(z, s, {1, 0}).loss, (l3 - std::log(0.2)) / 2, 1e-15);
  EXPECT_THROW(cross_entropy_masked_steps(z, s, {1}), std::invalid_argument);
}

TEST(Mse, MatchesHandValuesAndGradient) {
  const Matrix p = Matrix::from_rows({{1.0, 2.0}, {3.0, 4.0}});
  const Matrix y = Matrix::from_rows({{1.0, 0.0}, {0.0, 4.0}});
  const LossResult r = mse(p, y);
  EXPECT_DOUBLE_EQ(r.loss, (4.0 + 9.0) / 4.0);
  EXPECT_TRUE(MatricesNear(r.dY, Matrix::from_rows({{0.0, 1.0}, {1.5, 0.0}}), 0.0));
  EXPECT_THROW(mse(p, Matrix(2, 3)), std::invalid_argument);
}

}  // namespace
}  // namespace rl
