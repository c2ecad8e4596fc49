// Tests for demos/toolkit/evolution: the per-run measure log (exact round trip through the CSV) and the
// evolution figure (one panel per measure and row key, one line per line key, nothing when a log is
// missing).
#include "demos/toolkit/evolution.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/csv.h"

namespace rl {
namespace {

class Evolution : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "rl_evolution_" + std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
    make_dirs(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A log like a training run's: the loss at every step, KA from step 10 on (first appearance order).
  static Recorder log_of(double offset) {
    Recorder log(10);
    for (std::size_t step : {10u, 20u, 30u}) {
      log.record(step, "loss", 1.0 / static_cast<double>(step) + offset);
      log.record(step, "kernel_alignment", 1.0 - offset * static_cast<double>(step));
    }
    return log;
  }

  std::string dir_;
};

TEST_F(Evolution, MeasureLogReadsBackBitForBit) {
  const RunSpec spec = make_sweep({sweep_axis("rank", std::vector<std::int64_t>{30})}, {4}).front();
  const Recorder log = log_of(0.1);
  write_measure_log(log, measure_log_path(dir_, spec));
  EXPECT_EQ(measure_log_path(dir_, spec), dir_ + "/" + spec.file_stem() + "_log.csv");
  const ResultTable t = read_result_csv(measure_log_path(dir_, spec));
  EXPECT_EQ(t.header, (std::vector<std::string>{"step", "loss", "kernel_alignment"}));
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.numbers("step"), (std::vector<double>{10, 20, 30}));
  EXPECT_EQ(t.number(1, "loss"), 1.0 / 20.0 + 0.1);  // %.17g: the same double
  EXPECT_EQ(t.number(2, "kernel_alignment"), 1.0 - 0.1 * 30.0);
}

TEST_F(Evolution, OneLinePerKeyInSweepOrderAndNothingWhenALogIsMissing) {
  // 2 tasks x 2 ranks x 3 seeds; lines are ranks (30 before 100: sweep order, not string order).
  const auto runs = make_sweep({sweep_axis("task", std::vector<std::string>{"2af", "dms"}),
                                sweep_axis("rank", std::vector<std::int64_t>{30, 100})},
                               {1, 2, 3});
  const std::string svg = dir_ + "/evolution.svg";
  auto row_of = [](const RunSpec& r) { return r.param("task"); };
  auto line_of = [](const RunSpec& r) { return "rank " + r.param("rank"); };
  for (std::size_t k = 0; k + 1 < runs.size(); ++k)
    write_measure_log(log_of(0.01 * static_cast<double>(k)), measure_log_path(dir_, runs[k]));
  EXPECT_FALSE(plot_evolution(runs, dir_, row_of, line_of, svg, "title"));  // the last run has no log
  EXPECT_FALSE(file_exists(svg));

  write_measure_log(log_of(0.5), measure_log_path(dir_, runs.back()));
  ASSERT_TRUE(plot_evolution(runs, dir_, row_of, line_of, svg, "evolution <test>"));
  const std::string text = read_text_file(svg);
  // 2 rows (tasks) x 2 panels (measures), 2 lines (ranks) each: 8 polylines.
  std::size_t lines = 0;
  for (std::size_t at = text.find("<polyline class=\"line\""); at != std::string::npos;
       at = text.find("<polyline class=\"line\"", at + 1))
    ++lines;
  EXPECT_EQ(lines, 8u);
  for (const char* title : {"2af: loss", "2af: kernel_alignment", "dms: loss", "dms: kernel_alignment"})
    EXPECT_NE(text.find(title), std::string::npos) << title;
  EXPECT_LT(text.find("rank 30"), text.find("rank 100"));  // legend in sweep order
  EXPECT_NE(text.find("evolution &lt;test&gt;"), std::string::npos);
}

}  // namespace
}  // namespace rl
