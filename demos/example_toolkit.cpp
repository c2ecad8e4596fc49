// example_toolkit: the demos/ toolkit end to end on a small linear-algebra sweep.
//
// For each initial rank r (--ranks) and seed (--seed, --seeds) it draws an N x N matrix
// W = A B^T / sqrt(r N) + noise * G / sqrt(N), with A, B (N, r) and G (N, N) iid N(0, 1), and
// records two effective ranks of W (linalg/effective_rank.h): the participation ratio and the
// Roy-Vetterli entropy rank.  Both should grow with r and sit near r for small noise.
//
// What it shows, in the order a figure program uses them (docs/demos.md):
//   Cli (flags, --help, exit 2 on bad input) -> seed printed first -> make_sweep -> run_sweep
//   (shard, resume, threads, progress, per-run CSVs written atomically) -> merge_run_csvs ->
//   ResultTable -> Figure (scatter with jitter, mean +- sd line, box plots by category) ->
//   manifest.json.
//
//   make build/bin/example_toolkit && build/bin/example_toolkit --ranks 1,2,5,10,30 --seeds 10
//   outputs: out/example_toolkit/{runs/*.csv, results.csv, example_toolkit.svg, manifest.json}
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/manifest.h"
#include "demos/toolkit/rank_axis.h"
#include "demos/toolkit/runner.h"
#include "demos/toolkit/svg_plot.h"
#include "linalg/effective_rank.h"
#include "linalg/matrix.h"

namespace {

// W = A B^T / sqrt(r N) + noise * G / sqrt(N)  // (N, N)
rl::Matrix noisy_low_rank(std::size_t N, std::size_t r, double noise, rl::Rng& rng) {
  rl::Matrix A(N, r), B(N, r), W(N, N);
  for (double& v : A.values()) v = rng.normal();
  for (double& v : B.values()) v = rng.normal();
  const double low_rank_scale = 1.0 / std::sqrt(static_cast<double>(r * N));
  const double noise_scale = noise / std::sqrt(static_cast<double>(N));
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      double dot = 0.0;
      for (std::size_t k = 0; k < r; ++k) dot += A(i, k) * B(j, k);
      W(i, j) = low_rank_scale * dot + noise_scale * rng.normal();
    }
  return W;
}

// The figure: one dot per run, jittered; mean +- sd per rank; boxes by rank as categories.
void plot(const rl::ResultTable& table, const std::vector<std::int64_t>& ranks, std::size_t N, std::uint64_t seed,
          const std::string& path) {
  const std::vector<double> rank = table.numbers("rank"), pr = table.numbers("participation_ratio"),
                            rv = table.numbers("roy_vetterli");
  std::vector<double> rank_values;
  std::vector<std::vector<double>> pr_by_rank;
  std::vector<std::string> rank_names;
  for (std::int64_t r : ranks) {
    rank_values.push_back(static_cast<double>(r));
    pr_by_rank.emplace_back();
    for (std::size_t i = 0; i < rank.size(); ++i)
      if (rank[i] == static_cast<double>(r)) pr_by_rank.back().push_back(pr[i]);
  }
  for (double r : rank) rank_names.push_back("r = " + std::to_string(static_cast<long long>(r)));

  rl::Figure fig(1, 2, "example_toolkit: effective rank of noisy rank-r matrices (N = " + std::to_string(N) + ")");
  rl::Rng jitter_rng(rl::derive_seed(seed, 0xF16));
  rl::Panel& a = fig.panel(0, 0);
  a.title("participation ratio vs rank").x_label("rank r of the low-rank part").y_label("effective rank");
  a.x_scale(rl::AxisScale::kLog).y_scale(rl::AxisScale::kLog);
  a.scatter("participation ratio", rank, pr, 4.0, jitter_rng);
  a.line_error("participation ratio", rank_values, pr_by_rank, rl::ErrorBar::kSd);
  a.scatter("Roy-Vetterli", rank, rv, 4.0, jitter_rng);
  a.line("y = r", rank_values, rank_values);
  rl::Panel& b = fig.panel(0, 1);
  b.title("participation ratio by rank").x_label("initial rank").y_label("participation ratio");
  b.boxplot("participation ratio", rank_names, pr, rl::Values::kDrawnByAnotherSeries);  // the dots below
  b.category_scatter("participation ratio", rank_names, pr, 5.0, jitter_rng);
  fig.write(path);
}

int run(int argc, char** argv) {
  rl::Cli cli("example_toolkit", "effective rank of noisy rank-r matrices: a tour of the demos/ toolkit");
  rl::CommonFlags common;
  common.ranks = {1, 2, 5, 10, 30};
  common.omit = {"task", "iters", "gain", "log-every"};  // nothing is trained here: only the flags read below
  cli.add_common(common);
  cli.add_int("n", 60, "matrix size N", 2, 2000);
  cli.add_double("noise", 0.05, "noise level relative to the low-rank part", 0.0, 100.0);
  cli.add_int("fail-run", -1, "make run k throw (to see the failure path); -1 = none", -1, 1000000);
  cli.add_flag("no-plot", "write the CSV and manifest only");
  if (!cli.parse_or_exit(argc, argv)) return 0;
  const std::uint64_t seed = cli.announce_seed();  // seed first, always
  rl::RunManifest manifest = rl::start_manifest(cli);

  const auto N = static_cast<std::size_t>(cli.get_int("n"));
  const std::vector<std::int64_t> ranks = rl::ranks_flag(cli, N, "--n");  // exit 2 on a rank outside [1, n]
  const std::vector<rl::RunSpec> runs = rl::make_sweep({rl::sweep_axis("rank", ranks)}, cli.seed_list());
  const rl::SweepOptions options = rl::sweep_options(cli, {"ranks"});
  const double noise = cli.get_double("noise");
  const std::int64_t fail_run = cli.get_int("fail-run");

  const rl::SweepOutcome outcome = rl::run_sweep(runs, options, [&](const rl::RunSpec& spec, rl::Rng& rng) {
    if (static_cast<std::int64_t>(spec.index) == fail_run) throw std::runtime_error("failing on request (--fail-run)");
    const auto r = static_cast<std::size_t>(spec.param_int("rank"));
    const rl::EffectiveRanks er = rl::effective_ranks(noisy_low_rank(N, r, noise, rng));
    rl::CsvWriter rows({"rank", "seed", "participation_ratio", "roy_vetterli"});
    rows.add_row({spec.param_int("rank"), spec.seed, er.participation_ratio, er.roy_vetterli});
    return rows;
  });
  std::printf("shard %s: %zu of %zu runs, %zu already done, %zu run now\n", options.shard.str().c_str(),
              outcome.in_shard, outcome.total, outcome.already_done, outcome.executed);
  const std::string out = cli.out_dir();
  rl::write_manifest(rl::manifest_path(cli), manifest);
  if (!outcome.complete) {
    std::printf("other shards still running: merge later by rerunning without --shard\n");
    return 0;
  }
  rl::merge_run_csvs(runs, options.runs_dir, out + "/results.csv", options.settings);
  const rl::ResultTable table = rl::read_result_csv(out + "/results.csv");
  std::printf("wrote %s/results.csv (%zu rows)\n", out.c_str(), table.rows.size());
  if (cli.get_flag("no-plot")) return 0;

  plot(table, ranks, N, seed, out + "/example_toolkit.svg");
  std::printf("wrote %s/example_toolkit.svg\n", out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return rl::guarded_main("example_toolkit", [&] { return run(argc, argv); });
}
