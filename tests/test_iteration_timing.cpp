// Smoke test for nn/iteration_timing: every variant runs and reports positive times on a tiny network;
// bad sizes are rejected.  (The ratios themselves are machine-dependent: docs/linearised.md 4 and
// docs/measures.md#cost-of-plasticity give measured values.)
#include "nn/iteration_timing.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rl {
namespace {

TEST(IterationTiming, EveryVariantRunsAndTakesPositiveTime) {
  const RnnConfig c{3, 8, 3, 1.0, Activation::kRelu};
  const IterationTiming t = time_training_iterations(c, 4, 2, 3, 3, 7);
  for (const VariantTiming& v : {t.plain, t.with_meter, t.meter_alone, t.linearised}) {
    EXPECT_GT(v.best_ms, 0.0);
    EXPECT_GE(v.median_ms, v.best_ms);
  }
  EXPECT_GT(t.linearised_ratio_best(), 0.0);
}

TEST(IterationTiming, RejectsEmptySizes) {
  const RnnConfig c{3, 8, 3, 1.0, Activation::kRelu};
  EXPECT_THROW(time_training_iterations(c, 0, 2, 3, 3, 7), std::invalid_argument);
  EXPECT_THROW(time_training_iterations(c, 4, 2, 0, 3, 7), std::invalid_argument);
  EXPECT_THROW(time_training_iterations(RnnConfig{}, 4, 2, 3, 3, 7), std::invalid_argument);
}

}  // namespace
}  // namespace rl
