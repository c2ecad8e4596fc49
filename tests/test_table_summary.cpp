// Tests for demos/toolkit/table_summary: summaries of a sweep with diverged runs, and grouping its rows by setting.
#include "demos/toolkit/table_summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <tuple>

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

// group_rows_by: rows with equal keys share a group, groups keep the order of first appearance.
TEST(GroupRowsBy, GroupsEqualSettingsInOrderOfFirstAppearance) {
  ResultTable t;
  t.header = {"task", "rank"};
  t.rows = {{"dms", "30"}, {"2af", "1"}, {"dms", "30"}, {"2af", "30"}, {"2af", "1"}};
  struct Group {
    std::string task;
    double rank = 0;
    std::vector<std::size_t> rows;
    auto key() const { return std::tie(task, rank); }
  };
  const auto groups =
      group_rows_by<Group>(t, [&](std::size_t i) { return Group{t.cell(i, "task"), t.number(i, "rank"), {}}; });
  ASSERT_EQ(groups.size(), 3u) << "three settings: (dms, 30), (2af, 1), (2af, 30)";
  EXPECT_EQ(groups[0].task, "dms");
  EXPECT_EQ(groups[0].rows, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(groups[1].task, "2af");
  EXPECT_EQ(groups[1].rank, 1.0);
  EXPECT_EQ(groups[1].rows, (std::vector<std::size_t>{1, 4}));
  EXPECT_EQ(groups[2].rows, (std::vector<std::size_t>{3}));
}

TEST(DistinctValues, KeepsTheOrderOfFirstAppearance) {
  struct G {
    std::string task;
    double gain;
  };
  const std::vector<G> groups = {{"dms", 1.5}, {"2af", 1.0}, {"dms", 1.0}, {"cxt", 1.5}, {"2af", 1.5}};
  EXPECT_EQ(distinct_values(groups, [](const G& g) { return g.task; }),
            (std::vector<std::string>{"dms", "2af", "cxt"}));
  EXPECT_EQ(distinct_values(groups, [](const G& g) { return g.gain; }), (std::vector<double>{1.5, 1.0}));
}

}  // namespace
}  // namespace rl
