// Shards, resume and merge of one sweep's runs: the rules (round-robin `--shard i/n`, a run whose file
// exists is done, merge in sweep order) are in docs/scaling.md#the-shard-rule.
//
// Settings rule (docs/demos.md#where-outputs-go): a run file's name holds only its sweep axes; every other
// flag that changes its numbers is recorded in a last column `settings`, "N=300;iters=2000;lr=0.003;...;
// results-revision=r1" (sorted; results-revision, nn/results_revision.h: a build whose numbers changed
// refuses to resume into an older folder, as it refuses other flags).  run_sweep (runner.h) writes and
// checks it; merge_run_csvs drops it, so results.csv is unchanged.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "demos/toolkit/csv.h"
#include "demos/toolkit/run_spec.h"

namespace rl {

class Cli;  // demos/toolkit/cli.h, which needs Shard

struct Shard {
  std::size_t index = 0;  // i
  std::size_t count = 1;  // n
  bool owns(std::size_t run_index) const { return run_index % count == index; }
  std::string str() const { return std::to_string(index) + "/" + std::to_string(count); }  // "i/n"
};

// Parses "i/n" with integers 0 <= i < n.  Throws std::invalid_argument "<what>: <the problem>".
Shard parse_shard(const std::string& text, const std::string& what = "--shard");

// The runs of `runs` owned by `shard`, in sweep order.
std::vector<RunSpec> select_shard(const std::vector<RunSpec>& runs, Shard shard);

// Where a run's result table lives: "<runs_dir>/<spec.file_stem()>.csv".
std::string run_result_path(const std::string& runs_dir, const RunSpec& spec);

// Resume rule: the runs whose result file does not exist yet, in order.
std::vector<RunSpec> pending_runs(const std::vector<RunSpec>& runs, const std::string& runs_dir);

constexpr const char* kSettingsColumn = "settings";
constexpr const char* kResultsRevisionKey = "results-revision";

// "flag=value;..." for every declared flag except those that never change a run's numbers (--out,
// --threads, --shard, --seed, --seeds, --max-memory) and `axis_flags` (the
// flags whose values are sweep axes and hence already in the file name), and results-revision =
// kResultsRevision, sorted by name.  --precision is left out at f64, the value of every file computed
// before the flag existed (demos/toolkit/train_config.h), so those files keep their keys.
std::string settings_key(const Cli& cli, const std::vector<std::string>& axis_flags);

// The first flag whose value differs between two keys, as "--iters 300, this run asks --iters 50"
// (a flag missing on one side reads "(absent)"; the results revision reads "results revision r1,
// this run asks results revision r2"); "" when the keys are equal.
std::string describe_settings_difference(const std::string& stored, const std::string& now);

// Throws CliError (a usage error: exit 2) when the run file at `path` was not computed with `key`:
// no settings column, or another value; the message names the file, the flag and the way out.
void check_run_file_settings(const ResultTable& file, const std::string& key, const std::string& runs_dir);

// What a run file must hold to be merged (or reused on resume): one data row (else std::runtime_error
// naming the file) and, when `settings` is non-empty, that key in its `settings` column (else CliError).
void check_run_file(const ResultTable& file, const std::string& settings, const std::string& runs_dir);

// Concatenates the result files of `runs` (all shards' runs) in sweep order into one table written
// atomically to `merged_path`, without their `settings` column.
// Every file must exist, have the same header and pass check_run_file; otherwise throws naming the
// first missing file (and how many are missing), the odd header, the row count or the settings.
// Returns the number of data rows written.
std::size_t merge_run_csvs(const std::vector<RunSpec>& runs, const std::string& runs_dir,
                           const std::string& merged_path, const std::string& settings = "");

}  // namespace rl
