// Tests for tasks/perceptual_decision (2AF): the per-step tables of docs/tasks.md#2af,
// the noise level and the laws of the label and the coherence.
#include "tasks/perceptual_decision.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tasks/neurogym_dataset.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

// Noise-free inputs are sums of a few exactly representable terms and one cos: a few ulps.
constexpr double kTableTol = 8 * testing::kEps;
constexpr int kDraws = 20000;
constexpr double kChi2Df1 = 10.83, kChi2Df4 = 18.47;  // 99.9% chi-square quantiles

PerceptualDecisionConfig paper_config(double sigma) {
  PerceptualDecisionConfig c;
  c.sigma = sigma;
  c.timing = override_timing(c.timing, {{"fixation", Timing::constant(0)},
                                        {"stimulus", Timing::constant(700)},
                                        {"delay", Timing::constant(0)},
                                        {"decision", Timing::constant(100)}});
  return c;
}

TrialLayout layout_of(const PerceptualDecisionConfig& c) {
  Rng rng(0);
  return sample_layout(c.timing, c.dt, rng);
}

// Graded (A8, rungs 1-3): one noise-free trial at the paper timing (8 steps: stimulus t = 0..6,
// decision t = 7), ground truth g = 0, coherence 51.2, read one piece at a time.
Trial hand_trial() {
  const PerceptualDecision task(paper_config(0.0));
  Rng rng(11);
  return task.build_trial({0, 51.2}, layout_of(task.config()), rng);
}

TEST(PerceptualDecision, FixationChannelIsOneUntilTheDecision) {
  const Trial trial = hand_trial();
  ASSERT_EQ(trial.ob.rows(), 8u) << "the paper timing has 8 steps of dt = 100 ms; docs/tasks.md#2af";
  ASSERT_EQ(trial.ob.cols(), 3u) << "inputs: fixation + dim_ring = 2 stimulus channels; docs/tasks.md#2af";
  for (std::size_t t = 0; t < 8; ++t)
    EXPECT_EQ(trial.ob(t, 0), t < 7 ? 1.0 : 0.0)
        << "t = " << t << ": the fixation channel is 1 in fixation, stimulus and delay and 0 in the "
        << "decision period (the go cue); docs/tasks.md#2af";
}

TEST(PerceptualDecision, LabelIsGroundTruthPlusOneInTheDecisionOnly) {
  const Trial trial = hand_trial();
  ASSERT_EQ(trial.gt.size(), 8u);
  for (std::size_t t = 0; t < 8; ++t)
    EXPECT_EQ(trial.gt[t], t == 7 ? 1 : 0)
        << "t = " << t << ": label 0 (fixate) before the decision, g + 1 = 1 during it (action 0 is "
        << "fixation, so choice g is action g + 1); docs/tasks.md#2af";
}

TEST(PerceptualDecision, StimulusFollowsTheCosineTuning) {
  const Trial trial = hand_trial();
  ASSERT_EQ(trial.ob.rows(), 8u);
  for (std::size_t t = 0; t < 7; ++t) {
    EXPECT_NEAR(trial.ob(t, 1), 0.5 + 0.256, kTableTol)
        << "t = " << t << ": channel 1 (theta = 0 = theta_g) carries cos(0) * coh / 200 + 0.5 = 0.756; "
        << "docs/tasks.md#2af";
    EXPECT_NEAR(trial.ob(t, 2), 0.5 - 0.256, kTableTol)
        << "t = " << t << ": channel 2 (theta = pi) carries cos(pi) * coh / 200 + 0.5 = 0.244; docs/tasks.md#2af";
  }
  EXPECT_EQ(trial.ob(7, 1), 0.0) << "no stimulus in the decision period";
}

