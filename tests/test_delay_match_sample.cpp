// Tests for tasks/delay_match_sample (DMS): NEUROGYM.md section 2 tables, noise, laws.
#include "tasks/delay_match_sample.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tests/test_helpers.h"

namespace rl {
namespace {

constexpr double kTableTol = 8 * testing::kEps;  // cos(+-pi) and 0.5 sums: a few ulps
constexpr int kDraws = 20000;
constexpr double kChi2Df1 = 10.83;  // 99.9% chi-square quantile

DelayMatchSampleConfig paper_config(double sigma) {
  DelayMatchSampleConfig c;
  c.sigma = sigma;
  c.timing = override_timing(c.timing, {{"fixation", Timing::constant(0)},
                                        {"sample", Timing::constant(100)},
                                        {"delay", Timing::constant(500)},
                                        {"test", Timing::constant(100)},
                                        {"decision", Timing::constant(100)}});
  return c;
}

TrialLayout layout_of(const DelayMatchSampleConfig& c) {
  Rng rng(0);
  return sample_layout(c.timing, c.dt, rng);
}

// Paper timing: one-hot sample at t = 0, empty ring t = 1..5, one-hot test at t = 6 (same
// channel on a match, the other on a non-match), fixation 1 for t <= 6, all 0 at t = 7.
TEST(DelayMatchSample, PaperTimingReproducesTheXorTable) {
  const DelayMatchSample task(paper_config(0.0));
  Rng rng(1);
  for (int gt : {1, 2})
    for (int sample : {0, 1}) {
      const Trial trial = task.build_trial({gt, sample}, layout_of(task.config()), rng);
      ASSERT_EQ(trial.ob.rows(), 8u);
      const int test = gt == 1 ? sample : 1 - sample;
      for (std::size_t t = 0; t < 8; ++t) {
        EXPECT_EQ(trial.ob(t, 0), t < 7 ? 1.0 : 0.0) << "t " << t;
        for (int j = 0; j < 2; ++j) {
          double want = 0.0;
          if (t == 0) want = j == sample ? 1.0 : 0.0;
          if (t == 6) want = j == test ? 1.0 : 0.0;
          EXPECT_NEAR(trial.ob(t, static_cast<std::size_t>(1 + j)), want, kTableTol)
              << "gt " << gt << " sample " << sample << " t " << t << " ring " << j;
        }
        EXPECT_EQ(trial.gt[t], t == 7 ? gt : 0);
      }
    }
}

// Default timing: fixation [0,3), sample [3,8), delay [8,18), test [18,23), decision [23,32).
TEST(DelayMatchSample, DefaultTimingGivesThirtyTwoStepsWithNineDecisionSteps) {
  DelayMatchSampleConfig config;
  config.sigma = 0.0;
  const DelayMatchSample task(config);
  Rng rng(2);
  const Trial trial = task.build_trial({2, 0}, layout_of(config), rng);
  ASSERT_EQ(trial.ob.rows(), 32u);
  for (std::size_t t = 0; t < 32; ++t) {
    EXPECT_EQ(trial.ob(t, 0), t < 23 ? 1.0 : 0.0) << "t " << t;
    const bool sample = t >= 3 && t < 8, test = t >= 18 && t < 23;
    EXPECT_NEAR(trial.ob(t, 1), sample ? 1.0 : 0.0, kTableTol) << "t " << t;
    EXPECT_NEAR(trial.ob(t, 2), test ? 1.0 : 0.0, kTableTol) << "t " << t;
    EXPECT_EQ(trial.gt[t], t >= 23 ? 2 : 0);
  }
}

TEST(DelayMatchSample, NoiseHasSdPointOneOnRingDuringSampleAndTestOnly) {
  const DelayMatchSample task(paper_config(1.0));
  Rng rng(3);
  double sum_sq = 0.0;
  long n = 0;
  for (int i = 0; i < 4000; ++i) {
    const Trial trial = task.new_trial(rng);
    for (std::size_t t = 0; t < 8; ++t) {
      EXPECT_EQ(trial.ob(t, 0), t < 7 ? 1.0 : 0.0);
      if (t != 0 && t != 6) {
        EXPECT_EQ(trial.ob(t, 1), 0.0);
        EXPECT_EQ(trial.ob(t, 2), 0.0);
        continue;
      }
      const double r = trial.ob(t, 1) + trial.ob(t, 2) - 1.0;  // one-hot sums to 1
      sum_sq += r * r;
      ++n;
    }
  }
  const double kRelTol = 0.03;  // 8000 pairs: relative SE of the sd ~0.8%
  EXPECT_NEAR(std::sqrt(sum_sq / n / 2.0), 0.1, kRelTol * 0.1);
}

TEST(DelayMatchSample, MatchAndSampleAngleAreUniformAndIndependent) {
  const DelayMatchSample task(paper_config(1.0));
  Rng rng(4);
  std::vector<int> cell(4, 0);
  for (int i = 0; i < kDraws; ++i) {
    const DelayMatchSampleConditions c = task.sample_conditions(rng);
    ++cell[static_cast<std::size_t>((c.ground_truth - 1) * 2 + c.sample_index)];
  }
  double chi2 = 0.0;
  for (int c : cell) chi2 += (c - kDraws / 4.0) * (c - kDraws / 4.0) / (kDraws / 4.0);
  const double kChi2Df3 = 16.27;
  EXPECT_LT(chi2, kChi2Df3);
  const int matches = cell[0] + cell[1];
  const double e = kDraws / 2.0;
  EXPECT_LT((matches - e) * (matches - e) / e * 2, kChi2Df1);
}

TEST(DelayMatchSample, RejectsMisnamedPeriods) {
  DelayMatchSampleConfig c;
  c.timing.pop_back();
  EXPECT_THROW(DelayMatchSample{c}, std::invalid_argument);
}

}  // namespace
}  // namespace rl
