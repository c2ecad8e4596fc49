// Tests for tasks/trial: the add/set/noise operations and their order semantics.
#include "tasks/trial.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "tests/test_helpers.h"

namespace rl {
namespace {

const double kPi = std::acos(-1.0);

Trial three_period_trial(std::size_t n_in) {
  Rng rng(0);
  const TrialLayout layout = sample_layout({{"a", Timing::constant(200)},
                                            {"b", Timing::constant(300)},
                                            {"c", Timing::constant(100)}},
                                           100.0, rng);
  return make_empty_trial(layout, n_in);
}

TEST(Trial, StartsAtZeroInputsAndFixateLabels) {
  const Trial trial = three_period_trial(3);
  EXPECT_EQ(trial.ob.rows(), 6u);
  EXPECT_EQ(max_abs(trial.ob), 0.0);
  for (int g : trial.gt) EXPECT_EQ(g, kFixateAction);
}

TEST(Trial, AddWithoutPeriodCoversTheWholeTrialAndLaterSetOverrides) {
  Trial trial = three_period_trial(2);
  add_ob(trial, 1.0, {0}, {});
  set_ob(trial, 0.0, {}, {"c"});
  add_ob(trial, 2.0, {1}, {});
  for (std::size_t t = 0; t < 6; ++t) {
    EXPECT_EQ(trial.ob(t, 0), t < 5 ? 1.0 : 0.0) << "t = " << t;
    EXPECT_EQ(trial.ob(t, 1), 2.0) << "t = " << t;  // added after the set, so it survives
  }
}

TEST(Trial, AddOnSeveralPeriodsAccumulatesPerChannelValues) {
  Trial trial = three_period_trial(3);
  add_ob(trial, {0.25, 0.75}, {1, 2}, {"a", "c"});
  add_ob(trial, {0.25, 0.75}, {1, 2}, {"a"});
  EXPECT_EQ(trial.ob(0, 1), 0.5);
  EXPECT_EQ(trial.ob(1, 2), 1.5);
  EXPECT_EQ(trial.ob(3, 1), 0.0);  // period b untouched
  EXPECT_EQ(trial.ob(5, 2), 0.75);
  EXPECT_EQ(trial.ob(5, 0), 0.0);
}

TEST(Trial, NoiseTouchesOnlyItsPeriodsAndChannels) {
  Trial trial = three_period_trial(3);
  Rng rng(11);
  add_randn(trial, 0.1, rng, {1, 2}, {"b"});
  for (std::size_t t = 0; t < 6; ++t)
    for (std::size_t c = 0; c < 3; ++c) {
      const bool covered = t >= 2 && t < 5 && c >= 1;
      if (covered)
        EXPECT_NE(trial.ob(t, c), 0.0);
      else
        EXPECT_EQ(trial.ob(t, c), 0.0);
    }
}

TEST(Trial, ZeroNoiseDrawsNothingFromTheGenerator) {
  Trial trial = three_period_trial(2);
  Rng used(5), fresh(5);
  add_randn(trial, 0.0, used, {}, {});
  EXPECT_EQ(used.next_u64(), fresh.next_u64());
}

TEST(Trial, GroundTruthIsSetOnItsPeriod) {
  Trial trial = three_period_trial(1);
  set_groundtruth(trial, 2, {"c"});
  EXPECT_EQ(trial.gt, (std::vector<int>{0, 0, 0, 0, 0, 2}));
}

TEST(Trial, EffectiveNoiseUsesDtInMilliseconds) {
  EXPECT_NEAR(effective_noise_sd(1.0, 100.0), 0.1, 4 * testing::kEps);
  EXPECT_NEAR(effective_noise_sd(1.0, 20.0), 0.2236068, 1e-7);  // docs/tasks.md#trial-machinery
  EXPECT_THROW(effective_noise_sd(-1.0, 100.0), std::invalid_argument);
  EXPECT_THROW(effective_noise_sd(1.0, 0.0), std::invalid_argument);
}

TEST(Trial, RingAnglesAreEvenlySpaced) {
  const std::vector<double> two = ring_angles(2);
  EXPECT_EQ(two[0], 0.0);
  EXPECT_NEAR(two[1], kPi, 4 * testing::kEps);
  const std::vector<double> four = ring_angles(4);
  EXPECT_NEAR(four[3], 1.5 * kPi, 8 * testing::kEps);
  EXPECT_THROW(ring_angles(1), std::invalid_argument);
}

TEST(Trial, BadChannelsAndPeriodsRaiseErrors) {
  Trial trial = three_period_trial(2);
  EXPECT_THROW(add_ob(trial, 1.0, {2}, {}), std::invalid_argument);
  EXPECT_THROW(add_ob(trial, {1.0, 2.0}, {0}, {}), std::invalid_argument);
  EXPECT_THROW(set_ob(trial, 1.0, {}, {"nope"}), std::invalid_argument);
  Rng rng(1);
  EXPECT_THROW(add_randn(trial, -0.1, rng, {}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace rl