// Paper timing, t = 0..7: fixation 1 at t <= 6, stimulus 0.5 +- coh/200 at t <= 6 (correct
// channel +), everything 0 at t = 7; labels [0 x 7, g + 1].
// Graded (A8, rung 4): a trial WITH a delay (fixation 100 ms, stimulus 200 ms, delay 300 ms, decision
// 100 ms at dt = 100: steps 0 | 1-2 | 3-5 | 6).  The paper's timing has no delay, so only this case shows
// that the fixation cue stays on through it, and that the stimulus is off during it.
TEST(PerceptualDecision, FixationStaysOnThroughTheDelay) {
  PerceptualDecisionConfig c = paper_config(0.0);
  c.timing = override_timing(c.timing, {{"fixation", Timing::constant(100)},
                                        {"stimulus", Timing::constant(200)},
                                        {"delay", Timing::constant(300)},
                                        {"decision", Timing::constant(100)}});
  const PerceptualDecision task(c);
  Rng rng(11);
  const Trial trial = task.build_trial({1, 51.2}, layout_of(task.config()), rng);
  ASSERT_EQ(trial.ob.rows(), 7u) << "fixation 1 + stimulus 2 + delay 3 + decision 1 steps";
  for (std::size_t t = 0; t < 7; ++t) {
    EXPECT_EQ(trial.ob(t, 0), t < 6 ? 1.0 : 0.0)
        << "fixation channel at step t = " << t << " ("
        << (t == 0 ? "fixation" : t < 3 ? "stimulus" : t < 6 ? "delay" : "decision") << " period): expected "
        << (t < 6 ? 1 : 0) << ", got " << trial.ob(t, 0)
        << " -- 1 in fixation, stimulus AND delay, 0 only in the decision (docs/tasks.md#2af)";
    if (t >= 3) {
      EXPECT_EQ(trial.ob(t, 1), 0.0) << "stimulus channel 1 at step t = " << t << " ("
                                     << (t < 6 ? "delay" : "decision") << " period): expected 0, got "
                                     << trial.ob(t, 1) << " -- the stimulus is on in the stimulus period only";
    }
    EXPECT_EQ(trial.gt[t], t == 6 ? 2 : 0) << "label at step t = " << t << " (g = 1: g + 1 = 2 in the decision)";
  }
}

// Graded (A8, rung 6): the order of the noise draws.  Same seed, same trial as Neurogym: after the inputs,
// ONE add_randn over the stimulus channels, step by step and channel by channel within a step
// (docs/tasks.md#trial-machinery).  Replayed here from the same seed.
TEST(PerceptualDecision, NoiseIsDrawnStepByStepAcrossTheStimulusChannels) {
  const PerceptualDecision noisy(paper_config(1.0));
  const PerceptualDecision clean(paper_config(0.0));
  const TrialLayout layout = layout_of(noisy.config());
  Rng rng(21), none(0), replay(21);
  const Trial trial = noisy.build_trial({0, 12.8}, layout, rng);
  const Trial base = clean.build_trial({0, 12.8}, layout, none);
  const double sd = effective_noise_sd(1.0, noisy.config().dt);
  for (std::size_t t = 0; t < 7; ++t)
    for (std::size_t ch = 1; ch <= 2; ++ch) {
      const double want = base.ob(t, ch) + sd * replay.normal();
      if (std::fabs(trial.ob(t, ch) - want) > 1e-12) {
        ADD_FAILURE() << "channel " << ch << " at step t = " << t << ": expected " << want << ", got "
                      << trial.ob(t, ch)
                      << " -- draw the noise once, after the inputs, step by step and channel by channel "
                         "(one add_randn over all stimulus channels; docs/tasks.md#trial-machinery)";
        return;
      }
    }
}

TEST(PerceptualDecision, PaperTimingReproducesTheEightStepTable) {
  const PerceptualDecision task(paper_config(0.0));
  Rng rng(1);
  for (int g = 0; g < 2; ++g)
    for (double coh : task.config().cohs) {
      const Trial trial = task.build_trial({g, coh}, layout_of(task.config()), rng);
      ASSERT_EQ(trial.ob.rows(), 8u);
      ASSERT_EQ(trial.ob.cols(), 3u);
      for (std::size_t t = 0; t < 8; ++t) {
        const bool stim = t < 7;
        const double hi = 0.5 + coh / 200, lo = 0.5 - coh / 200;
        EXPECT_NEAR(trial.ob(t, 0), stim ? 1.0 : 0.0, kTableTol) << "t " << t;
        EXPECT_NEAR(trial.ob(t, 1), stim ? (g == 0 ? hi : lo) : 0.0, kTableTol) << "t " << t;
        EXPECT_NEAR(trial.ob(t, 2), stim ? (g == 1 ? hi : lo) : 0.0, kTableTol) << "t " << t;
        EXPECT_EQ(trial.gt[t], t == 7 ? g + 1 : 0);
      }
    }
}

