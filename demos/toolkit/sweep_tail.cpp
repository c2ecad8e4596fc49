#include "demos/toolkit/sweep_tail.h"

#include <chrono>
#include <cstdio>

#include "demos/toolkit/shard.h"

namespace rl {

SweepRun run_timed_sweep(const std::vector<RunSpec>& runs, const SweepOptions& options,
                         const std::function<CsvWriter(const RunSpec&, Rng&)>& run_one) {
  const auto started = std::chrono::steady_clock::now();
  SweepRun r;
  r.outcome = run_sweep(runs, options, run_one);
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

std::string results_csv_path(const Cli& cli) { return cli.out_dir() + "/results.csv"; }

std::optional<ResultTable> finish_sweep(const SweepRun& run, const std::vector<RunSpec>& runs,
                                        const SweepOptions& options, const Cli& cli, const RunManifest& manifest,
                                        double iters_per_run) {
  const SweepOutcome& done = run.outcome;
  std::printf("%zu runs in the sweep, %zu in shard %s: %zu already done, %zu run now in %.1f s", done.total,
              done.in_shard, options.shard.str().c_str(), done.already_done, done.executed, run.wall_seconds);
  if (iters_per_run >= 0.0 && done.executed)
    std::printf(" (%.0f training iterations/s)", done.executed * iters_per_run / run.wall_seconds);
  std::printf("\n");
  if (!done.complete) {
    write_manifest(manifest_path(cli), manifest);
    std::printf("other shards still pending: rerun without --shard (or after all shards) to merge\n");
    return std::nullopt;
  }
  const std::string results = results_csv_path(cli);
  merge_run_csvs(runs, options.runs_dir, results, options.checks);
  return read_result_csv(results);
}

void report_outputs(const Cli& cli, const RunManifest& manifest, const std::vector<std::string>& written) {
  write_manifest(manifest_path(cli), manifest);
  std::string line = "wrote ";
  bool first = true;
  for (const std::string& w : written) {
    if (w.empty()) continue;  // an optional output not written (the evolution figure without --log-every)
    line += (first ? "" : ", ") + w;
    first = false;
  }
  std::printf("%s\n", line.c_str());
}

}  // namespace rl
