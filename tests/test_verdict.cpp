// Tests for the verdict lines of demos/toolkit/table_summary.h: a comparison with a group that has no
// finite value is undefined (never "NO", never a match), and the largest error never reads 0 when no
// run had a finite error.
#include "demos/toolkit/table_summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace rl {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

TEST(Verdict, ComparisonsOfFiniteMeans) {
  EXPECT_EQ(is_larger(2, 1), Comparison::kYes);
  EXPECT_EQ(is_larger(1, 2), Comparison::kNo);
  EXPECT_EQ(is_smaller(1, 2), Comparison::kYes);
  EXPECT_EQ(is_smaller(2, 2), Comparison::kNo);
}

TEST(Verdict, ComparisonWithANonFiniteMeanIsUndefined) {
  for (double bad : {kNan, std::numeric_limits<double>::infinity()}) {
    EXPECT_EQ(is_larger(bad, 1), Comparison::kUndefined);
    EXPECT_EQ(is_larger(1, bad), Comparison::kUndefined);
    EXPECT_EQ(is_smaller(bad, 1), Comparison::kUndefined);
  }
  EXPECT_STREQ(yes_no(Comparison::kUndefined), "undefined");
  EXPECT_STREQ(yes_no(Comparison::kNo), "NO");
}

TEST(Verdict, PaperVerdictIsUndefinedWhenAnyCheckIs) {
  EXPECT_EQ(paper_verdict({Comparison::kYes, Comparison::kYes}, "Fig. 1"), "matches the paper (Fig. 1)");
  EXPECT_EQ(paper_verdict({Comparison::kYes, Comparison::kNo}, "Fig. 1"), "differs from the paper");
  EXPECT_EQ(paper_verdict({Comparison::kNo, Comparison::kUndefined}, "Fig. 1"),
            "undefined (a compared group has no finite value, or most of its runs failed)");
  // every run of the low rank diverged: its mean dW, RA, KA are NaN
  const double lo = kNan, hi = 0.5;
  EXPECT_EQ(paper_verdict({is_larger(lo, hi), is_smaller(lo, hi), is_smaller(lo, hi)}, "Fig. 4B"),
            "undefined (a compared group has no finite value, or most of its runs failed)");
}

