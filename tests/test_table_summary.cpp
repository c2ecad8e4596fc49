// Tests for demos/toolkit/table_summary: summaries of a sweep with diverged runs (issue 15, defect 2).
#include "demos/toolkit/table_summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace rl {
namespace {

const double kNan = std::nan("");
const double kInf = std::numeric_limits<double>::infinity();

TEST(MeanSd, FiniteValuesReadAsBefore) {
  EXPECT_EQ(mean_sd({0.9, 0.95, 0.85}, 3), "0.900 ± 0.050");
}

TEST(MeanSd, NonFiniteValuesAreExcludedAndCounted) {
  EXPECT_EQ(mean_sd({0.9, kNan, 0.95, 0.85}, 3), "0.900 ± 0.050 (1 nan)");
  EXPECT_EQ(mean_sd({kInf, 1.0, -kInf}, 2), "1.00 ± 0.00 (2 nan)");
}

TEST(MeanSd, EveryValueNonFiniteGivesNanWithTheCountNotAnException) {
  EXPECT_EQ(mean_sd({kNan, kNan}, 3), "nan (2 nan)");
}

TEST(MeanSd, ABlownUpMagnitudeIsWrittenInExponentForm) {
  EXPECT_EQ(mean_sd({2e62, 2e62}, 3), "2.000e+62 ± 0.000e+00");
}

TEST(MeanOrNan, IsTheFiniteMeanOrNan) {
  EXPECT_EQ(mean_or_nan({1.0, kNan, 3.0}), 2.0);
  EXPECT_TRUE(std::isnan(mean_or_nan({kNan, kInf})));
  EXPECT_TRUE(std::isnan(mean_or_nan({})));
}

}  // namespace
}  // namespace rl
