#include "demos/toolkit/runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "demos/toolkit/atomic_file.h"

namespace rl {
namespace {

std::vector<RunSpec> small_sweep() {
  return make_sweep({sweep_axis("task", std::vector<std::string>{"2af", "dms"}),
                     sweep_axis("rank", std::vector<std::int64_t>{1, 5, 30})},
                    {1, 2, 3, 4});  // 24 runs
}

// A stand-in for training: a deterministic function of the run's own Rng and parameters.
double fake_training(const RunSpec& r, Rng& rng) {
  double acc = 0.0;
  for (int i = 0; i < 200; ++i) acc += rng.normal() / static_cast<double>(r.param_int("rank"));
  return acc;
}

RunnerOptions quiet(int threads) {
  RunnerOptions o;
  o.threads = threads;
  o.show_progress = false;
  return o;
}

TEST(RunParallel, ResultsAreIdenticalWhateverTheThreadCount) {
  const auto runs = small_sweep();
  const std::vector<double> serial = run_parallel(runs, fake_training, quiet(1));
  ASSERT_EQ(serial.size(), runs.size());
  for (int threads : {2, 3, 8, 64}) {
    const std::vector<double> parallel = run_parallel(runs, fake_training, quiet(threads));
    EXPECT_EQ(parallel, serial) << threads << " threads";  // bit-identical, in order
  }
  // ... and each result is the run's own stream, not a shared one.
  Rng rng = run_rng(runs[7]);
  EXPECT_EQ(serial[7], fake_training(runs[7], rng));
}

TEST(RunParallel, AFailingRunIsReportedWithItsIdentity) {
  const auto runs = small_sweep();
  for (int threads : {1, 2}) {
    std::atomic<int> started{0};
    auto failing = [&](const RunSpec& r, Rng&) -> int {
      ++started;
      if (r.index == 9) throw std::runtime_error("loss is NaN at iteration 3");
      // The other runs take a while, as training does, so that the failure is seen while they are
      // still running (with instant runs a second worker could drain the queue before the first
      // one has finished throwing, and nothing would show that work stops being handed out).
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return 0;
    };
    try {
      run_parallel(runs, failing, quiet(threads));
      ADD_FAILURE() << "no exception";
    } catch (const RunError& e) {
      EXPECT_EQ(std::string(e.what()), "run 9 (task=2af rank=30 seed=2) failed: loss is NaN at iteration 3");
      EXPECT_EQ(e.spec().index, 9u);
    }
    if (threads == 1) {
      EXPECT_EQ(started.load(), 10);  // runs 0..9, then nothing more is handed out
    } else {
      // Runs 0..9 plus at most what the other worker had already taken (one 20 ms run in flight).
      EXPECT_LE(started.load(), 12) << threads << " threads";
    }
  }
}

TEST(GuardedMain, UsageErrorsExitTwoOtherFailuresOne) {
  // A flag the program rejects after parsing (a rank above --N) is a usage error, as in Cli.
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(guarded_main("fig_test", [] () -> int { throw CliError("--ranks: rank 400 outside [1, N = 300]"); }), 2);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "fig_test: --ranks: rank 400 outside [1, N = 300] (see --help)\n");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(guarded_main("fig_test", [] () -> int { throw std::runtime_error("data/mnist: missing"); }), 1);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "fig_test: data/mnist: missing\n");
  EXPECT_EQ(guarded_main("fig_test", [] { return 0; }), 0);
}

TEST(RunParallel, EmptySweepIsFine) {
  EXPECT_TRUE(run_parallel(std::vector<RunSpec>{}, fake_training, quiet(4)).empty());
}

class RunSweep : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "rl_runner_" + std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  SweepOptions options(Shard shard, int threads) const {
    SweepOptions o;
    o.runs_dir = dir_ + "/runs";
    o.shard = shard;
    o.runner = quiet(threads);
    return o;
  }
  static CsvWriter rows_of(const RunSpec& r, Rng& rng) {
    CsvWriter w({"task", "rank", "seed", "value"});
    w.add_row({r.param("task"), r.param_int("rank"), r.seed, fake_training(r, rng)});
    return w;
  }
  std::string dir_;
};

TEST_F(RunSweep, ShardsThenMergeEqualOneSerialRun) {
  const auto runs = small_sweep();
  // Three shards with different thread counts, as three cluster jobs would run them.
  std::size_t executed = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const SweepOutcome out = run_sweep(runs, options(Shard{i, 3}, static_cast<int>(i) + 1), rows_of);
    executed += out.executed;
    EXPECT_EQ(out.complete, i == 2);
  }
  EXPECT_EQ(executed, runs.size());
  merge_run_csvs(runs, dir_ + "/runs", dir_ + "/sharded.csv");

  const std::vector<double> serial = run_parallel(runs, fake_training, quiet(1));
  const ResultTable t = read_result_csv(dir_ + "/sharded.csv");
  ASSERT_EQ(t.rows.size(), runs.size());
  for (std::size_t k = 0; k < runs.size(); ++k) EXPECT_EQ(t.number(k, "value"), serial[k]) << k;
}

TEST_F(RunSweep, ResumeSkipsFinishedRunsAndAFailureLeavesOnlyCompleteFiles) {
  const auto runs = small_sweep();
  auto fail_at_12 = [](const RunSpec& r, Rng& rng) {
    if (r.index == 12) throw std::runtime_error("diverged");
    return rows_of(r, rng);
  };
  EXPECT_THROW(run_sweep(runs, options(Shard{}, 1), fail_at_12), RunError);
  // Serial: runs 0..11 finished and were written; nothing else, no temporary files.
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_ + "/runs")) {
    ++files;
    EXPECT_EQ(e.path().filename().string()[0], '0') << e.path();  // no hidden ".tmp" file
  }
  EXPECT_EQ(files, 12u);
  EXPECT_FALSE(file_exists(dir_ + "/results.csv"));

  const SweepOutcome out = run_sweep(runs, options(Shard{}, 2), rows_of);
  EXPECT_EQ(out.already_done, 12u);
  EXPECT_EQ(out.executed, 12u);
  EXPECT_TRUE(out.complete);
}

}  // namespace
}  // namespace rl