// Default timing: fixation 1 step, stimulus 20, delay 0, decision 1 -> 22 steps.
TEST(PerceptualDecision, DefaultTimingGivesTwentyTwoStepsWithFixationBeforeStimulus) {
  const PerceptualDecision task(PerceptualDecisionConfig{});
  Rng rng(2);
  const Trial trial = task.build_trial({1, 51.2}, layout_of(PerceptualDecisionConfig{}), rng);
  ASSERT_EQ(trial.ob.rows(), 22u);
  EXPECT_EQ(trial.ob(0, 0), 1.0);
  EXPECT_EQ(trial.ob(0, 1), 0.0);  // no stimulus during fixation
  for (std::size_t t = 1; t <= 20; ++t) EXPECT_EQ(trial.ob(t, 0), 1.0);
  for (std::size_t c = 0; c < 3; ++c) EXPECT_EQ(trial.ob(21, c), 0.0);
  EXPECT_EQ(trial.gt[21], 2);
  EXPECT_EQ(trial.gt[20], 0);
}

// dim_ring = 3 (docs/tasks.md#2af): n_in = 1 + 3, theta_j = 2 pi j / 3 = {0, 2pi/3, 4pi/3}, and
// stim_j = cos(theta_j - theta_g) coh / 200 + 0.5 during stimulus.  cos(0) = 1 on the correct
// channel j = g; every other difference is +-2pi/3 or +-4pi/3, whose cos is -1/2.  At coh = 25.6
// (coh / 200 = 0.128): correct channel 0.5 + 0.128 = 0.628, the other two 0.5 - 0.064 = 0.436.
// Timing fixation 100 | stimulus 200 | delay 100 | decision 100 ms = steps t0 | t1 t2 | t3 | t4:
// fixation 1 at t0..t3, stimulus channels only at t1, t2, everything 0 at t4; label g + 1 at t4.
TEST(PerceptualDecision, RingOfThreeGivesTheHandComputedTable) {
  PerceptualDecisionConfig config;
  config.sigma = 0.0;
  config.dim_ring = 3;
  config.timing = override_timing(config.timing, {{"fixation", Timing::constant(100)},
                                                  {"stimulus", Timing::constant(200)},
                                                  {"delay", Timing::constant(100)},
                                                  {"decision", Timing::constant(100)}});
  const PerceptualDecision task(config);
  EXPECT_EQ(task.n_in(), 4u);
  EXPECT_EQ(task.n_actions(), 4u);
  const double H = 0.628, L = 0.436;
  // want[g][t] = [fixation, stim_1, stim_2, stim_3]
  const double want[3][5][4] = {
      {{1, 0, 0, 0}, {1, H, L, L}, {1, H, L, L}, {1, 0, 0, 0}, {0, 0, 0, 0}},
      {{1, 0, 0, 0}, {1, L, H, L}, {1, L, H, L}, {1, 0, 0, 0}, {0, 0, 0, 0}},
      {{1, 0, 0, 0}, {1, L, L, H}, {1, L, L, H}, {1, 0, 0, 0}, {0, 0, 0, 0}}};
  const int labels[3][5] = {{0, 0, 0, 0, 1}, {0, 0, 0, 0, 2}, {0, 0, 0, 0, 3}};
  Rng rng(6);
  for (int g = 0; g < 3; ++g) {
    const Trial trial = task.build_trial({g, 25.6}, layout_of(config), rng);
    ASSERT_EQ(trial.ob.rows(), 5u);
    ASSERT_EQ(trial.ob.cols(), 4u);
    for (std::size_t t = 0; t < 5; ++t) {
      for (std::size_t c = 0; c < 4; ++c)
        EXPECT_NEAR(trial.ob(t, c), want[g][t][c], kTableTol) << "g " << g << " t " << t << " ch " << c;
      EXPECT_EQ(trial.gt[t], labels[g][t]) << "g " << g << " t " << t;
    }
  }
  // Drawn trials use every one of the three labels, and only those.
  std::vector<int> seen(4, 0);
  for (int i = 0; i < 300; ++i) ++seen[static_cast<std::size_t>(task.new_trial(rng).gt[4])];
  EXPECT_EQ(seen[0], 0);
  for (int label = 1; label <= 3; ++label) EXPECT_GT(seen[static_cast<std::size_t>(label)], 0) << label;
  EXPECT_THROW(task.build_trial({3, 25.6}, layout_of(config), rng), std::invalid_argument);
}

