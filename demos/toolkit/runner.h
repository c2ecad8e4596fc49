// Parallel runner: spreads independent runs over worker threads, results in a fixed order.
// Determinism (each run draws only from run_rng(spec), results stored by position: bit-identical
// whatever --threads is) and failure (RunError naming the failed run, nothing merged):
// docs/demos.md#determinism and #where-outputs-go.  Do not share mutable state between runs.
//
//   const SweepOutcome done = run_sweep(runs, sweep_options(cli, {"task", "ranks"}), run_one);
//   const std::optional<ResultTable> table = finish_sweep(done, runs, options, cli, manifest);
//   if (!table) return 0;  // other shards pending: manifest written, nothing to merge yet
//   ... the program's own summary and figure from *table ...
//   report_outputs(cli, manifest, {results_csv_path(cli), figure, manifest_path(cli)});
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/manifest.h"
#include "demos/toolkit/run_spec.h"
#include "demos/toolkit/shard.h"

namespace rl {

class RunError : public std::runtime_error {
 public:
  RunError(const RunSpec& spec, const std::string& message);
  const RunSpec& spec() const { return spec_; }

 private:
  RunSpec spec_;
};

// A progress line on stderr: "fig1 runs 12/120 (10%) elapsed 0:12 ETA 1:48", redrawn in place at most
// every kRedrawSeconds on a terminal; elsewhere (a log file, a Slurm job) only the summary line of
// finish() (also called by the destructor): "fig1 runs 120/120 done in 2:03".
class Progress {
 public:
  static constexpr double kRedrawSeconds = 0.1;  // [TP] terminal redraw throttle

  // Writes to `out` (run_jobs: std::cerr); `interactive` selects the in-place redraw (run_jobs: stderr is a terminal).
  Progress(std::string label, std::size_t total, std::ostream& out, bool interactive);
  ~Progress();

  void tick(std::size_t n = 1);  // thread-safe
  void finish();                 // prints the summary line once; later calls do nothing
  std::size_t done() const;

  // "label done/total (pct%) elapsed m:ss ETA m:ss"; ETA is "?" before the first completion.
  static std::string format_line(const std::string& label, std::size_t done, std::size_t total,
                                 double elapsed_seconds);
  // "m:ss", or "h:mm:ss" from one hour.
  static std::string format_duration(double seconds);

 private:
  double elapsed_seconds() const;

