// Shards: split one sweep's runs over independent processes or cluster jobs.
//
// Rule (round-robin): shard i of n (`--shard i/n`, 0 <= i < n) owns every run whose sweep index k
// satisfies k % n == i.  The shards are disjoint and their union is the whole sweep, each run
// exactly once.  Round-robin rather than contiguous blocks because a sweep is ordered task-major,
// then by rank, then by seed, and cost grows with rank: round-robin gives every shard a similar mix.
//
// Resume rule: a run whose result file exists is complete (files are written atomically, see
// demos/toolkit/atomic_file.h), so a rerun with the same flags skips it.  Merge: once every run's file
// exists, merge_run_csvs() concatenates them in sweep order into one table.  See docs/scaling.md.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "demos/toolkit/csv.h"
#include "demos/toolkit/run_spec.h"

namespace rl {

struct Shard {
  std::size_t index = 0;  // i
  std::size_t count = 1;  // n
  bool owns(std::size_t run_index) const { return run_index % count == index; }
  std::string str() const;  // "i/n"
};

// Parses "i/n" with integers 0 <= i < n.  Throws std::invalid_argument with a message naming the
// problem (the caller adds the flag name).
Shard parse_shard(const std::string& text);

// The runs of `runs` owned by `shard`, in sweep order.
std::vector<RunSpec> select_shard(const std::vector<RunSpec>& runs, Shard shard);

// Where a run's result table lives: "<runs_dir>/<spec.file_stem()>.csv".
std::string run_result_path(const std::string& runs_dir, const RunSpec& spec);

// Resume rule: the runs whose result file does not exist yet, in order.
std::vector<RunSpec> pending_runs(const std::vector<RunSpec>& runs, const std::string& runs_dir);

// What a run file must look like to be merged (or reused on resume).
struct RunFileChecks {
  std::size_t rows_per_run = 1;  // data rows each run writes (every program writes 1); 0: any, >= 1
  std::string settings;          // when non-empty, the `settings` column must hold this key
};

// Throws std::runtime_error naming the file when `file` (a run file as read) has the wrong number of
// rows; CliError when its settings differ (demos/toolkit/run_settings.h).
void check_run_file(const ResultTable& file, const RunFileChecks& checks, const std::string& runs_dir);

// Concatenates the result files of `runs` (all shards' runs) in sweep order into one table written
// atomically to `merged_path`, without their `settings` column (demos/toolkit/run_settings.h).
// Every file must exist, have the same header and pass check_run_file; otherwise throws naming the
// first missing file (and how many are missing), the odd header, the row count or the settings.
// Returns the number of data rows written.
std::size_t merge_run_csvs(const std::vector<RunSpec>& runs, const std::string& runs_dir,
                           const std::string& merged_path, const RunFileChecks& checks = RunFileChecks());

}  // namespace rl
