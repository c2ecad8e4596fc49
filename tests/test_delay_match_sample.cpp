// Tests for tasks/delay_match_sample (DMS): docs/tasks.md#dms tables, noise, laws.
#include "tasks/delay_match_sample.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
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

// Timing fixation 100 | sample 100 | delay 100 | test 100 | decision 200 ms
//      = steps t0 | t1 | t2 | t3 | t4 t5, with noise off.
DelayMatchSampleConfig ring_config(int dim_ring) {
  DelayMatchSampleConfig c;
  c.sigma = 0.0;
  c.dim_ring = dim_ring;
  c.timing = override_timing(c.timing, {{"fixation", Timing::constant(100)},
                                        {"sample", Timing::constant(100)},
                                        {"delay", Timing::constant(100)},
                                        {"test", Timing::constant(100)},
                                        {"decision", Timing::constant(200)}});
  return c;
}

// Checks one trial of ring_config(dim_ring) against the table: fixation 1 at t0..t3 and 0 at
// t4, t5; ring = `sample_ring` at t1 and `test_ring` at t3, 0 elsewhere; label gt at t4, t5.
void expect_ring_table(const DelayMatchSample& task, int gt, int sample,
                       const std::vector<double>& sample_ring, const std::vector<double>& test_ring) {
  Rng rng(0);
  const Trial trial = task.build_trial({gt, sample}, layout_of(task.config()), rng);
  const std::size_t n_ring = sample_ring.size();
  ASSERT_EQ(trial.ob.rows(), 6u);
  ASSERT_EQ(trial.ob.cols(), 1 + n_ring);
  const int labels[6] = {0, 0, 0, 0, gt, gt};
  for (std::size_t t = 0; t < 6; ++t) {
    EXPECT_EQ(trial.ob(t, 0), t < 4 ? 1.0 : 0.0) << "t " << t;
    for (std::size_t j = 0; j < n_ring; ++j) {
      const double want = t == 1 ? sample_ring[j] : t == 3 ? test_ring[j] : 0.0;
      EXPECT_NEAR(trial.ob(t, 1 + j), want, kTableTol)
          << "gt " << gt << " sample " << sample << " t " << t << " ring " << j;
    }
    EXPECT_EQ(trial.gt[t], labels[t]) << "t " << t;
  }
}

// dim_ring = 4 (docs/tasks.md#dms): n_in = 1 + 4, theta_j = {0, pi/2, pi, 3pi/2}; a stimulus at
// angle a gives ring_j = cos(theta_j - a) 0.5 + 0.5, i.e. 1 on the channel at a, 0 on the
// opposite channel (cos pi = -1) and 0.5 on the two at +-pi/2 (cos = 0).  Match: test = sample;
// non-match: test = sample + pi, the opposite channel (s + 2) mod 4.
TEST(DelayMatchSample, RingOfFourGivesTheHandComputedTable) {
  const DelayMatchSample task(ring_config(4));
  EXPECT_EQ(task.n_in(), 5u);
  EXPECT_EQ(task.n_actions(), 3u);
  // at[k] = the ring for a stimulus at theta_k
  const std::vector<std::vector<double>> at = {
      {1.0, 0.5, 0.0, 0.5}, {0.5, 1.0, 0.5, 0.0}, {0.0, 0.5, 1.0, 0.5}, {0.5, 0.0, 0.5, 1.0}};
  for (int s = 0; s < 4; ++s) {
    expect_ring_table(task, 1, s, at[s], at[s]);            // match
    expect_ring_table(task, 2, s, at[s], at[(s + 2) % 4]);  // non-match: opposite channel
  }
  Rng rng(1);
  EXPECT_THROW(task.build_trial({1, 4}, layout_of(task.config()), rng), std::invalid_argument);
}

// dim_ring = 3: theta_j = {0, 2pi/3, 4pi/3}.  Sample at theta_s: cos = 1 on channel s and -1/2 on
// the others, so ring = {1, 0.25, 0.25} (rotated to s).  A non-match test at theta_s + pi is not a
// ring angle: cos(theta_j - theta_s - pi) = -cos(theta_j - theta_s) = -1 on channel s and +1/2 on
// the others, so ring = {0, 0.75, 0.75} (rotated to s).
TEST(DelayMatchSample, RingOfThreePutsTheNonMatchTestBetweenRingAngles) {
  const DelayMatchSample task(ring_config(3));
  EXPECT_EQ(task.n_in(), 4u);
  const std::vector<std::vector<double>> sample_at = {
      {1.0, 0.25, 0.25}, {0.25, 1.0, 0.25}, {0.25, 0.25, 1.0}};
  const std::vector<std::vector<double>> opposite_of = {
      {0.0, 0.75, 0.75}, {0.75, 0.0, 0.75}, {0.75, 0.75, 0.0}};
  for (int s = 0; s < 3; ++s) {
    expect_ring_table(task, 1, s, sample_at[s], sample_at[s]);
    expect_ring_table(task, 2, s, sample_at[s], opposite_of[s]);
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

// Constructor validation: the message names the offending field (dt, sigma, dim_ring, the period).
TEST(DelayMatchSample, RejectsBadDtSigmaRingAndTiming) {
  auto expect_rejected = [](const DelayMatchSampleConfig& c, const std::string& field) {
    try {
      DelayMatchSample task(c);
      ADD_FAILURE() << "expected std::invalid_argument naming " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  for (double dt : {0.0, -100.0, std::nan("")}) {
    DelayMatchSampleConfig c;
    c.dt = dt;
    expect_rejected(c, "dt");
  }
  for (double sigma : {-0.5, std::nan(""), std::numeric_limits<double>::infinity()}) {
    DelayMatchSampleConfig c;
    c.sigma = sigma;
    expect_rejected(c, "sigma");
  }
  for (int dim_ring : {1, 0, -2}) {
    DelayMatchSampleConfig c;
    c.dim_ring = dim_ring;
    expect_rejected(c, "dim_ring");
  }
  DelayMatchSampleConfig negative;
  negative.timing = override_timing(negative.timing, {{"delay", Timing::constant(-100)}});
  expect_rejected(negative, "delay");
  DelayMatchSampleConfig renamed;
  renamed.timing[3].first = "probe";
  expect_rejected(renamed, "DelayMatchSample");
  // The boundary values are accepted: sigma = 0 switches noise off, dim_ring = 2 is the default.
  DelayMatchSampleConfig ok;
  ok.sigma = 0.0;
  EXPECT_NO_THROW(DelayMatchSample{ok});
}

}  // namespace
}  // namespace rl