  std::string label_;
  std::size_t total_;
  std::ostream& out_;
  bool interactive_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  double last_draw_ = -1.0;
  std::size_t done_ = 0;
  bool finished_ = false;
  mutable std::mutex mutex_;
};

struct RunnerOptions {
  int threads = 1;                       // workers; values < 1 mean 1
  std::string progress_label = "runs";   // label of the progress line on stderr
  bool show_progress = true;
  // For tests: behave as if the operating system refused every thread after the first k (std::thread
  // throwing std::system_error, as under `ulimit -v` or a process limit).  -1: no simulation.
  int simulate_thread_limit = -1;
};

// Calls job(k) for k = 0 .. runs.size()-1 on min(threads, runs.size()) workers.  After the first
// exception no new job starts; once all workers have stopped, throws RunError for the failed job
// with the smallest k (its message also says how many runs failed).  When the operating system refuses
// a worker, the jobs run on half of those started (at least one; none started: std::runtime_error
// "could not start any of the 200 worker threads (--threads): ..."); under `ulimit -v` at most
// limit / 4 / 72 MiB workers start (a stack and a malloc arena each).  stderr says so in both cases.
void run_jobs(const std::vector<RunSpec>& runs, const RunnerOptions& options,
              const std::function<void(std::size_t)>& job);

// Runs run_one(spec, rng) for every spec with rng = run_rng(spec); returns the results in the order
// of `runs`.  Result must be movable.
template <class RunOne>
auto run_parallel(const std::vector<RunSpec>& runs, RunOne&& run_one, const RunnerOptions& options)
    -> std::vector<std::invoke_result_t<RunOne&, const RunSpec&, Rng&>> {
  using Result = std::invoke_result_t<RunOne&, const RunSpec&, Rng&>;
  std::vector<std::optional<Result>> slots(runs.size());
  run_jobs(runs, options, [&](std::size_t k) {
    Rng rng = run_rng(runs[k]);
    slots[k].emplace(run_one(runs[k], rng));
  });
  std::vector<Result> results;
  results.reserve(runs.size());
  for (auto& s : slots) results.push_back(std::move(*s));
  return results;
}

struct SweepOptions {
  std::string runs_dir;                  // per-run CSVs go here: <runs_dir>/<stem>.csv
  Shard shard;                           // only runs with index % n == i
  RunnerOptions runner;
  std::string settings;                  // the settings key every run file records (demos/toolkit/shard.h)
  // Columns appended to every run's rows before the settings column: {"precision", "f32"} for a float32
  // run (demos/toolkit/train_config.h), none otherwise.
  std::vector<std::pair<std::string, std::string>> constant_columns;
};
// From the common flags: runs_dir = <--out>/runs, shard = --shard, threads = --threads, and
// settings = settings_key(cli, axis_flags): every flag but the sweep axes (whose values are in
// the run file names) and the ones that never change a result; constant_columns = precision_columns(cli).
SweepOptions sweep_options(const Cli& cli, const std::vector<std::string>& axis_flags = {});

struct SweepOutcome {
  std::size_t total = 0;         // runs in the whole sweep
  std::size_t in_shard = 0;      // runs this shard owns
  std::size_t already_done = 0;  // of those, skipped because their file existed (resume)
  std::size_t executed = 0;      // run now
  bool complete = false;         // every run of the whole sweep (all shards) has its file
  double wall_seconds = 0;       // this call's time, checks and runs
};

// The sharded, resumable sweep described above.  Throws RunError if a run fails (the files of runs
// that finished stay: each is complete, and a rerun resumes after them).  At the start it removes
// the stale temporaries of killed writers in runs_dir (remove_stale_temporaries), and checks every
// existing run file of this shard (check_run_file): a damaged file or one computed with other
// settings stops the sweep with a message naming the file (CliError for settings: exit 2).  Each
// run file gets the `settings` column (when options.settings is set).
SweepOutcome run_sweep(const std::vector<RunSpec>& runs, const SweepOptions& options,
                       const std::function<CsvWriter(const RunSpec&, Rng&)>& run_one);

// ---------------------------------------------------------------- the end of a sweep
// <--out>/results.csv: where finish_sweep merges the per-run files.
std::string results_csv_path(const Cli& cli);

// Prints "<total> runs in the sweep, <in shard> in shard i/n: <done> already done, <run> run now in <s> s"
// (then " (<rate> training iterations/s)" when iters_per_run >= 0).  If other shards are still pending,
// writes the manifest, says so ("other shards still pending: rerun without --shard ...") and returns
// std::nullopt.
// Otherwise merges the per-run CSVs in sweep order into results_csv_path(cli) and returns that table.
std::optional<ResultTable> finish_sweep(const SweepOutcome& done, const std::vector<RunSpec>& runs,
                                        const SweepOptions& options, const Cli& cli, const RunManifest& manifest,
                                        double iters_per_run = -1.0);

// Writes the manifest and prints "wrote <written[0]>, <written[1]>, ...", skipping empty entries (an
// optional output that was not written: `plotted ? evolution : ""`).
void report_outputs(const Cli& cli, const RunManifest& manifest, const std::vector<std::string>& written);

// The body of main(): returns body()'s status; on an exception prints "<program>: <what>" on stderr
// and returns 1, or 2 for a CliError (a flag value the program rejects once it knows the other flags,
// a rank above --N, say, is a usage error like any other); then removes the folders this process made
// that are still empty (remove_empty_folders_made, demos/toolkit/atomic_file.h).
//   int main(int argc, char** argv) { return rl::guarded_main("fig1", [&] { return run(argc, argv); }); }
int guarded_main(const std::string& program, const std::function<int()>& body);

}  // namespace rl
