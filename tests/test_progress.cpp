#include "demos/toolkit/runner.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <vector>

namespace rl {
namespace {

TEST(Progress, LineShowsDoneTotalElapsedAndEta) {
  // 30 of 120 done in 12 s: 12 / 30 s per run, 90 left -> ETA 36 s.
  EXPECT_EQ(Progress::format_line("fig1 runs", 30, 120, 12.0), "fig1 runs 30/120 (25%) elapsed 0:12 ETA 0:36");
  EXPECT_EQ(Progress::format_line("x", 0, 10, 3.0), "x 0/10 (0%) elapsed 0:03 ETA ?");
  EXPECT_EQ(Progress::format_line("x", 2, 3, 6.0), "x 2/3 (66%) elapsed 0:06 ETA 0:03");  // floored, not 67%
  EXPECT_EQ(Progress::format_duration(3725.0), "1:02:05");
  EXPECT_EQ(Progress::format_duration(59.6), "1:00");
}

TEST(Progress, QuietWhenNotATerminalApartFromTheSummary) {
  std::ostringstream out;
  {
    Progress p("runs", 4, out, /*interactive=*/false);
    for (int i = 0; i < 4; ++i) p.tick();
    EXPECT_EQ(out.str(), "");
  }  // destructor prints the summary
  EXPECT_EQ(out.str().rfind("runs 4/4 done in 0:00\n", 0), 0u) << out.str();
  EXPECT_EQ(out.str().find('\r'), std::string::npos);
}

TEST(Progress, RedrawsInPlaceOnATerminal) {
  std::ostringstream out;
  Progress p("runs", 2, out, /*interactive=*/true);
  p.tick();
  EXPECT_EQ(out.str().rfind("\rruns 1/2 (50%)", 0), 0u) << out.str();
  p.finish();
  p.finish();  // only once
  EXPECT_EQ(out.str().find("runs 2/2"), std::string::npos);  // done count is 1: not faked
  EXPECT_NE(out.str().find("runs 1/2 done in"), std::string::npos);
  EXPECT_EQ(out.str().back(), '\n');
}

TEST(Progress, TicksFromManyThreadsAreAllCounted) {
  std::ostringstream out;
  Progress p("runs", 4000, out, /*interactive=*/true);
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t)
    pool.emplace_back([&p]() {
      for (int i = 0; i < 1000; ++i) p.tick();
    });
  for (auto& t : pool) t.join();
  EXPECT_EQ(p.done(), 4000u);
}

}  // namespace
}  // namespace rl
