#include "nn/relu_experiment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "linalg/norms.h"
#include "linalg/svd.h"
#include "nn/measures.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

using testing::kEps;

// A small planted task: K = 3 classes, class c has mean 3 e_c in d = 8 dimensions plus N(0, 0.5^2)
// noise, so a 8-16-3 ReLU network separates it well within a few hundred SGD steps.
constexpr std::size_t kD = 8, kN = 16, kK = 3;

FlatBatch planted_batch(std::size_t B, Rng& rng) {
  FlatBatch b{Matrix(B, kD), std::vector<int>(B)};
  for (std::size_t a = 0; a < B; ++a) {
    const int c = static_cast<int>(rng.below(kK));
    b.labels[a] = c;
    for (std::size_t j = 0; j < kD; ++j) b.x(a, j) = 0.5 * rng.normal() + (j == static_cast<std::size_t>(c) ? 3.0 : 0.0);
  }
  return b;
}

ReluProbes planted_probes(Rng& rng) {
  ReluProbes p;
  p.representation = planted_batch(40, rng).x;
  p.kernel = planted_batch(10, rng).x;
  p.evaluation = planted_batch(300, rng);
  return p;
}

TwoLayerRelu planted_init(std::size_t rank, std::uint64_t seed) {
  Rng rng(seed);
  const Matrix W1_base = gaussian_init(kN, kD, 1.0, rng);
  const Matrix W2 = pytorch_uniform(kK, kN, rng);
  return relu_rank_init(W1_base, rank, W2);
}

ReluTrainConfig short_config(std::size_t iters) {
  ReluTrainConfig c;
  c.iters = iters;
  c.sgd.lr = 0.05;
  return c;
}

ReluRunResult train_planted(const TwoLayerRelu& init, std::size_t iters, std::uint64_t data_seed) {
  Rng probe_rng(99);
  const ReluProbes probes = planted_probes(probe_rng);
  Rng data_rng(data_seed);
  return run_relu_experiment(short_config(iters), init, [&] { return planted_batch(20, data_rng); }, probes);
}

TEST(ReluRankInit, HasRequestedRankAndTheBaseFrobeniusNorm) {
  // Rank r: singular values r+1.. vanish up to the SVD's backward error (~ n eps s_max, Weyl);
  // the Frobenius norm equals the base's up to rounding of the rescale (a few eps relative).
  Rng rng(5);
  const Matrix W1_base = gaussian_init(kN, kD, 1.0, rng);
  const Matrix W2 = pytorch_uniform(kK, kN, rng);
  for (std::size_t r : {1, 3, 8}) {
    const TwoLayerRelu net = relu_rank_init(W1_base, r, W2);
    const std::vector<double> s = singular_values(net.W1);
    const double tol = 10.0 * kN * kEps * s[0];  // Weyl bound with a safety factor of 10
    for (std::size_t i = r; i < s.size(); ++i) EXPECT_LE(s[i], tol) << "rank " << r << ", s_" << i;
    EXPECT_GT(s[r - 1], 0.01 * s[0]) << "rank " << r;
    EXPECT_NEAR(frobenius_norm(net.W1), frobenius_norm(W1_base), 8 * kEps * frobenius_norm(W1_base));
    EXPECT_EQ(net.W2, W2);
    EXPECT_FALSE(net.has_bias());
  }
  EXPECT_EQ(relu_rank_init(W1_base, kD, W2).W1, W1_base);  // full rank: the base, bit for bit
}

