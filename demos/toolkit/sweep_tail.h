// The end of a sweep, the same in every figure program (plumbing; a first reading can skip it):
//
//   const SweepRun run = run_timed_sweep(runs, options, run_one);
//   const std::optional<ResultTable> table = finish_sweep(run, runs, options, cli, manifest);
//   if (!table) return 0;  // other shards pending: manifest written, nothing to merge yet
//   ... the program's own summary and figure from *table ...
//   report_outputs(cli, manifest, {results_csv_path(cli), figure, manifest_path(cli)});
//
// Printed lines (every program prints them the same way):
//   "<total> runs in the sweep, <in shard> in shard i/n: <done> already done, <run> run now in <s> s"
//   [" (<rate> training iterations/s)" when the caller gives iterations per run]
//   "other shards still pending: rerun without --shard (or after all shards) to merge"  (incomplete)
//   "wrote <a>, <b>, ..."                                                               (report_outputs)
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/manifest.h"
#include "demos/toolkit/run_spec.h"
#include "demos/toolkit/runner.h"

namespace rl {

struct SweepRun {
  SweepOutcome outcome;
  double wall_seconds = 0;  // of this invocation's runs
};

// run_sweep (demos/toolkit/runner.h), timed.
SweepRun run_timed_sweep(const std::vector<RunSpec>& runs, const SweepOptions& options,
                         const std::function<CsvWriter(const RunSpec&, Rng&)>& run_one);

// <--out>/results.csv: where finish_sweep merges the per-run files.
std::string results_csv_path(const Cli& cli);

// Prints the run counts (and, when iters_per_run >= 0, the training rate of the runs executed now).
// If other shards are still pending, writes the manifest, says so and returns std::nullopt.
// Otherwise merges the per-run CSVs in sweep order into results_csv_path(cli) and returns that table.
std::optional<ResultTable> finish_sweep(const SweepRun& run, const std::vector<RunSpec>& runs,
                                        const SweepOptions& options, const Cli& cli, const RunManifest& manifest,
                                        double iters_per_run = -1.0);

// Writes the manifest and prints "wrote <written[0]>, <written[1]>, ...", skipping empty entries (an
// optional output that was not written: `plotted ? evolution : ""`).
void report_outputs(const Cli& cli, const RunManifest& manifest, const std::vector<std::string>& written);

}  // namespace rl
