#include "nn/rnn_experiment.h"

#include <gtest/gtest.h>

#include <cmath>

#include "linalg/norms.h"
#include "nn/init.h"
#include "nn/measures.h"
#include "tasks/paper_probe.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

// A small version of the paper's experiment (N = 20 instead of 300) so the test is fast.
struct SmallExperiment {
  RnnTaskSetup task = neurogym_setup("2af", 7);
  RnnTrainConfig config;
  RnnParams init;

  explicit SmallExperiment(std::size_t iters, double lr = 0.003) {
    config.net = {task.n_in, 20, task.n_out, 1.0, Activation::kRelu};
    config.iters = iters;
    config.sgd.lr = lr;
    Rng rng(3);
    init = paper_io_init(task.n_in, 20, task.n_out, rng);
    init.W_h = gaussian_init(20, 20, 1.25, rng);
  }
};

TEST(RnnExperiment, UntrainedNetworkIsPerfectlyLazy) {
  SmallExperiment e(0);
  const RnnRunResult r = run_rnn_experiment(e.config, e.init, e.task);
  EXPECT_EQ(r.weight_change, 0.0);
  // Same kernels and representations: cosines are 1 up to the rounding of <K, K> / ||K||^2, sums
  // of 768^2 (KA) and 320^2 (RA) products: a relative error of order sqrt(terms) * eps ~ 1e-13.
  EXPECT_NEAR(r.representation_alignment, 1.0, 1e-12);
  EXPECT_NEAR(r.kernel_alignment, 1.0, 1e-12);
  EXPECT_EQ(r.sign_similarity, 1.0);
  EXPECT_FALSE(r.diverged);
}

TEST(RnnExperiment, TrainingMovesWeightsAndLowersLoss) {
  SmallExperiment e(300, 0.05);
  const RnnRunResult r = run_rnn_experiment(e.config, e.init, e.task);
  EXPECT_GT(r.weight_change, 0.0);
  EXPECT_LT(r.kernel_alignment, 1.0);
  EXPECT_LT(r.loss_final, r.loss_first);
  EXPECT_EQ(r.iterations_done, 300u);
  EXPECT_FALSE(r.diverged);
  // The weight change is measured on W_h exactly.
  EXPECT_DOUBLE_EQ(r.weight_change, frobenius_norm(r.final_params.W_h - e.init.W_h));
}

TEST(RnnExperiment, SameSeedsGiveBitIdenticalResults) {
  SmallExperiment a(50), b(50);
  const RnnRunResult ra = run_rnn_experiment(a.config, a.init, a.task);
  const RnnRunResult rb = run_rnn_experiment(b.config, b.init, b.task);
  EXPECT_EQ(ra.final_params.W_h, rb.final_params.W_h);
  EXPECT_EQ(ra.kernel_alignment, rb.kernel_alignment);
  EXPECT_EQ(ra.representation_alignment, rb.representation_alignment);
}

TEST(RnnExperiment, DivergedRunIsKeptAndFlagged) {
  SmallExperiment e(200);
  e.init.W_h *= 1e80;  // activity grows like 1e80^t: the logits overflow to inf in the first batch
  RnnRunResult r;
  ASSERT_NO_THROW(r = run_rnn_experiment(e.config, e.init, e.task));
  EXPECT_TRUE(r.diverged);
  EXPECT_EQ(r.iterations_done, 0u);
}