TEST(ReluExperiment, ZeroIterationsLeaveEveryAlignmentAtOne) {
  const ReluRunResult r = train_planted(planted_init(2, 1), 0, 7);
  EXPECT_EQ(r.iterations_done, 0u);
  EXPECT_EQ(r.weight_change, 0.0);
  // The cosine of a kernel with itself: <K, K> and ||K||^2 are sums over P^2 = 1600 (RA) and
  // (P K)^2 = 900 (KA) entries, computed along different paths, so they agree to a few tens of eps
  // (measured about 11 eps), not exactly.
  constexpr double kSelfCosineTol = 64 * kEps;
  EXPECT_NEAR(r.representation_alignment, 1.0, kSelfCosineTol);
  EXPECT_NEAR(r.kernel_alignment, 1.0, kSelfCosineTol);
  EXPECT_EQ(r.sign_similarity, 1.0);
  EXPECT_EQ(r.accuracy, r.accuracy_initial);
  EXPECT_FALSE(r.diverged);
}

TEST(ReluExperiment, TrainingLearnsThePlantedTaskAndMovesW1) {
  const TwoLayerRelu init = planted_init(kD, 2);
  const ReluRunResult r = train_planted(init, 400, 8);
  EXPECT_EQ(r.iterations_done, 400u);
  EXPECT_FALSE(r.diverged);
  EXPECT_LT(r.loss_final, 0.5 * r.loss_first);
  EXPECT_GT(r.accuracy, 0.9);  // the classes are 6 noise sd apart: a trained net is near 100 %
  EXPECT_GT(r.weight_change, 0.0);
  // The reported weight change is the distance of the returned network's W1 from W1(0).
  EXPECT_NEAR(r.weight_change, frobenius_norm(r.final_net.W1 - init.W1), 1e-12 * r.weight_change);
  EXPECT_NEAR(r.relative_weight_change, r.weight_change / frobenius_norm(init.W1), 1e-12);
  EXPECT_LT(r.kernel_alignment, 1.0);
  EXPECT_GT(r.kernel_alignment, 0.0);
  EXPECT_LT(r.representation_alignment, 1.0);
}

TEST(ReluExperiment, SameInputsGiveBitIdenticalResults) {
  const ReluRunResult a = train_planted(planted_init(3, 4), 50, 9);
  const ReluRunResult b = train_planted(planted_init(3, 4), 50, 9);
  EXPECT_EQ(a.final_net.W1, b.final_net.W1);
  EXPECT_EQ(a.kernel_alignment, b.kernel_alignment);
  EXPECT_EQ(a.loss_final, b.loss_final);
}

TEST(ReluExperiment, LogsLossAndMeasuresAtEveryLogStep) {
  Rng probe_rng(99);
  const ReluProbes probes = planted_probes(probe_rng);
  Rng data_rng(3);
  ReluTrainConfig c = short_config(30);
  c.log_every = 10;
  const ReluRunResult r =
      run_relu_experiment(c, planted_init(4, 6), [&] { return planted_batch(20, data_rng); }, probes);
  EXPECT_EQ(r.log.steps_of("loss"), (std::vector<std::size_t>{10, 20, 30}));
  const std::vector<double> ka = r.log.values_of("kernel_alignment");
  ASSERT_EQ(ka.size(), 3u);
  EXPECT_EQ(ka.back(), r.kernel_alignment);  // the last log point is the end point
}

TEST(ReluExperiment, FlagsADivergedRunWithoutThrowing) {
  // lr = 1e8 blows the logits up to inf within a few steps; the run must stop, keep its row, and
  // report NaN measures rather than throw or report numbers of a broken network.
  Rng probe_rng(99);
  const ReluProbes probes = planted_probes(probe_rng);
  Rng data_rng(3);
  ReluTrainConfig c = short_config(200);
  c.sgd.lr = 1e8;
  const ReluRunResult r =
      run_relu_experiment(c, planted_init(kD, 6), [&] { return planted_batch(20, data_rng); }, probes);
  EXPECT_TRUE(r.diverged);
  EXPECT_TRUE(std::isnan(r.kernel_alignment) || r.loss_final >= c.diverged_loss);
}