// Fig. 2's SONET-chain start at equal Frobenius norm: 7 of 10 runs diverged (one also silent), so its
// median is that of 3 survivors; the comparison must be undefined, not "richer".  Half failed is
// still a group (5 of 10); a run counted in both columns is one failed run.
TEST(Verdict, ComparisonWithAMostlyFailedGroupIsUndefined) {
  const GroupHealth sonet = group_health({1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(sonet.runs, 10u);
  EXPECT_EQ(sonet.failed, 7u);
  EXPECT_TRUE(sonet.mostly_failed());
  const GroupHealth gaussian = group_health({0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {});
  EXPECT_FALSE(gaussian.mostly_failed());
  EXPECT_EQ(unless_mostly_failed(Comparison::kYes, {sonet, gaussian}), Comparison::kUndefined);
  EXPECT_EQ(unless_mostly_failed(Comparison::kNo, {gaussian, sonet}), Comparison::kUndefined);
  EXPECT_EQ(unless_mostly_failed(Comparison::kYes, {gaussian, gaussian}), Comparison::kYes);
  const GroupHealth half = group_health({1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 1, 0, 0, 0, 0, 0});
  EXPECT_EQ(half.failed, 5u);
  EXPECT_FALSE(half.mostly_failed());
  EXPECT_TRUE(GroupHealth{}.mostly_failed());  // no runs: nothing to compare
}

// The headline of Fig. 1 and 4B on a hand-made table: rank 1 (rows 0-2) against rank 300 (rows 3-5).
// Rank 1 richer on every measure -> yes, yes, yes; then two of rank 1's three runs marked diverged
// (their values left as they were) -> every check undefined, whatever the means say.
// Six runs (dW, RA, KA, diverged, silent): rows 0-2 the lower rank, rows 3-5 the higher.
ResultTable six_runs(std::vector<std::vector<std::string>> rows) {
  ResultTable t;
  t.header = {"weight_change", "representation_alignment", "kernel_alignment", "diverged", "silent"};
  t.rows = std::move(rows);
  return t;
}
const std::vector<std::size_t> lo = {0, 1, 2}, hi = {3, 4, 5};

TEST(Verdict, RichLazyChecksFollowTheMeansUnlessMostRunsFailed) {
  ResultTable t = six_runs({{"3", "0.5", "0.2", "0", "0"}, {"4", "0.6", "0.3", "0", "0"},
                            {"5", "0.4", "0.1", "0", "0"}, {"1", "0.9", "0.8", "0", "0"},
                            {"1", "0.95", "0.7", "0", "0"}, {"2", "0.9", "0.9", "0", "0"}});
  const RichLazyChecks rich = rich_lazy_checks(t, lo, hi);
  EXPECT_EQ(rich.larger_dw, Comparison::kYes);
  EXPECT_EQ(rich.lower_ra, Comparison::kYes);
  EXPECT_EQ(rich.lower_ka, Comparison::kYes);
  const RichLazyChecks lazy = rich_lazy_checks(t, hi, lo);  // the groups swapped: every check NO
  EXPECT_EQ(lazy.larger_dw, Comparison::kNo);
  EXPECT_EQ(lazy.lower_ka, Comparison::kNo);
  t.rows[0][3] = "1";
  t.rows[1][4] = "1";  // one diverged, one silent: 2 of 3 failed
  const RichLazyChecks failed = rich_lazy_checks(t, lo, hi);
  EXPECT_EQ(failed.larger_dw, Comparison::kUndefined);
  EXPECT_EQ(failed.lower_ra, Comparison::kUndefined);
  EXPECT_EQ(failed.lower_ka, Comparison::kUndefined);
}

// A run that diverged before its weights overflowed to inf leaves a finite but meaningless dW (1e252
// in the stable-regime record): values_of reads it as NaN, so one such run of ten neither decides the
// mean nor draws a dot, while the flags themselves read as written.
TEST(Verdict, ADivergedRunsHugeFiniteWeightChangeIsNoMeasurement) {
  const ResultTable t = six_runs({{"1e252", "0.5", "0.2", "1", "1"}, {"1", "0.6", "0.3", "0", "0"},
                                  {"1", "0.4", "0.1", "0", "0"}, {"2", "0.9", "0.8", "0", "0"},
                                  {"2", "0.95", "0.7", "0", "0"}, {"2", "0.9", "0.9", "0", "0"}});
  const std::vector<double> dW = values_of(t, lo, "weight_change");
  EXPECT_TRUE(std::isnan(dW[0])) << "the diverged run's dW, " << dW[0];
  EXPECT_EQ(dW[1], 1.0);
  EXPECT_EQ(values_of(t, lo, "diverged"), (std::vector<double>{1, 0, 0}));
  EXPECT_EQ(values_of(t, lo, "silent"), (std::vector<double>{1, 0, 0}));
  EXPECT_EQ(rich_lazy_checks(t, lo, hi).larger_dw, Comparison::kNo) << "1 and 1 against 2, 2 and 2";
  EXPECT_EQ(mean_sd(dW, 1), "1.0 ± 0.0 (1 nan)");
}

TEST(Verdict, LargestErrorSkipsAndCountsNonFiniteErrors) {
  LargestError worst;
  worst.add(-3e-4);
  worst.add(kNan);
  worst.add(1e-4);
  worst.leave_out();
  EXPECT_EQ(worst.value(), 3e-4);
  EXPECT_EQ(worst.text(), "3.000e-04 (2 runs without a finite value left out)");
  LargestError clean;
  clean.add(2e-5);
  EXPECT_EQ(clean.text(), "2.000e-05");
  clean.leave_out();
  EXPECT_EQ(clean.text(), "2.000e-05 (1 run without a finite value left out)");
}

TEST(Verdict, LargestErrorWithoutAFiniteErrorIsUndefinedNotZero) {
  LargestError worst;
  worst.add(kNan);
  worst.add(kNan);
  worst.leave_out();
  EXPECT_TRUE(std::isnan(worst.value()));
  EXPECT_EQ(worst.text(), "undefined (no run has a finite value; 3 left out)");
  EXPECT_EQ(LargestError().text(), "undefined (no run has a finite value; 0 left out)");
}

}  // namespace
}  // namespace rl
