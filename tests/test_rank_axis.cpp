// Tests for demos/toolkit/rank_axis: the --ranks list (defaults, bounds, the exit-2 message) and the
// measure-against-rank panel, which must draw exactly what the figure programs drew by hand before
// (a jittered dot per run, then the mean ± sd line), so their figures stay byte-identical; and the
// "wrote ..." line of demos/toolkit/runner.h (report_outputs) that now skips an optional output not written.
#include "demos/toolkit/rank_axis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "demos/toolkit/manifest.h"
#include "demos/toolkit/runner.h"
#include "demos/toolkit/table_summary.h"
#include "tests/connectivity_test_helpers.h"

namespace rl {
namespace {

Cli ranks_cli() {
  Cli cli("fig_test", "test program");
  cli.add_int_list("ranks", {}, "initial connectivity ranks", 0, 1000000);
  return cli;
}

TEST(RankAxis, RanksFlagTakesTheDefaultsOnlyWhenNoneAreGiven) {
  Cli none = ranks_cli();
  ASSERT_TRUE(none.parse(std::vector<std::string>{}));
  EXPECT_EQ(ranks_flag(none, 300, "N", {1, 30, 300}), (std::vector<std::int64_t>{1, 30, 300}));
  Cli given = ranks_cli();
  ASSERT_TRUE(given.parse(std::vector<std::string>{"--ranks", "5,300"}));
  EXPECT_EQ(ranks_flag(given, 300, "N", {1, 30, 300}), (std::vector<std::int64_t>{5, 300}))
      << "the given list, its largest rank equal to the bound";
}

TEST(RankAxis, RanksFlagRefusesARankOutsideOneToTheBoundNamingIt) {
  for (const char* bad : {"0,5", "5,301"}) {
    Cli cli = ranks_cli();
    ASSERT_TRUE(cli.parse(std::vector<std::string>{"--ranks", bad}));
    try {
      ranks_flag(cli, 300, "min(N, 784)");
      ADD_FAILURE() << "--ranks " << bad << " was accepted with a bound of 300";
    } catch (const CliError& e) {
      const std::string want = std::string("--ranks: rank ") + (bad[0] == '0' ? "0" : "301") +
                               " outside [1, min(N, 784) = 300]";
      EXPECT_EQ(std::string(e.what()), want);
    }
  }
}

struct Group {
  std::string task;
  double rank = 0;
  std::vector<std::size_t> rows;
  auto key() const { return std::tie(task, rank); }
};

TEST(RankAxis, RankSeriesTakesTheChosenGroupsValuesInOrder) {
  ResultTable t;
  t.header = {"task", "rank", "dW"};
  t.rows = {{"2af", "1", "0.9"}, {"dms", "1", "2"}, {"2af", "30", "0.5"}, {"2af", "1", "0.7"}};
  const auto groups =
      group_rows_by<Group>(t, [&](std::size_t i) { return Group{t.cell(i, "task"), t.number(i, "rank"), {}}; });
  const auto series = rank_series(t, groups, [](const Group& g) { return g.task == "2af"; }, "dW");
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].rank, 1.0);
  EXPECT_EQ(series[0].values, (std::vector<double>{0.9, 0.7}));
  EXPECT_EQ(series[1].rank, 30.0);
  EXPECT_EQ(series[1].values, (std::vector<double>{0.5}));
}

// plot_by_rank against the loop every figure program used to write out: the same SVG, byte for byte.
TEST(RankAxis, PlotByRankDrawsWhatTheProgramsDrewByHand) {
  const std::vector<RankSamples> series = {{1, {0.9, 0.7, 0.8}}, {30, {0.5, 0.6}}, {300, {0.4}}};
  Figure helper(1, 1, "t"), by_hand(1, 1, "t");
  Rng jitter_a(7), jitter_b(7);
  plot_by_rank(helper.panel(0, 0), "one run", "mean", series, jitter_a);
  std::vector<double> x, y, ranks;
  std::vector<std::vector<double>> samples;
  for (const RankSamples& s : series) {
    for (double v : s.values) x.push_back(s.rank), y.push_back(v);
    ranks.push_back(s.rank);
    samples.push_back(s.values);
  }
  by_hand.panel(0, 0).scatter("one run", x, y, 5.0, jitter_b);
  by_hand.panel(0, 0).line_error("mean", ranks, samples, ErrorBar::kSd);
  EXPECT_EQ(helper.to_svg(), by_hand.to_svg()) << "demos/toolkit/rank_axis.cpp: plot_by_rank";
  EXPECT_EQ(jitter_a.next_u64(), jitter_b.next_u64()) << "the same number of jitter draws";
}

// report_outputs skips an empty entry (an optional figure that was not written), so a program can
// list `plotted ? evolution : ""` in place; the manifest is written either way.
TEST(SweepTail, ReportOutputsSkipsEmptyEntries) {
  testing::TempDir dir("report");
  Cli cli("fig_test", "test program");
  cli.add_common();
  ASSERT_TRUE(cli.parse(std::vector<std::string>{"--out", dir.str()}));
  const RunManifest manifest = start_manifest(cli);
  ::testing::internal::CaptureStdout();
  report_outputs(cli, manifest, {"a.csv", "", "b.svg", manifest_path(cli)});
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "wrote a.csv, b.svg, " + manifest_path(cli) + "\n");
  EXPECT_TRUE(std::filesystem::exists(manifest_path(cli)));
}

}  // namespace
}  // namespace rl

namespace rl {
namespace {

// The dots and the mean line of plot_by_rank draw the same runs: a run with no value is one value not
// shown, not one for the dots and one for the mean (demos/toolkit/svg_plot.h, skipped_non_finite).
TEST(RankAxis, APanelNotesEachMissingRunOnce) {
  Figure fig(1, 2, "missing runs");
  Rng jitter(1);
  const double nan = std::nan("");
  const std::vector<RankSamples> runs = {{5, {1.0, nan, 2.0, nan}}, {300, {0.5, 0.6, 0.7, 0.8}}};
  plot_by_rank(fig.panel(0, 0), "g = 1.25", runs, jitter);             // one label (Fig. 1)
  plot_by_rank(fig.panel(0, 1), "one run", "mean", runs, jitter);      // two labels (Fig. 4B)
  const std::string svg = fig.to_svg();
  std::size_t notes = 0;
  for (std::size_t at = svg.find("note: 2 non-finite value(s) not shown"); at != std::string::npos;
       at = svg.find("note: 2 non-finite value(s) not shown", at + 1))
    ++notes;
  EXPECT_EQ(notes, 2u) << "each panel should note its 2 missing runs once";
}

}  // namespace
}  // namespace rl