TEST(RnnExperiment, SilentNetworkIsKeptWithUndefinedAlignments) {
  // W_in = 0 and h_0 = 0: every hidden unit is 0 at every step (relu'(0) = 0 and h = 0, so no
  // gradient reaches W_in or W_h either).  The representation and the W_h kernel have zero norm, so RA, KA and sign
  // similarity are undefined: the run is kept, flagged, its loss and dW reported, nothing thrown.
  SmallExperiment e(30);
  e.init.W_in *= 0.0;
  e.config.log_every = 10;
  e.config.log_measures = true;
  RnnRunResult r;
  ASSERT_NO_THROW(r = run_rnn_experiment(e.config, e.init, e.task));
  EXPECT_TRUE(r.alignments_undefined);
  EXPECT_FALSE(r.warning.empty());
  EXPECT_TRUE(std::isnan(r.representation_alignment));
  EXPECT_TRUE(std::isnan(r.kernel_alignment));
  EXPECT_EQ(r.weight_change, 0.0);
  EXPECT_EQ(r.relative_weight_change, 0.0);
  EXPECT_EQ(r.iterations_done, 30u);
  EXPECT_FALSE(r.diverged);  // logits 0: loss log(3), finite and small
  const auto ka = r.log.values_of("kernel_alignment");
  ASSERT_EQ(ka.size(), 3u);
  EXPECT_TRUE(std::isnan(ka.back()));  // logged as NaN, not thrown
}

TEST(RnnExperiment, ARunThatBlowsUpThenFallsSilentIsFlaggedDiverged) {
  // Issue 15 defect 3: a run whose loss explodes and then settles at ln K (a dead network) ends below
  // the final-loss threshold; the during-training rule must still flag it.  Lowering the limits lets
  // a small, fast run trip each rule; at the defaults the same run is not flagged.
  SmallExperiment e(20, 0.05);
  RnnRunResult plain = run_rnn_experiment(e.config, e.init, e.task);
  EXPECT_FALSE(plain.diverged);
  EXPECT_FALSE(plain.blew_up);

  SmallExperiment by_loss(20, 0.05);
  by_loss.config.blowup_loss = 1e-3;  // every loss is above it
  const RnnRunResult rl = run_rnn_experiment(by_loss.config, by_loss.init, by_loss.task);
  EXPECT_TRUE(rl.blew_up);
  EXPECT_TRUE(rl.diverged);
  EXPECT_EQ(rl.blew_up_at, 1u);
  EXPECT_EQ(rl.iterations_done, 20u);  // flagged, not stopped: the trajectory is the plain one
  EXPECT_EQ(rl.final_params.W_h, plain.final_params.W_h);
  EXPECT_LT(rl.loss_final, rl.loss_first * 10);  // and its final loss alone would not flag it

  SmallExperiment by_weight(20, 0.05);
  by_weight.config.blowup_weight_factor = 0.5;  // ||W_h(1)||_F is surely above half of ||W_h(0)||_F
  const RnnRunResult rw = run_rnn_experiment(by_weight.config, by_weight.init, by_weight.task);
  EXPECT_TRUE(rw.blew_up);
  EXPECT_TRUE(rw.diverged);
  EXPECT_EQ(rw.blew_up_at, 1u);
}

TEST(RnnExperiment, ZeroIterationsRecordTheUntrainedLossAndAlignmentsOfExactlyOne) {
  // Issue 15 defect 9: --iters 0 recorded losses of exactly 0 and RA/KA a few ulps above 1.
  SmallExperiment e(0);
  const RnnRunResult r = run_rnn_experiment(e.config, e.init, e.task);
  EXPECT_GT(r.loss_first, 0.5);  // cross entropy of an untrained 3-way decision: near ln 3
  EXPECT_LT(r.loss_first, 5.0);
  EXPECT_EQ(r.loss_first, r.loss_final);
  EXPECT_LE(r.representation_alignment, 1.0);
  EXPECT_LE(r.kernel_alignment, 1.0);
}

TEST(ClampAlignmentRounding, ClampsOnlyARoundingExcess) {
  EXPECT_EQ(clamp_alignment_rounding(1.0 + 4e-16), 1.0);
  EXPECT_EQ(clamp_alignment_rounding(1.0 + 1e-13), 1.0);
  EXPECT_EQ(clamp_alignment_rounding(1.0 + 1e-9), 1.0 + 1e-9);  // a real error stays visible
  EXPECT_EQ(clamp_alignment_rounding(0.25), 0.25);
  EXPECT_TRUE(std::isnan(clamp_alignment_rounding(std::nan(""))));
}

