// The settings a run file was computed with (plumbing; a first reading can skip it).
//
// A run file's name holds only its sweep axes ("00003_task-2af_rank-30_seed-2.csv"); every other flag
// that changes its numbers (--iters, --lr, --N, --norm, ...) is recorded in the file itself, in an
// extra last column `settings`:
//
//   settings = "N=300;activation=relu;alpha=1;iters=2000;lr=0.003;...;results-revision=r1;..."
//
// (flag=value, sorted by name), plus `results-revision`, the revision of the trained numbers of the
// build that computed the file (nn/results_revision.h): a build whose numbers changed refuses to
// resume into an older folder, as it refuses other flags.
//
// run_sweep (demos/toolkit/runner.h) writes it into every run file, compares it on resume and
// refuses a file computed with other settings, naming the flag (check_run_file_settings below);
// merge_run_csvs (demos/toolkit/shard.h) drops the column, so results.csv is unchanged.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"

namespace rl {

constexpr const char* kSettingsColumn = "settings";
extern const char* const kResultsRevisionKey;  // "results-revision"

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

// `rows` with one column per (name, value) appended to every row, each row taking the value.
CsvWriter with_constant_columns(const CsvWriter& rows,
                                const std::vector<std::pair<std::string, std::string>>& columns);
// `rows` with the column `settings` = `key` appended to every row.
CsvWriter with_settings_column(const CsvWriter& rows, const std::string& key);

// Throws CliError (a usage error: exit 2) when the run file at `path` was not computed with `key`:
// no settings column, or another value; the message names the file, the flag and the way out.
void check_run_file_settings(const ResultTable& file, const std::string& key, const std::string& runs_dir);

}  // namespace rl
