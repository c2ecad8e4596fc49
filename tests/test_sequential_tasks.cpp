#include "nn/sequential_tasks.h"

#include <gtest/gtest.h>

#include "nn/init.h"
#include "tasks/paper_probe.h"

namespace rl {
namespace {

// A small forgetting experiment (N = 20) on the paper's 2AF then DMS (3 inputs, 3 outputs each).
struct SmallSequence {
  RnnTaskSetup a = neurogym_setup("2af", 11);
  RnnTaskSetup b = neurogym_setup("dms", 12);
  SequentialConfig config;
  RnnParams init;

  SmallSequence(std::size_t iters, double lr_b) {
    config.net = {a.n_in, 20, a.n_out, 1.0, Activation::kRelu};
    config.phase_a.iters = config.phase_b.iters = iters;
    config.phase_a.sgd.lr = 0.05;
    config.phase_b.sgd.lr = lr_b;
    Rng rng(5);
    init = paper_io_init(a.n_in, 20, a.n_out, rng);
    init.W_h = gaussian_init(20, 20, 1.25, rng);
  }
};

TEST(SequentialTasks, ForgettingIsExactlyZeroWhenTaskBsLearningRateIsZero) {
  SmallSequence e(60, 0.0);
  const SequentialResult r = run_sequential_tasks(e.config, e.init, e.a, e.b);
  // Phase B took 60 SGD steps of size 0: the weights (and so task A's probe) are bit-identical.
  EXPECT_EQ(r.b.iterations_done, 60u);
  EXPECT_EQ(r.b.final_params.W_h, r.a.final_params.W_h);
  EXPECT_EQ(r.b.final_params.W_in, r.a.final_params.W_in);
  EXPECT_EQ(r.b.final_params.W_out, r.a.final_params.W_out);
  EXPECT_EQ(r.forgetting_loss, 0.0) << "lr_b = 0 must leave task A untouched (docs/reproducing.md#forgetting)";
  EXPECT_EQ(r.forgetting_accuracy, 0.0);
  EXPECT_EQ(r.b.weight_change, 0.0);
  EXPECT_EQ(r.b.plasticity.all.path_length, 0.0);
  // Phase A did learn something, so the zero is not the trivial zero of an untrained network.
  EXPECT_GT(r.a.weight_change, 0.0);
  EXPECT_LT(r.a_after_a.loss, probe_score(e.init, e.config.net, e.a).loss);
}

TEST(SequentialTasks, TrainingOnBMovesTheWeightsAndChangesTaskAsProbe) {
  SmallSequence e(60, 0.05);
  const SequentialResult r = run_sequential_tasks(e.config, e.init, e.a, e.b);
  EXPECT_GT(r.b.weight_change, 0.0);
  EXPECT_NE(r.forgetting_loss, 0.0);
  EXPECT_DOUBLE_EQ(r.forgetting_loss, r.a_after_b.loss - r.a_after_a.loss);
  EXPECT_DOUBLE_EQ(r.forgetting_accuracy, r.a_after_a.accuracy - r.a_after_b.accuracy);
  // The probe score at the end of A is the one run_rnn_experiment reports for A.
  EXPECT_EQ(r.a_after_a.accuracy, r.a.accuracy);
}

TEST(SequentialTasks, MismatchedTasksAreRejectedNamingTheShapes) {
  SmallSequence e(1, 0.0);
  e.config.net.K = 4;
  try {
    run_sequential_tasks(e.config, e.init, e.a, e.b);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& err) {
    EXPECT_NE(std::string(err.what()).find("task A (2AF)"), std::string::npos) << err.what();
  }
}

}  // namespace
}  // namespace rl