TEST(RnnExperiment, LogsMeasuresEveryKSteps) {
  SmallExperiment e(40);
  e.config.log_every = 10;
  e.config.log_measures = true;
  const RnnRunResult r = run_rnn_experiment(e.config, e.init, e.task);
  EXPECT_EQ(r.log.steps_of("loss"), (std::vector<std::size_t>{10, 20, 30, 40}));
  const auto ka = r.log.values_of("kernel_alignment");
  ASSERT_EQ(ka.size(), 4u);
  EXPECT_DOUBLE_EQ(ka.back(), r.kernel_alignment);
}

TEST(RnnExperiment, OnLogSeesEveryLogPointAndChangesNoNumber) {
  SmallExperiment plain(40, 0.05), watched(40, 0.05);
  plain.config.log_every = watched.config.log_every = 10;
  plain.config.log_measures = watched.config.log_measures = true;
  std::vector<std::size_t> steps;
  std::vector<double> ka_seen;
  watched.config.on_log = [&](const Recorder& log, std::size_t step) {
    steps.push_back(step);
    ka_seen.push_back(log.values_of("kernel_alignment").back());  // this step's row is already there
  };
  const RnnRunResult a = run_rnn_experiment(plain.config, plain.init, plain.task);
  const RnnRunResult b = run_rnn_experiment(watched.config, watched.init, watched.task);
  EXPECT_EQ(steps, (std::vector<std::size_t>{10, 20, 30, 40}));
  EXPECT_EQ(ka_seen, a.log.values_of("kernel_alignment"));
  EXPECT_EQ(a.final_params.W_h, b.final_params.W_h);
  EXPECT_EQ(a.kernel_alignment, b.kernel_alignment);
  EXPECT_EQ(a.loss_final, b.loss_final);
}

TEST(RnnExperiment, RecordsTheCostOfPlasticityOverEveryStep) {
  SmallExperiment e(50, 0.05);
  const RnnRunResult r = run_rnn_experiment(e.config, e.init, e.task);
  // The meter's end-to-end change of W_h is the paper's weight change; the path it travelled over
  // the 50 steps is at least that long (docs/measures.md#cost-of-plasticity).
  EXPECT_NEAR(r.plasticity.W_h.change, r.weight_change, 1e-12 * r.weight_change);
  EXPECT_GT(r.plasticity.W_h.path_length, r.plasticity.W_h.change);
  EXPECT_GE(r.plasticity.W_h.l1_path_length, r.plasticity.W_h.l1_change);
  EXPECT_GE(r.plasticity.all.path_length, r.plasticity.W_h.path_length);
  EXPECT_EQ(r.plasticity.W_h.entries, 400u);
  EXPECT_EQ(rnn_plasticity_values(r.plasticity).size(), rnn_plasticity_columns().size());
}

// fig1_start is the composition the programs wrote out by hand: the base Gaussian from w_rng truncated
// to rank r, W_in and W_out from io_rng; so its W_h has rank r and the draws match bit for bit.
TEST(RnnExperiment, Fig1StartIsTheTruncatedBaseGaussianWithPaperIo) {
  const std::size_t n_in = 3, N = 12, K = 2, rank = 4;
  Rng w_rng(7), io_rng(8);
  const RnnParams p = fig1_start(n_in, N, K, 1.25, rank, NormKind::kFrobenius, w_rng, io_rng);
  Rng w_ref(7), io_ref(8);
  const Matrix W0 = gaussian_init(N, N, 1.25, w_ref);
  const RnnParams ref = paper_io_init(n_in, N, K, io_ref);
  const Matrix Wh = low_rank_init(W0, rank, NormKind::kFrobenius);
  EXPECT_TRUE(testing::SameBits(p.W_h, Wh));
  EXPECT_TRUE(testing::SameBits(p.W_in, ref.W_in));
  EXPECT_TRUE(testing::SameBits(p.W_out, ref.W_out));
  EXPECT_NEAR(frobenius_norm(p.W_h), frobenius_norm(W0), 1e-12 * frobenius_norm(W0));
}

}  // namespace
}  // namespace rl
