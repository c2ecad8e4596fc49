// Paired-seed counts (demos/toolkit/paired_count.h): how a pair is classified, the text the
// reproduction tables quote, and the sign test's decision, with ties kept out of the test.
#include "demos/toolkit/paired_count.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace rl {
namespace {

PairedCount counted(std::size_t wins, std::size_t losses, std::size_t ties = 0, std::size_t undefined = 0) {
  PairedCount c;
  c.wins = wins;
  c.losses = losses;
  c.ties = ties;
  c.undefined = undefined;
  return c;
}

TEST(PairedCount, ClassifiesEachPairByItsDirection) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  PairedCount lower;
  count_pair(lower, 0.1, 0.2, true, false);      // win: strictly lower
  count_pair(lower, 0.3, 0.2, true, false);      // loss
  count_pair(lower, 0.2, 0.2, true, false);      // tie
  count_pair(lower, nan, 0.2, true, false);      // undefined: not finite
  count_pair(lower, 0.1, INFINITY, true, false);  // undefined: not finite
  count_pair(lower, 0.1, 0.2, true, true);       // undefined: a failed run, however good its value
  EXPECT_EQ(lower.wins, 1u);
  EXPECT_EQ(lower.losses, 1u);
  EXPECT_EQ(lower.ties, 1u);
  EXPECT_EQ(lower.undefined, 3u);
  EXPECT_EQ(lower.defined(), 3u);
  PairedCount higher;
  count_pair(higher, 0.3, 0.2, false, false);
  count_pair(higher, 0.1, 0.2, false, false);
  EXPECT_EQ(higher.wins, 1u);
  EXPECT_EQ(higher.losses, 1u);
}

TEST(PairedCount, TextIsWinsOfDefinedPairsThenUndefinedThenTheTest) {
  EXPECT_EQ(paired_count_text(counted(7, 3), false), "7/10");
  EXPECT_EQ(paired_count_text(counted(1, 1, 0, 1), false), "1/2 (+1 undefined)");
  EXPECT_EQ(paired_count_text(counted(8, 0), true), "8/8 p 0.0078");
  EXPECT_EQ(paired_count_text(counted(2, 0, 1), true), "2/3 p 0.5 (1 tied)");
  EXPECT_EQ(paired_count_text(counted(0, 0, 6), true), "0/6 p 1 (6 tied)");
}

// 8 / 8 and 0 / 8 decide (p = 0.0078), 7 / 8 does not (0.070), 7 / 7 does (0.016): a pair that is
// undefined or tied is no evidence either way, and six tied pairs are not six losses.
TEST(PairedCount, VerdictIsTheSignTestOfWinsAgainstLosses) {
  EXPECT_EQ(paired_verdict(counted(8, 0)), PairedVerdict::kComparedWins);
  EXPECT_EQ(paired_verdict(counted(0, 8)), PairedVerdict::kAgainstWins);
  EXPECT_EQ(paired_verdict(counted(7, 1)), PairedVerdict::kUndecided);
  EXPECT_EQ(paired_verdict(counted(7, 0, 0, 1)), PairedVerdict::kComparedWins);
  EXPECT_EQ(paired_verdict(counted(7, 0, 1)), PairedVerdict::kComparedWins) << "a tie leaves 7 / 7";
  EXPECT_EQ(paired_verdict(counted(0, 0, 6)), PairedVerdict::kUndecided) << "all tied";
  EXPECT_EQ(paired_verdict(counted(0, 0)), PairedVerdict::kUndecided) << "no pair";
  EXPECT_NEAR(counted(7, 0, 1).sign_test_p(), 2.0 / 128, 1e-15);
}

}  // namespace
}  // namespace rl
