// Tests for tasks/timing: duration draws, flooring to dt, back-to-back layout, and errors.
#include "tasks/timing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace rl {
namespace {

// Draws per statistical test; with a fixed seed the checks are deterministic, and the bounds
// below would fail a correct sampler with probability about 1e-3 for a random seed.
constexpr int kDraws = 20000;
// 99.9% quantiles of chi-square with df degrees of freedom.
constexpr double kChi2Df2 = 13.82, kChi2Df3 = 16.27;

double chi_square(const std::vector<int>& counts, double expected_each) {
  double chi2 = 0.0;
  for (int c : counts) chi2 += (c - expected_each) * (c - expected_each) / expected_each;
  return chi2;
}

TEST(Timing, ConstantIsFlooredToMultipleOfDt) {
  Rng rng(1);
  const TrialLayout layout = sample_layout({{"stimulus", Timing::constant(750)}}, 100.0, rng);
  EXPECT_EQ(layout.T, 7u);  // docs/tasks.md#cxt: the 750 ms CXT stimulus is 700 ms = 7 steps
  EXPECT_EQ(duration_steps(99.999, 100.0), 0u);
  EXPECT_EQ(duration_steps(100.0, 100.0), 1u);
  EXPECT_EQ(duration_steps(2000.0, 100.0), 20u);
}

TEST(Timing, PeriodsAreLaidBackToBackAsHalfOpenStepRanges) {
  Rng rng(2);
  const TrialLayout layout = sample_layout({{"fixation", Timing::constant(300)},
                                            {"sample", Timing::constant(500)},
                                            {"delay", Timing::constant(1000)},
                                            {"test", Timing::constant(500)},
                                            {"decision", Timing::constant(900)}},
                                           100.0, rng);
  ASSERT_EQ(layout.T, 32u);  // DMS default
  const std::vector<std::pair<std::size_t, std::size_t>> expected = {
      {0, 3}, {3, 8}, {8, 18}, {18, 23}, {23, 32}};
  for (std::size_t p = 0; p < expected.size(); ++p) {
    EXPECT_EQ(layout.periods[p].start, expected[p].first) << layout.periods[p].name;
    EXPECT_EQ(layout.periods[p].end, expected[p].second) << layout.periods[p].name;
  }
  EXPECT_EQ(layout.period("test").start, 18u);
}

TEST(Timing, ZeroDurationPeriodIsEmpty) {
  Rng rng(3);
  const TrialLayout layout = sample_layout(
      {{"fixation", Timing::constant(0)}, {"stimulus", Timing::constant(700)}}, 100.0, rng);
  EXPECT_EQ(layout.period("fixation").start, layout.period("fixation").end);
  EXPECT_EQ(layout.period("stimulus").start, 0u);
  EXPECT_EQ(layout.T, 7u);
}

TEST(Timing, ListAndChoicePickEachOptionUniformly) {
  for (const Timing& timing : {Timing::list({100, 200, 300, 400}), Timing::choice({100, 200, 300, 400})}) {
    Rng rng(4);
    std::vector<int> counts(4, 0);
    for (int i = 0; i < kDraws; ++i) {
      const double v = sample_duration_ms(timing, rng);
      const int k = static_cast<int>(v / 100) - 1;
      ASSERT_GE(k, 0);
      ASSERT_LT(k, 4);
      ++counts[static_cast<std::size_t>(k)];
    }
    EXPECT_LT(chi_square(counts, kDraws / 4.0), kChi2Df3);
  }
}

TEST(Timing, UniformDrawsFillItsRangeEvenly) {
  Rng rng(5);
  std::vector<int> thirds(3, 0);
  for (int i = 0; i < kDraws; ++i) {
    const double v = sample_duration_ms(Timing::uniform(300, 600), rng);
    ASSERT_GE(v, 300.0);
    ASSERT_LT(v, 600.0);
    ++thirds[static_cast<std::size_t>((v - 300) / 100)];
  }
  EXPECT_LT(chi_square(thirds, kDraws / 3.0), kChi2Df2);
}

// For X ~ Exp(mean m) conditioned on a <= X < b:
//   E[X] = m + (a e^{-a/m} - b e^{-b/m}) / (e^{-a/m} - e^{-b/m}).
TEST(Timing, TruncatedExponentialStaysInHalfOpenRangeWithTheConditionalMean) {
  const double m = 600, a = 300, b = 3000;
  const double ea = std::exp(-a / m), eb = std::exp(-b / m);
  const double mean = m + (a * ea - b * eb) / (ea - eb);
  Rng rng(6);
  double sum = 0.0, sum_sq = 0.0;
  for (int i = 0; i < kDraws; ++i) {
    const double v = sample_duration_ms(Timing::truncated_exponential(m, a, b), rng);
    ASSERT_GE(v, a);
    ASSERT_LT(v, b);
    sum += v;
    sum_sq += v * v;
  }
  const double sample_mean = sum / kDraws;
  const double sd = std::sqrt(sum_sq / kDraws - sample_mean * sample_mean);
  const double kStandardErrors = 4.0;  // a correct sampler fails this with probability ~6e-5
  EXPECT_NEAR(sample_mean, mean, kStandardErrors * sd / std::sqrt(kDraws));
}

TEST(Timing, OverrideReplacesNamedPeriodsOnly) {
  const TimingTable base = {{"a", Timing::constant(100)}, {"b", Timing::constant(200)}};
  const TimingTable out = override_timing(base, {{"b", Timing::constant(700)}});
  EXPECT_EQ(out[0].second.params[0], 100.0);
  EXPECT_EQ(out[1].second.params[0], 700.0);
}

template <class F>
void expect_invalid_argument_mentioning(F f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one mentioning '" << fragment << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Timing, InvalidTimingsRaiseErrorsNamingThePeriodAndProblem) {
  Rng rng(7);
  auto layout_of = [&rng](const Timing& t, double dt = 100.0) {
    return [&rng, t, dt] { sample_layout({{"delay", t}}, dt, rng); };
  };
  expect_invalid_argument_mentioning(layout_of(Timing::constant(-1)), "delay");
  expect_invalid_argument_mentioning(layout_of(Timing::constant(NAN)), "finite");
  expect_invalid_argument_mentioning(layout_of(Timing::list({})), "empty");
  expect_invalid_argument_mentioning(layout_of(Timing::list({100, -5})), "choice option");
  expect_invalid_argument_mentioning(layout_of(Timing::uniform(500, 300)), "lo > hi");
  expect_invalid_argument_mentioning(layout_of(Timing::truncated_exponential(600, 3000, 300)), "vmin < vmax");
  expect_invalid_argument_mentioning(layout_of(Timing::truncated_exponential(600, 300, 300)), "vmin < vmax");
  expect_invalid_argument_mentioning(layout_of(Timing::truncated_exponential(0, 300, 3000)), "mean");
  expect_invalid_argument_mentioning(layout_of(Timing::constant(100), 0.0), "dt");
  expect_invalid_argument_mentioning(layout_of(Timing::constant(100), -100.0), "dt");
  expect_invalid_argument_mentioning(
      [] { override_timing({{"stimulus", Timing::constant(1)}}, {{"stimuls", Timing::constant(1)}}); },
      "unknown period 'stimuls'");
  expect_invalid_argument_mentioning(
      [&rng] { sample_layout({{"stimulus", Timing::constant(100)}}, 100.0, rng).period("delay"); },
      "unknown period 'delay'");
  expect_invalid_argument_mentioning(
      [] { require_period_names({{"stimulus", Timing::constant(1)}}, {"fixation", "stimulus"}, "Task"); },
      "Task");
}

}  // namespace
}  // namespace rl
