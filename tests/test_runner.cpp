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
#include "demos/toolkit/shard.h"

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

// A failure after the output folders were made (a bad teacher cache, a bad data file) leaves none of
// them behind empty; a folder holding a finished file stays, and a success removes nothing.
TEST(GuardedMain, AFailureRemovesTheEmptyFoldersThisProcessMade) {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("rl_test_guarded_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  remove_empty_folders_made();  // forget the folders earlier tests made
  const std::string out = (root / "out").string(), kept = (root / "kept").string();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(guarded_main("fig_test", [&]() -> int {
              make_dirs(out + "/runs");
              make_dirs(kept + "/runs");
              write_text_atomic(kept + "/runs/00000.csv", "a\n1\n");
              throw std::runtime_error("teachers/W_h.npy: damaged teacher cache");
            }),
            1);
  ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(fs::exists(out)) << "the empty out/runs and out/ are removed";
  EXPECT_TRUE(fs::exists(kept + "/runs/00000.csv")) << "a folder with a finished file stays";
  EXPECT_TRUE(fs::exists(root)) << "a folder that existed before is never removed";
  EXPECT_EQ(guarded_main("fig_test", [&] {
              make_dirs(out);
              return 0;
            }),
            0);
  EXPECT_TRUE(fs::is_directory(out)) << "success keeps the (empty) folder";
  remove_empty_folders_made();
  fs::remove_all(root);
}

TEST(RunJobs, AWorkerTheSystemRefusesLeavesTheOthersToFinishTheJobs) {
  // Issue 15 defect 4: std::thread throwing std::system_error used to terminate the program.
  const auto runs = small_sweep();
  RunnerOptions o = quiet(8);
  o.simulate_thread_limit = 4;  // the fifth thread "cannot start"
  std::vector<std::atomic<int>> done(runs.size());
  ASSERT_NO_THROW(run_jobs(runs, o, [&](std::size_t k) { ++done[k]; }));
  for (std::size_t k = 0; k < runs.size(); ++k) EXPECT_EQ(done[k].load(), 1) << k;
  // And the results are those of a serial run.
  o.simulate_thread_limit = 3;
  EXPECT_EQ(run_parallel(runs, fake_training, o), run_parallel(runs, fake_training, quiet(1)));
}

TEST(RunJobs, NoWorkerStartingIsAClearErrorBeforeAnyJob) {
  const auto runs = small_sweep();
  RunnerOptions o = quiet(4);
  o.simulate_thread_limit = 0;
  std::atomic<int> jobs{0};
  try {
    run_jobs(runs, o, [&](std::size_t) { ++jobs; });
    ADD_FAILURE() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("could not start any of the 4 worker threads (--threads)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(jobs.load(), 0);
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
  SweepOptions options(Shard shard, int threads, const std::string& settings = "iters=300;lr=0.003") const {
    SweepOptions o;
    o.runs_dir = dir_ + "/runs";
    o.shard = shard;
    o.runner = quiet(threads);
    o.settings = settings;
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
  merge_run_csvs(runs, dir_ + "/runs", dir_ + "/sharded.csv", options(Shard{}, 1).settings);

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

TEST_F(RunSweep, EveryRunFileRecordsItsSettingsAndTheMergeLeavesThemOut) {
  const auto runs = small_sweep();
  run_sweep(runs, options(Shard{}, 2), rows_of);
  const ResultTable one = read_result_csv(run_result_path(dir_ + "/runs", runs[0]));
  EXPECT_EQ(one.cell(0, "settings"), "iters=300;lr=0.003");
  merge_run_csvs(runs, dir_ + "/runs", dir_ + "/results.csv", options(Shard{}, 1).settings);
  EXPECT_EQ(read_result_csv(dir_ + "/results.csv").header,
            (std::vector<std::string>{"task", "rank", "seed", "value"}));
}

TEST_F(RunSweep, ResumeWithOtherSettingsIsRefusedNamingTheFlagAndTheWayOut) {
  // Issue 15 defect 5: a rerun with --iters 50 into the folder of a 300-iteration run reused it.
  const auto runs = small_sweep();
  run_sweep(runs, options(Shard{}, 1), rows_of);
  try {
    run_sweep(runs, options(Shard{}, 1, "iters=50;lr=0.003"), rows_of);
    ADD_FAILURE() << "expected a refusal";
  } catch (const CliError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("--iters 300, this run asks --iters 50"), std::string::npos) << m;
    EXPECT_NE(m.find("use a new --out, or delete " + dir_ + "/runs"), std::string::npos) << m;
  }
  // The same settings resume as before.
  EXPECT_EQ(run_sweep(runs, options(Shard{}, 1), rows_of).already_done, runs.size());
}

TEST_F(RunSweep, ADamagedRunFileStopsTheResumeNamingIt) {
  // Issue 15 defect 8: a run file cut to its header, or with a duplicated row.
  const auto runs = small_sweep();
  run_sweep(runs, options(Shard{}, 1), rows_of);
  const std::string path = run_result_path(dir_ + "/runs", runs[5]);
  const std::string text = read_text_file(path);
  const std::string header = text.substr(0, text.find('\n') + 1);
  for (const std::string& damaged : {header, text + text.substr(header.size())}) {
    write_text_atomic(path, damaged);
    try {
      run_sweep(runs, options(Shard{}, 1), rows_of);
      ADD_FAILURE() << "expected a refusal";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(path + ": damaged run file"), std::string::npos) << e.what();
    }
    EXPECT_THROW(merge_run_csvs(runs, dir_ + "/runs", dir_ + "/results.csv", options(Shard{}, 1).settings),
                 std::runtime_error);
  }
}

TEST_F(RunSweep, StaleTemporariesOfAKilledWriterAreRemovedAtTheStart) {
  // Issue 15 defect 9: a kill between write and rename leaves ".<name>.tmp.<pid>.<n>" forever.
  const auto runs = small_sweep();
  make_dirs(dir_ + "/runs");
  const std::string stale = dir_ + "/runs/.00003_x.csv.tmp.999999999.0";   // no such process
  const std::string live = dir_ + "/runs/.00004_x.csv.tmp." + std::to_string(::getpid()) + ".7";
  // Not our pattern: another hidden file; near misses (no leading dot, no counter, a letter in the pid).
  const std::vector<std::string> others = {dir_ + "/runs/.notes.txt", dir_ + "/runs/x.csv.tmp.999999999.0",
                                           dir_ + "/runs/.x.csv.tmp.999999999", dir_ + "/runs/.x.csv.tmp.99a.0"};
  std::vector<std::string> all = {stale, live};
  all.insert(all.end(), others.begin(), others.end());
  for (const std::string& f : all) write_text_atomic(f, "partial");
  const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::hours(1);
  for (const std::string& f : all) std::filesystem::last_write_time(f, old);
  run_sweep(runs, options(Shard{}, 1), rows_of);
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(live));   // this process is alive: maybe still writing
  for (const std::string& f : others) EXPECT_TRUE(std::filesystem::exists(f)) << f;
  // A fresh temporary of a dead process is kept too (it may belong to another machine's live writer).
  write_text_atomic(stale, "partial");
  EXPECT_EQ(remove_stale_temporaries(dir_ + "/runs"), 0u);
  EXPECT_EQ(remove_stale_temporaries(dir_ + "/runs", 0.0), 1u);
}

}  // namespace
}  // namespace rl