// Graded (A8, rung 4).
TEST(PerceptualDecision, NoiseHasSdPointOneOnStimulusChannelsOnly) {
  const PerceptualDecision noisy(paper_config(1.0));
  double sum_sq = 0.0;
  long n = 0;
  Rng rng(3);
  for (int i = 0; i < 2000; ++i) {
    const Trial trial = noisy.new_trial(rng);
    for (std::size_t t = 0; t < 8; ++t) {
      EXPECT_EQ(trial.ob(t, 0), t < 7 ? 1.0 : 0.0);  // fixation channel is never noisy
      if (t == 7) {
        EXPECT_EQ(trial.ob(t, 1), 0.0);
        continue;
      }
      // The two stimulus channels sum to 1 without noise, so the sum carries the noise of both.
      const double r = trial.ob(t, 1) + trial.ob(t, 2) - 1.0;
      sum_sq += r * r;
      ++n;
    }
  }
  const double sd_per_channel = std::sqrt(sum_sq / n / 2.0);
  const double kRelTol = 0.03;  // sd estimate from 14000 pairs has relative SE ~0.6%
  EXPECT_NEAR(sd_per_channel, 0.1, kRelTol * 0.1)
      << "sigma = 1 at dt = 100 ms is a per-step sd of 0.1: use effective_noise_sd(sigma, dt); "
         "docs/tasks.md#trial-machinery";
}

TEST(PerceptualDecision, LabelAndCoherenceFollowUniformLaws) {
  const PerceptualDecision task(paper_config(1.0));
  Rng rng(4);
  std::vector<int> labels(2, 0), cohs(5, 0);
  for (int i = 0; i < kDraws; ++i) {
    const Trial trial = task.new_trial(rng);
    ++labels[static_cast<std::size_t>(trial.gt[7] - 1)];
    // coh = 200 * (stim_correct - 0.5) up to noise; the noise-free draw is what we count.
  }
  Rng rng2(5);
  for (int i = 0; i < kDraws; ++i) {
    const PerceptualDecisionConditions c = task.sample_conditions(rng2);
    for (std::size_t k = 0; k < 5; ++k)
      if (c.coh == task.config().cohs[k]) ++cohs[k];
  }
  auto chi2 = [](const std::vector<int>& v, double e) {
    double s = 0;
    for (int c : v) s += (c - e) * (c - e) / e;
    return s;
  };
  EXPECT_LT(chi2(labels, kDraws / 2.0), kChi2Df1);
  EXPECT_LT(chi2(cohs, kDraws / 5.0), kChi2Df4);
}

TEST(PerceptualDecision, SameGeneratorSeedGivesTheSameTrial) {
  const PerceptualDecision task(paper_config(1.0));
  Rng a(9), b(9);
  EXPECT_EQ(task.new_trial(a).ob, task.new_trial(b).ob);
}

TEST(PerceptualDecision, RejectsMisnamedPeriodsAndBadSettings) {
  PerceptualDecisionConfig c;
  c.timing[1].first = "stim";
  EXPECT_THROW(PerceptualDecision{c}, std::invalid_argument);
  PerceptualDecisionConfig d;
  d.dt = 0.0;
  EXPECT_THROW(PerceptualDecision{d}, std::invalid_argument);
  PerceptualDecisionConfig e;
  e.dim_ring = 1;
  EXPECT_THROW(PerceptualDecision{e}, std::invalid_argument);
  for (double bad : {-1.0, std::nan("")}) {  // every coherence finite and >= 0, the task named
    PerceptualDecisionConfig f;
    f.cohs = {0.0, bad};
    try {
      PerceptualDecision task(f);
      ADD_FAILURE() << "coherence " << bad << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).rfind("PerceptualDecision: every coherence", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace rl
