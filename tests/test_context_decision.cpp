// Tests for tasks/context_decision (CXT, explicit context, 0.0.2 behaviour).
#include "tasks/context_decision.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/test_helpers.h"

namespace rl {
namespace {

constexpr double kTableTol = 8 * testing::kEps;
constexpr int kDraws = 20000;
constexpr double kChi2Df1 = 10.83, kChi2Df2 = 13.82;  // 99.9% chi-square quantiles

ContextDecisionConfig paper_config(double sigma) {
  ContextDecisionConfig c;
  c.sigma = sigma;
  c.timing = override_timing(c.timing, {{"fixation", Timing::constant(0)},
                                        {"stimulus", Timing::constant(200)},
                                        {"delay", Timing::constant(500)},
                                        {"decision", Timing::constant(100)}});
  return c;
}

TrialLayout layout_of(const ContextDecisionConfig& c) {
  Rng rng(0);
  return sample_layout(c.timing, c.dt, rng);
}

// Paper timing, t = 0..7: fixation 1 for t <= 6; stimuli (1 +- s_m/100)/2 at t = 0, 1;
// context channel 1 for all t (decision included); everything else 0 at t = 7.
TEST(ContextDecision, PaperTimingReproducesTheEightStepTable) {
  const ContextDecision task(paper_config(0.0));
  Rng rng(1);
  for (int gt : {1, 2})
    for (int other : {1, 2})
      for (int context : {0, 1}) {
        const ContextDecisionConditions cond{gt, other, context, 15.0, 50.0};
        const Trial trial = task.build_trial(cond, layout_of(task.config()), rng);
        ASSERT_EQ(trial.ob.rows(), 8u);
        ASSERT_EQ(trial.ob.cols(), 7u);
        const int mod1 = context == 0 ? gt : other, mod2 = context == 0 ? other : gt;
        const double s0 = mod1 == 1 ? 15.0 : -15.0, s1 = mod2 == 1 ? 50.0 : -50.0;
        for (std::size_t t = 0; t < 8; ++t) {
          const bool stim = t < 2;
          const std::vector<double> want = {
              t < 7 ? 1.0 : 0.0,
              stim ? (1 + s0 / 100) / 2 : 0.0, stim ? (1 - s0 / 100) / 2 : 0.0,
              stim ? (1 + s1 / 100) / 2 : 0.0, stim ? (1 - s1 / 100) / 2 : 0.0,
              context == 0 ? 1.0 : 0.0, context == 1 ? 1.0 : 0.0};
          for (std::size_t c = 0; c < 7; ++c)
            EXPECT_NEAR(trial.ob(t, c), want[c], kTableTol)
                << "gt " << gt << " other " << other << " ctx " << context << " t " << t << " ch " << c;
          EXPECT_EQ(trial.gt[t], t == 7 ? gt : 0);
        }
      }
}

// Default timing: fixation 3 steps, stimulus 750 ms -> 7 steps, delay TruncExp(600, 300, 3000)
// floored to k in {3..29} steps, decision 1: T = 11 + k in [14, 40], with
//   P(k) = (e^{-k/6} - e^{-(k+1)/6}) / (e^{-1/2} - e^{-5}),
// so E[T] = 11 + sum_k k P(k) (about 19.2).
TEST(ContextDecision, DefaultTimingGivesTrialsOfFourteenToFortyStepsWithTheRightMean) {
  const ContextDecision task(ContextDecisionConfig{});
  double expected_mean = 11.0;
  const double z = std::exp(-0.5) - std::exp(-5.0);
  for (int k = 3; k <= 29; ++k)
    expected_mean += k * (std::exp(-k / 6.0) - std::exp(-(k + 1) / 6.0)) / z;
  EXPECT_NEAR(expected_mean, 19.2, 0.05);  // docs/tasks.md#cxt: "mean 19.2"
  Rng rng(2);
  double sum = 0.0, sum_sq = 0.0;
  std::size_t shortest = 1000, longest = 0;
  const int n = 5000;
  for (int i = 0; i < n; ++i) {
    const Trial trial = task.new_trial(rng);
    const std::size_t T = trial.layout.T;
    shortest = std::min(shortest, T);
    longest = std::max(longest, T);
    sum += T;
    sum_sq += double(T) * T;
    EXPECT_EQ(trial.layout.period("stimulus").end - trial.layout.period("stimulus").start, 7u);
    EXPECT_EQ(trial.gt[T - 1], trial.gt[T - 1] == 1 ? 1 : 2);
    EXPECT_EQ(trial.gt[T - 2], 0);
  }
  EXPECT_EQ(shortest, 14u);
  EXPECT_LE(longest, 40u);
  const double mean = sum / n, sd = std::sqrt(sum_sq / n - mean * mean);
  const double kStandardErrors = 4.0;
  EXPECT_NEAR(mean, expected_mean, kStandardErrors * sd / std::sqrt(double(n)));
}

// Noise: all 7 channels during the stimulus (0.0.2), nothing elsewhere.
TEST(ContextDecision, NoiseHasSdPointOneOnAllSevenChannelsDuringStimulusOnly) {
  const ContextDecision noisy(paper_config(1.0)), clean(paper_config(0.0));
  Rng rng(3);
  std::vector<double> sum_sq(7, 0.0);
  const int n = 3000;
  for (int i = 0; i < n; ++i) {
    const ContextDecisionConditions cond = noisy.sample_conditions(rng);
    const TrialLayout layout = layout_of(noisy.config());
    Rng unused(0);
    const Trial a = noisy.build_trial(cond, layout, rng), b = clean.build_trial(cond, layout, unused);
    for (std::size_t t = 0; t < 8; ++t)
      for (std::size_t c = 0; c < 7; ++c) {
        const double r = a.ob(t, c) - b.ob(t, c);
        if (t < 2)
          sum_sq[c] += r * r;
        else
          EXPECT_EQ(r, 0.0) << "noise outside the stimulus at t " << t << " ch " << c;
      }
  }
  const double kRelTol = 0.04;  // 6000 draws per channel: relative SE of the sd ~0.9%
  for (std::size_t c = 0; c < 7; ++c)
    EXPECT_NEAR(std::sqrt(sum_sq[c] / (2.0 * n)), 0.1, kRelTol * 0.1) << "channel " << c;
}

TEST(ContextDecision, ChoicesContextAndCoherencesFollowTheirLaws) {
  const ContextDecision task(paper_config(1.0));
  Rng rng(4);
  std::vector<int> gt(2, 0), congruent(2, 0), context(2, 0), coh0(3, 0), coh1(3, 0);
  auto coh_index = [](double c) { return c == 5.0 ? 0 : c == 15.0 ? 1 : 2; };
  for (int i = 0; i < kDraws; ++i) {
    const ContextDecisionConditions c = task.sample_conditions(rng);
    ++gt[static_cast<std::size_t>(c.ground_truth - 1)];
    ++congruent[c.ground_truth == c.other_choice ? 1 : 0];
    ++context[static_cast<std::size_t>(c.context)];
    ++coh0[static_cast<std::size_t>(coh_index(c.coh_0))];
    ++coh1[static_cast<std::size_t>(coh_index(c.coh_1))];
  }
  auto chi2 = [](const std::vector<int>& v) {
    double e = 0, s = 0;
    for (int c : v) e += c;
    e /= v.size();
    for (int c : v) s += (c - e) * (c - e) / e;
    return s;
  };
  EXPECT_LT(chi2(gt), kChi2Df1);
  EXPECT_LT(chi2(congruent), kChi2Df1);  // half the trials are congruent
  EXPECT_LT(chi2(context), kChi2Df1);
  EXPECT_LT(chi2(coh0), kChi2Df2);
  EXPECT_LT(chi2(coh1), kChi2Df2);
}

// Constructor validation: the message names the offending field (dt, sigma, cohs, the period).
TEST(ContextDecision, RejectsBadDtSigmaCohsAndTiming) {
  auto expect_rejected = [](const ContextDecisionConfig& c, const std::string& field) {
    try {
      ContextDecision task(c);
      ADD_FAILURE() << "expected std::invalid_argument naming " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  for (double dt : {0.0, -100.0, std::nan("")}) {
    ContextDecisionConfig c;
    c.dt = dt;
    expect_rejected(c, "dt");
  }
  for (double sigma : {-0.5, std::nan(""), std::numeric_limits<double>::infinity()}) {
    ContextDecisionConfig c;
    c.sigma = sigma;
    expect_rejected(c, "sigma");
  }
  ContextDecisionConfig no_cohs;
  no_cohs.cohs.clear();
  expect_rejected(no_cohs, "cohs");
  for (double bad : {-6.4, std::nan(""), std::numeric_limits<double>::infinity()}) {
    ContextDecisionConfig c;
    c.cohs = {6.4, bad};
    expect_rejected(c, "coherence");
  }
  ContextDecisionConfig named;  // the message says which task rejected it
  named.dt = 0.0;
  expect_rejected(named, "ContextDecision: dt");
  ContextDecisionConfig negative;
  negative.timing = override_timing(negative.timing, {{"stimulus", Timing::constant(-200)}});
  expect_rejected(negative, "stimulus");
  ContextDecisionConfig empty_window;  // TruncExp needs vmin < vmax
  empty_window.timing = override_timing(empty_window.timing,
                                        {{"delay", Timing::truncated_exponential(600, 3000, 300)}});
  expect_rejected(empty_window, "delay");
  ContextDecisionConfig missing;
  missing.timing.erase(missing.timing.begin() + 2);  // no delay period
  expect_rejected(missing, "ContextDecision");
  // The boundary values are accepted: sigma = 0 switches noise off, a single coherence is fine.
  ContextDecisionConfig ok;
  ok.sigma = 0.0;
  ok.cohs = {50.0};
  EXPECT_NO_THROW(ContextDecision{ok});
}

TEST(ContextDecision, RejectsBadConditions) {
  const ContextDecision task(paper_config(0.0));
  Rng rng(5);
  EXPECT_THROW(task.build_trial({3, 1, 0, 5, 5}, layout_of(task.config()), rng), std::invalid_argument);
  EXPECT_THROW(task.build_trial({1, 1, 2, 5, 5}, layout_of(task.config()), rng), std::invalid_argument);
}

}  // namespace
}  // namespace rl
