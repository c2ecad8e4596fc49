#include "demos/toolkit/table_summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace rl {
namespace {

constexpr double kTol = 1e-14;  // hand-computed values below are exact up to a few roundings

// Type-7 quartiles of 1..9, 100 (hand computed, h = (n - 1) p, n = 10):
//   q1: h = 2.25 -> 3 + 0.25 (4 - 3) = 3.25;  median: h = 4.5 -> 5.5;  q3: h = 6.75 -> 7.75.
//   IQR = 4.5, fences 3.25 - 6.75 = -3.5 and 7.75 + 6.75 = 14.5: whiskers 1 and 9, outlier 100.
TEST(BoxStats, MatchesHandComputedTukeyBox) {
  const std::vector<double> v = {7, 1, 100, 3, 5, 2, 9, 4, 8, 6, NAN, INFINITY};
  const BoxStats b = box_stats(v);
  EXPECT_NEAR(b.q1, 3.25, kTol);
  EXPECT_NEAR(b.median, 5.5, kTol);
  EXPECT_NEAR(b.q3, 7.75, kTol);
  EXPECT_EQ(b.whisker_low, 1.0);
  EXPECT_EQ(b.whisker_high, 9.0);
  EXPECT_EQ(b.outliers, std::vector<double>{100.0});
  EXPECT_EQ(b.n, 10u);
}

// {-20, 1, 2, 3, 4}: q1 = 1, median = 2, q3 = 3, IQR 2, fences -2 and 6: low outlier -20,
// whiskers at the data points 1 and 4 (not at the fences).
TEST(BoxStats, LowOutlierAndWhiskersAtDataPoints) {
  const BoxStats b = box_stats({4, 3, -20, 2, 1});
  EXPECT_EQ(b.q1, 1.0);
  EXPECT_EQ(b.median, 2.0);
  EXPECT_EQ(b.q3, 3.0);
  EXPECT_EQ(b.whisker_low, 1.0);
  EXPECT_EQ(b.whisker_high, 4.0);
  EXPECT_EQ(b.outliers, std::vector<double>{-20.0});
}

TEST(BoxStats, SingleValueIsADegenerateBox) {
  const BoxStats b = box_stats({2.5});
  EXPECT_EQ(b.q1, 2.5);
  EXPECT_EQ(b.q3, 2.5);
  EXPECT_EQ(b.whisker_low, 2.5);
  EXPECT_TRUE(b.outliers.empty());
}

TEST(Stats, AllNonFiniteIsAnError) {
  EXPECT_THROW(box_stats({NAN, INFINITY}), std::invalid_argument);
  EXPECT_THROW(sample_mean({}), std::invalid_argument);
  EXPECT_THROW(mean_spread({NAN}, ErrorBar::kSd), std::invalid_argument);
  EXPECT_THROW(quantile({1.0}, 1.5), std::invalid_argument);
}

// {1, 2, 3, 4}: mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, sd = sqrt(5 / 3),
// sem = sd / sqrt(4).
TEST(MeanSpread, SdAndSemOnHandComputedData) {
  const std::vector<double> v = {4, NAN, 1, 3, 2};
  const MeanSpread sd = mean_spread(v, ErrorBar::kSd);
  const MeanSpread sem = mean_spread(v, ErrorBar::kSem);
  EXPECT_NEAR(sd.mean, 2.5, kTol);
  EXPECT_NEAR(sd.spread, std::sqrt(5.0 / 3.0), kTol);
  EXPECT_NEAR(sem.spread, std::sqrt(5.0 / 3.0) / 2.0, kTol);
  EXPECT_EQ(sd.n, 4u);
  EXPECT_STREQ(error_bar_name(ErrorBar::kSem), "sem");
  EXPECT_EQ(sample_sd({3.0}), 0.0);
}

TEST(Quantile, EndpointsAreMinAndMax) {
  const std::vector<double> v = {5, -1, 3};
  EXPECT_EQ(quantile(v, 0.0), -1.0);
  EXPECT_EQ(quantile(v, 1.0), 5.0);
  EXPECT_EQ(quantile(v, 0.5), 3.0);
  EXPECT_EQ(count_non_finite({1.0, NAN, -INFINITY}), 2u);
}

}  // namespace
}  // namespace rl