TEST(ReluExperiment, ASilentHiddenLayerIsKeptAndFlaggedNotThrown) {
  // Issue 15 defect 6: one silent run (zero-norm kernel) used to abort all of Fig. 4B.  W1 = 0: every
  // hidden unit is 0 on every input and relu'(0) = 0, so W1 never moves and KA is undefined.
  TwoLayerRelu init = planted_init(2, 1);
  init.W1 *= 0.0;
  ReluRunResult r;
  ASSERT_NO_THROW(r = train_planted(init, 20, 7));
  EXPECT_TRUE(r.silent);
  EXPECT_FALSE(r.warning.empty());
  EXPECT_TRUE(std::isnan(r.kernel_alignment));
  EXPECT_TRUE(std::isnan(r.representation_alignment));
  EXPECT_EQ(r.weight_change, 0.0);
  EXPECT_EQ(r.iterations_done, 20u);
}

TEST(ReluExperiment, ZeroIterationsRecordTheUntrainedLoss) {
  const ReluRunResult r = train_planted(planted_init(2, 1), 0, 7);
  EXPECT_GT(r.loss_first, 0.0);  // was exactly 0: the mean of no losses
  EXPECT_EQ(r.loss_first, r.loss_final);
  EXPECT_LE(r.kernel_alignment, 1.0);
  EXPECT_LE(r.representation_alignment, 1.0);
}

TEST(ReluExperiment, RejectsAProbeOfTheWrongWidth) {
  Rng probe_rng(99);
  ReluProbes probes = planted_probes(probe_rng);
  probes.kernel = Matrix(4, kD + 1);
  Rng data_rng(3);
  try {
    run_relu_experiment(short_config(1), planted_init(2, 1), [&] { return planted_batch(4, data_rng); }, probes);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("kernel probe"), std::string::npos) << e.what();
  }
}

// A float32 run given float batches (ReluBatches::next_f32) computes exactly what it computes from the
// same batches in double, rounded by the forward pass: the same bits in every result.  A float64 run
// never asks for the float batches.
TEST(ReluExperiment, FloatBatchesGiveTheFloat32RunOfTheDoubleBatches) {
  Rng probe_rng(99);
  const ReluProbes probes = planted_probes(probe_rng);
  const TwoLayerRelu init = planted_init(3, 4);
  ReluTrainConfig config = short_config(60);
  config.precision = Precision::kF32;
  Rng rounded_rng(7), float_rng(7);
  const ReluRunResult rounded =
      run_relu_experiment(config, init, [&] { return planted_batch(20, rounded_rng); }, probes);
  int float_batches = 0;
  const ReluBatches both{[&] { return planted_batch(20, float_rng); },
                         [&] {
                           ++float_batches;
                           const FlatBatch b = planted_batch(20, float_rng);
                           return FlatBatchF{cast_matrix<float>(b.x), b.labels};
                         }};
  const ReluRunResult given = run_relu_experiment(config, init, both, probes);
  EXPECT_EQ(float_batches, 60);
  for (auto [name, a, b] : {std::tuple{"weight change", given.weight_change, rounded.weight_change},
                            std::tuple{"RA", given.representation_alignment, rounded.representation_alignment},
                            std::tuple{"KA", given.kernel_alignment, rounded.kernel_alignment},
                            std::tuple{"final loss", given.loss_final, rounded.loss_final}})
    EXPECT_EQ(a, b) << name << ": float batches should be the double batches rounded, nothing else";
  EXPECT_EQ(given.final_net.W1, rounded.final_net.W1);

  config.precision = Precision::kF64;
  float_batches = 0;
  run_relu_experiment(config, init, both, probes);
  EXPECT_EQ(float_batches, 0) << "a float64 run took float batches";
}

TEST(ReluExperiment, RefusesAnEmptyBatchSource) {
  Rng probe_rng(99);
  const ReluProbes probes = planted_probes(probe_rng);
  EXPECT_THROW(run_relu_experiment(short_config(1), planted_init(2, 1), ReluBatches{nullptr, nullptr}, probes),
               std::invalid_argument);
}

}  // namespace
}  // namespace rl
