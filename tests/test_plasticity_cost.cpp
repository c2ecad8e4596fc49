// Tests for nn/plasticity_cost: hand-computed tiny cases, the triangle inequality (path length >=
// end-to-end change) and equality on a straight line, the fraction of changed synapses on a planted
// change, zero for no change, the W(0) = 0 convention, the all-parameter view (each matrix against
// its own initial RMS), and the incremental meter against the stored-trajectory definition during
// real RNN training.  Definitions: docs/measures.md#cost-of-plasticity.
#include "nn/plasticity_cost.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "linalg/norms.h"
#include "nn/loss.h"
#include "nn/measures.h"
#include "nn/optim.h"
#include "test_helpers.h"

namespace rl {
namespace {

using rl::testing::random_matrix;

TEST(PlasticityCost, HandComputedTwoByTwo) {
  // W0 entries 1, -1, 2, 0: RMS = sqrt(6 / 4) = 1.2247, threshold 0.12247.
  const Matrix W0 = Matrix::from_rows({{1.0, -1.0}, {2.0, 0.0}});
  const Matrix Wf = Matrix::from_rows({{1.1, -1.0}, {2.0, -0.5}});  // changes 0.1, 0, 0, -0.5
  EXPECT_NEAR(rms_magnitude(W0), std::sqrt(1.5), 1e-15);
  EXPECT_NEAR(l1_change(W0, Wf), 0.6, 1e-15);
  EXPECT_NEAR(weight_change(W0, Wf), std::sqrt(0.26), 1e-15);
  EXPECT_DOUBLE_EQ(fraction_changed(W0, Wf), 0.25) << "0.1 < 0.1225 < 0.5: only one entry counts";
  EXPECT_DOUBLE_EQ(fraction_changed(W0, Wf, 0.05), 0.5) << "threshold 0.061: 0.1 counts too";
}

TEST(PlasticityCost, HandComputedPathLengths) {
  // Scalar 0 -> 3 -> 1 -> 2: path 3 + 2 + 1 = 6, end-to-end 2.
  std::vector<Matrix> scalar;
  for (double w : {0.0, 3.0, 1.0, 2.0}) scalar.push_back(Matrix(1, 1, w));
  EXPECT_DOUBLE_EQ(path_length(scalar), 6.0);
  EXPECT_DOUBLE_EQ(l1_path_length(scalar), 6.0);
  // (0, 0) -> (3, 4) -> (3, 0): path 5 + 4 = 9, end-to-end 3.
  const std::vector<Matrix> plane = {Matrix::from_rows({{0.0, 0.0}}), Matrix::from_rows({{3.0, 4.0}}),
                                     Matrix::from_rows({{3.0, 0.0}})};
  EXPECT_DOUBLE_EQ(path_length(plane), 9.0);
  EXPECT_DOUBLE_EQ(l1_path_length(plane), 7.0 + 4.0) << "L1 steps |3| + |4|, then |-4|";
  EXPECT_DOUBLE_EQ(weight_change(plane.front(), plane.back()), 3.0);
  // As a list of two 1 x 1 matrices the all-parameter path is the same Euclidean path.
  std::vector<std::vector<Matrix>> lists;
  for (const Matrix& p : plane) lists.push_back({Matrix(1, 1, p(0, 0)), Matrix(1, 1, p(0, 1))});
  EXPECT_DOUBLE_EQ(path_length(lists), 9.0);
  EXPECT_DOUBLE_EQ(path_length(std::vector<Matrix>{Matrix(2, 2, 1.0)}), 0.0) << "one point: no path";
}

TEST(PlasticityCost, MeterPathIsAtLeastTheChangeAndEqualsTheStoredTrajectory) {
  // A random walk of a watched matrix: the meter's incremental path equals the definition on the
  // stored trajectory, and is >= the end-to-end change (triangle inequality), strictly here.
  Matrix W = random_matrix(6, 5, 11);
  PlasticityMeter meter({&W});
  std::vector<Matrix> trajectory = {W};
  Rng rng(12);
  for (int step = 0; step < 20; ++step) {
    for (double& w : W.values()) w += 0.1 * rng.normal();
    meter.record();
    trajectory.push_back(W);
  }
  const PlasticityCost c = meter.cost(0);
  EXPECT_EQ(meter.steps(), 20u);
  EXPECT_NEAR(c.path_length, path_length(trajectory), 1e-12 * c.path_length);
  EXPECT_NEAR(c.l1_path_length, l1_path_length(trajectory), 1e-12 * c.l1_path_length);
  EXPECT_NEAR(c.change, weight_change(trajectory.front(), W), 1e-14);
  EXPECT_GT(c.l1_path_length, c.l1_change);
  EXPECT_GT(c.path_length, 1.5 * c.change) << "a random walk wanders: path well above the change";
  EXPECT_EQ(c.entries, 30u);
}

TEST(PlasticityCost, StraightLineHasPathEqualToChange) {
  // W(t) = W0 + s_t D with increasing s_t (uneven steps): every step points the same way.
  const Matrix W0 = random_matrix(4, 7, 21), D = random_matrix(4, 7, 22);
  Matrix W = W0;
  PlasticityMeter meter({&W});
  for (double s : {0.01, 0.05, 0.3, 0.31, 0.7, 1.0}) {
    W = W0 + s * D;
    meter.record();
  }
  const PlasticityCost c = meter.cost(0);
  EXPECT_NEAR(c.path_length, c.change, 1e-13 * c.change);
  EXPECT_NEAR(c.l1_path_length, c.l1_change, 1e-13 * c.l1_change) << "no entry turns back";
  EXPECT_NEAR(c.change, frobenius_norm(D), 1e-13 * c.change) << "s goes from 0 to 1";
}

TEST(PlasticityCost, FractionCountsExactlyThePlantedChanges) {
  // 40 of 2500 entries move by 0.5 RMS (counted), all others by 0.05 RMS (below 10 %: not counted).
  const Matrix W0 = random_matrix(50, 50, 31);
  const double m = rms_magnitude(W0);
  Matrix Wf = W0;
  for (std::size_t i = 0; i < Wf.size(); ++i)
    Wf.data()[i] += (i % 61 == 7 ? 0.5 : 0.05) * m * (i % 2 ? 1.0 : -1.0);
  std::size_t planted = 0;
  for (std::size_t i = 0; i < Wf.size(); ++i) planted += i % 61 == 7;
  ASSERT_EQ(planted, 41u);
  EXPECT_DOUBLE_EQ(fraction_changed(W0, Wf), 41.0 / 2500.0);
  EXPECT_DOUBLE_EQ(fraction_changed(W0, Wf, 0.04), 1.0) << "threshold 4 %: every entry counts";
}

TEST(PlasticityCost, NoChangeGivesZeroEverywhere) {
  RnnParams p{random_matrix(5, 2, 41), random_matrix(5, 5, 42), random_matrix(3, 5, 43)};
  PlasticityMeter meter = rnn_plasticity_meter(p);
  meter.record();
  meter.record();
  for (const PlasticityCost& c : {rnn_plasticity(meter).W_h, rnn_plasticity(meter).all}) {
    EXPECT_EQ(c.change, 0.0);
    EXPECT_EQ(c.path_length, 0.0);
    EXPECT_EQ(c.l1_change, 0.0);
    EXPECT_EQ(c.l1_path_length, 0.0);
    EXPECT_EQ(c.fraction_changed, 0.0);
  }
  EXPECT_EQ(rnn_plasticity(meter).W_h.entries, 25u);
  EXPECT_EQ(rnn_plasticity(meter).all.entries, 10u + 25u + 15u);
}

TEST(PlasticityCost, ZeroInitialWeightsCountEveryEntryThatMoved) {
  // RMS(W0) = 0, so the threshold is 0 and any |change| > 0 counts (documented convention).
  const Matrix W0(2, 3);
  const Matrix Wf = Matrix::from_rows({{0.0, 1e-300, 0.0}, {-2.0, 0.0, 0.0}});
  EXPECT_EQ(rms_magnitude(W0), 0.0);
  EXPECT_DOUBLE_EQ(fraction_changed(W0, Wf), 2.0 / 6.0);
}

TEST(PlasticityCost, AllParametersJudgeEachEntryAgainstItsOwnMatrix) {
  // W_in of RMS 1 and W_out of RMS 100: a change of 1 counts in W_in (> 0.1), not in W_out (< 10).
  RnnParams p{Matrix(2, 2, 1.0), Matrix(2, 2, 1.0), Matrix(1, 2, 100.0)};
  PlasticityMeter meter = rnn_plasticity_meter(p);
  std::vector<std::vector<Matrix>> trajectory = {{p.W_in, p.W_h, p.W_out}};
  p.W_in(0, 0) += 1.0;
  p.W_out(0, 1) -= 1.0;
  meter.record();
  trajectory.push_back({p.W_in, p.W_h, p.W_out});
  p.W_h(1, 0) += 0.05;  // below 10 % of its RMS 1
  p.W_in(0, 0) -= 3.0;  // net change -2
  meter.record();
  trajectory.push_back({p.W_in, p.W_h, p.W_out});
  const RnnPlasticity c = rnn_plasticity(meter);
  EXPECT_DOUBLE_EQ(c.all.fraction_changed, 1.0 / 10.0) << "only W_in(0, 0)";
  EXPECT_NEAR(c.all.l1_change, 2.0 + 1.0 + 0.05, 1e-15);
  EXPECT_NEAR(c.all.change, std::sqrt(4.0 + 1.0 + 0.0025), 1e-15);
  EXPECT_NEAR(c.all.path_length, std::sqrt(2.0) + std::sqrt(9.0 + 0.0025), 1e-15);
  EXPECT_NEAR(c.all.path_length, path_length(trajectory), 1e-15);
  EXPECT_NEAR(c.all.l1_path_length, (1.0 + 1.0) + (3.0 + 0.05), 1e-15) << "W_in moved +1 then -3";
  EXPECT_NEAR(c.W_h.path_length, 0.05, 1e-15);
  EXPECT_DOUBLE_EQ(c.W_h.fraction_changed, 0.0);
  EXPECT_GE(c.all.path_length, c.all.change);
}

TEST(PlasticityCost, MeterFollowsRealRnnTrainingWithSgd) {
  // Twenty SGD steps with momentum on a small RNN: the meter equals the stored-trajectory definition,
  // per matrix and for all parameters together, and path >= change for both views.
  const RnnConfig c{3, 8, 3, 0.5, Activation::kRelu};
  RnnParams p{random_matrix(8, 3, 51) * 0.5, random_matrix(8, 8, 52) * 0.3, random_matrix(3, 8, 53) * 0.3};
  RnnParams g = zero_params(c);
  Sgd sgd(make_slots(parameter_list(p), parameter_list(g)), SgdOptions{0.05, 0.9, 0.0});
  SeqBatch batch{4, 5, random_matrix(20, 3, 54), std::vector<int>(20)};
  for (std::size_t r = 0; r < 20; ++r) batch.labels[r] = static_cast<int>(r % 3);
  PlasticityMeter meter = rnn_plasticity_meter(p);
  std::vector<Matrix> W_h_path = {p.W_h};
  std::vector<std::vector<Matrix>> all_path = {{p.W_in, p.W_h, p.W_out}};
  for (int step = 0; step < 20; ++step) {
    const RnnTrace tr = rnn_forward(p, c, batch);
    zero_grads(g);
    rnn_backward(p, c, batch, tr, cross_entropy_all_steps(tr.y, batch).dY, g);
    sgd.step();
    meter.record();
    W_h_path.push_back(p.W_h);
    all_path.push_back({p.W_in, p.W_h, p.W_out});
  }
  const RnnPlasticity cost = rnn_plasticity(meter);
  EXPECT_NEAR(cost.W_h.path_length, path_length(W_h_path), 1e-12 * cost.W_h.path_length);
  EXPECT_NEAR(cost.all.path_length, path_length(all_path), 1e-12 * cost.all.path_length);
  EXPECT_NEAR(cost.W_h.change, weight_change(meter.initial(1), p.W_h), 1e-15);
  EXPECT_GT(cost.W_h.change, 0.0);
  EXPECT_GE(cost.W_h.path_length, cost.W_h.change);
  EXPECT_GE(cost.all.path_length, cost.all.change);
  EXPECT_GE(cost.all.change, cost.W_h.change);
  EXPECT_GE(cost.all.l1_change, cost.W_h.l1_change);
}

TEST(PlasticityCost, BadInputThrowsNamingTheProblem) {
  EXPECT_THROW(PlasticityMeter(std::vector<const Matrix*>{}), std::invalid_argument);
  const Matrix empty;
  EXPECT_THROW(PlasticityMeter({&empty}), std::invalid_argument);
  EXPECT_THROW(rms_magnitude(empty), std::invalid_argument);
  EXPECT_THROW(l1_change(Matrix(2, 2), Matrix(2, 3)), std::invalid_argument);
  EXPECT_THROW(fraction_changed(Matrix(2, 2), Matrix(2, 2), -0.1), std::invalid_argument);
  EXPECT_THROW(path_length(std::vector<Matrix>{}), std::invalid_argument);
  Matrix W(2, 2);
  PlasticityMeter meter({&W});
  W = Matrix(3, 2);
  try {
    meter.record();
    FAIL() << "expected a shape error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("changed shape"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rl
