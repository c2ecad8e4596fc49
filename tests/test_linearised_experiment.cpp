#include "nn/linearised_experiment.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nn/init.h"
#include "tasks/paper_probe.h"

namespace rl {
namespace {

// The network and its linearisation on the paper's 2AF, N = 20, a handful of iterations.
struct SmallComparison {
  RnnTaskSetup task = neurogym_setup("2af", 21);
  RnnTrainConfig config;
  RnnParams init;

  SmallComparison(std::size_t iters, double lr) {
    config.net = {task.n_in, 20, task.n_out, 1.0, Activation::kRelu};
    config.iters = iters;
    config.sgd.lr = lr;
    config.log_every = 5;
    Rng rng(4);
    init = paper_io_init(task.n_in, 20, task.n_out, rng);
    init.W_h = gaussian_init(20, 20, 1.25, rng);
  }
};

TEST(LinearisedExperiment, TinyStepsKeepTheNetworkOnItsLinearisation) {
  // With a tiny learning rate theta - theta0 is O(lr), so the gap, which is O(||theta - theta0||)
  // relative to the change, is small; with a large one the network leaves its linearisation.
  SmallComparison tiny(10, 1e-5), large(10, 0.5);
  const LinearisedComparison a = run_linearised_comparison(tiny.config, tiny.init, tiny.task);
  const LinearisedComparison b = run_linearised_comparison(large.config, large.init, large.task);
  EXPECT_LT(a.gap, 1e-2) << "docs/linearised.md: f_lin = f to O(||theta - theta0||^2)";
  EXPECT_GT(b.gap, 10.0 * a.gap);
  EXPECT_EQ(a.iterations_done, 10u);
  // The gap is logged over training (steps 5 and 10) and the last log equals the final gap.
  const MeasureTable log = a.log.table();
  ASSERT_EQ(log.steps.size(), 2u);
  EXPECT_EQ(log.values.back()[0], a.gap);
}

TEST(LinearisedExperiment, BothModelsStartFromTheSameLossAndMove) {
  SmallComparison e(20, 0.01);
  const LinearisedComparison r = run_linearised_comparison(e.config, e.init, e.task);
  EXPECT_GT(r.net_weight_change, 0.0);
  EXPECT_GT(r.lin_weight_change, 0.0);
  EXPECT_TRUE(std::isfinite(r.net_probe_loss) && std::isfinite(r.lin_probe_loss));
  EXPECT_FALSE(r.diverged);
}

}  // namespace
}  // namespace rl
