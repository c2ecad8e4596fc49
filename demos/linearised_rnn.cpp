// The linearised RNN sweep [OURS] (docs/reproducing.md#linearisation-gap, docs/linearised.md): per
// initial rank of W_h (the Fig. 1 starts), train the network and its first-order Taylor model
// f_lin(theta) = f(theta0) + J(theta0)(theta - theta0) with the same optimiser and the same batches,
// and report how far the network ends from its linearisation.  "Lazy" in the sense of Chizat,
// Oyallon and Bach (2019) means the linearisation explains the training; if higher rank is lazier
// in this sense too, the gap falls as the rank rises.  No released code for the paper measures it.
//
// The experiment, for every task x rank x seed (run_one below):
//   1. draw W0 = g G / sqrt(N), truncate to rank r      gaussian_init, low_rank_init (as Fig. 1)
//   2. train both models on the same batches            run_linearised_comparison
//                                                       (nn/linearised_experiment.h)
//   3. the gap ||f(theta_f) - f_lin(theta_lin)|| / ||f(theta_f) - f(theta0)|| on the probe set at
//      the end and every --log-every iterations; both final losses and probe accuracies.
//
// Built-in defaults (a few minutes on 2 cores): 2AF, ranks 1/30/100/300, 3 seeds, 1,000 iterations,
// gap every 100.  Full scale: the record `linearised` of docs/records/records.tsv (`make figures`
// writes it into out/linearised):
//   linearised_rnn --task 2af,dms,cxt --seeds 10 --iters 10000 --log-every 500
//
// Randomness: the streams of fig1_rank_sweep (1 base Gaussian, 2 W_in/W_out, 3 data and probe), so the
// network half of every run is exactly the Fig. 1 run at the same task, rank, seed and --iters.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/evolution.h"
#include "demos/toolkit/manifest.h"
#include "demos/toolkit/memory_budget.h"
#include "demos/toolkit/rank_axis.h"
#include "demos/toolkit/runner.h"
#include "demos/toolkit/svg_plot.h"
#include "demos/toolkit/train_config.h"
#include "demos/toolkit/table_summary.h"
#include "nn/init.h"
#include "nn/linearised_experiment.h"
#include "tasks/paper_probe.h"

namespace {

using namespace rl;

constexpr const char* kProgram = "linearised_rnn";
constexpr const char* kDescription =
    "Linearised RNN [OURS]: the network against its linearisation at the start, by initial rank of W_h";
constexpr std::uint64_t kStreamBaseW = 1, kStreamIo = 2, kStreamData = 3;  // as fig1_rank_sweep

struct Settings {
  RnnTrainConfig train;  // N, iters, lr, momentum, log_every (the gap over training); n_in, K: the task's
  double gain = 1.25;
  std::string runs_dir;
};

// ---------------------------------------------------------------- the experiment: one run

CsvWriter run_one(const RunSpec& spec, const Settings& s) {
  const std::string task = spec.param("task");
  const std::size_t rank = static_cast<std::size_t>(spec.param_int("rank"));
  RnnTaskSetup setup = neurogym_setup(task, derive_seed(spec.seed, kStreamData));

  // 1. The Fig. 1 start (docs/paper.md#initial-weights).
  Rng w_rng(derive_seed(spec.seed, kStreamBaseW)), io_rng(derive_seed(spec.seed, kStreamIo));
  const RnnParams init =
      fig1_start(setup.n_in, s.train.net.N, setup.n_out, s.gain, rank, NormKind::kFrobenius, w_rng, io_rng);

  // 2. The network and its linearisation, same optimiser, same batches.
  RnnTrainConfig config = s.train;
  config.net.n_in = setup.n_in;
  config.net.K = setup.n_out;
  const LinearisedComparison r = run_linearised_comparison(config, init, setup);
  if (r.diverged)
    std::fprintf(stderr, "WARNING: %s diverged; kept and flagged in results.csv\n", spec.id().c_str());
  if (config.log_every) write_measure_log(r.log, measure_log_path(s.runs_dir, spec));  // the gap over training

  // 3. One row.
  CsvRecord row;
  row.add("task", task).add("rank", rank).add("seed", spec.seed).add("N", s.train.net.N).add("iters", r.iterations_done);
  row.add("linearisation_gap", r.gap).add("net_loss_final", r.net_loss_final).add("lin_loss_final", r.lin_loss_final);
  row.add("net_probe_loss", r.net_probe_loss).add("lin_probe_loss", r.lin_probe_loss);
  row.add("net_accuracy", r.net_accuracy).add("lin_accuracy", r.lin_accuracy);
  row.add("net_weight_change", r.net_weight_change).add("lin_weight_change", r.lin_weight_change);
  row.add("net_param_change", r.net_param_change).add("lin_param_change", r.lin_param_change);
  row.add("diverged", r.diverged ? 1 : 0).add("net_seconds", r.net_seconds).add("lin_seconds", r.lin_seconds);
  return row.table();
}

void print_summary(const ResultTable& t);
void plot_results(const ResultTable& t, const std::string& path, std::uint64_t seed);

// ---------------------------------------------------------------- the sweep

// What one run holds at once (demos/toolkit/memory_budget.h): a dozen N x N matrices (W_h(0), the
// start; the network's weights, gradients, momentum; the linearisation's base, weights, gradients,
// momentum and direction; the gap's copies) and the probe traces of the network, its linearisation and
// the tangent (forward-mode) pass.
MemoryEstimate estimate_memory(const Settings& s, std::size_t concurrent) {
  const double N = static_cast<double>(s.train.net.N);
  const double P = 320.0, T = 8.0;  // the Neurogym probe: trials x steps (as demos/fig1_rank_sweep.cpp)
  MemoryEstimate m;
  m.add("weights, gradients, momentum of both models", 12 * N * N * 8.0);
  m.add("probe traces", 3 * P * T * N * 8.0);
  m.concurrent = static_cast<double>(std::max<std::size_t>(concurrent, 1));
  return m;
}

int run(int argc, char** argv) {
  Cli cli(kProgram, kDescription);
  CommonFlags common;
  common.seeds = 3;
  common.log_every = 100;
  cli.add_common(common);
  add_rnn_flags(cli, "of both models (docs/paper.md#training)");
  add_precision_flag(cli);
  add_max_memory_flag(cli);
  if (!cli.parse_or_exit(argc, argv)) return 0;

  const std::uint64_t seed = cli.announce_seed();
  Settings s;
  s.train = rnn_train_flags(cli);
  s.gain = gain_flag(cli);
  const std::size_t N = s.train.net.N;
  const std::vector<std::string> tasks = cli.get_string_list("task");
  const std::vector<std::int64_t> ranks = ranks_flag(cli, N, "N", released_ranks(N));

  const std::vector<RunSpec> runs =
      make_sweep({sweep_axis("task", tasks), sweep_axis("rank", ranks)}, cli.seed_list());
  SweepOptions options = sweep_options(cli);
  s.runs_dir = options.runs_dir;
  check_memory_budget(cli, estimate_memory(s, std::min<std::size_t>(runs.size(), cli.threads())), "--N");
  make_dirs(s.runs_dir);
  RunManifest manifest = start_manifest(cli);
  const SweepOutcome done = run_sweep(runs, options, [&](const RunSpec& spec, Rng&) { return run_one(spec, s); });
  const auto table = finish_sweep(done, runs, options, cli, manifest, static_cast<double>(s.train.iters));
  if (!table) return 0;  // other shards pending
  print_summary(*table);
  const std::string figure = cli.out_dir() + "/" + kProgram + ".svg";
  plot_results(*table, figure, seed);
  const std::string evolution = cli.out_dir() + "/" + kProgram + "_evolution.svg";
  const bool plotted = s.train.log_every &&
      plot_evolution(runs, options.runs_dir, [](const RunSpec& r) { return r.param("task"); },
                     [](const RunSpec& r) { return "rank " + r.param("rank"); }, evolution,
                     std::string(kDescription) + " (over training)");
  report_outputs(cli, manifest, {results_csv_path(cli), figure, plotted ? evolution : "", manifest_path(cli)});
  return 0;
}

// ---------------------------------------------------------------- summary and figure

struct Group {
  std::string task;
  long long rank = 0;
  std::vector<std::size_t> rows;
  auto key() const { return std::tie(task, rank); }
};

std::vector<Group> group_rows(const ResultTable& t) {
  return group_rows_by<Group>(t, [&](std::size_t i) {
    return Group{t.cell(i, "task"), t.integer(i, "rank"), {}};
  });
}

void print_summary(const ResultTable& t) {
  std::printf("\n%-5s %5s %3s  %-17s %-17s %-17s %-15s %-15s %-15s %s\n", "task", "rank", "n", "gap",
              "net final loss", "lin final loss", "net accuracy", "lin accuracy", "net dW_h", "lin dW_h");
  for (const Group& g : group_rows(t)) {
    auto ms = [&](const char* c, int p) { return mean_sd(values_of(t, g.rows, c), p); };
    std::printf("%-5s %5lld %3zu  %-17s %-17s %-17s %-15s %-15s %-15s %s\n", g.task.c_str(), g.rank, g.rows.size(),
                ms("linearisation_gap", 4).c_str(), ms("net_loss_final", 4).c_str(), ms("lin_loss_final", 4).c_str(),
                ms("net_accuracy", 3).c_str(), ms("lin_accuracy", 3).c_str(), ms("net_weight_change", 3).c_str(),
                ms("lin_weight_change", 3).c_str());
  }
  std::printf("(mean ± sd over seeds; gap = ||f(theta_f) - f_lin(theta_lin)|| / ||f(theta_f) - f(theta0)|| on the\n"
              " probe set: 0 = the linearisation explains the training (lazy), ~1 = it explains none (rich))\n");
  std::map<std::string, std::vector<const Group*>> by_task;
  const std::vector<Group> groups = group_rows(t);
  for (const Group& g : groups) by_task[g.task].push_back(&g);
  for (auto& [task, curve] : by_task) {
    if (curve.size() < 2) continue;
    std::sort(curve.begin(), curve.end(), [](const Group* a, const Group* b) { return a->rank < b->rank; });
    auto mean = [&](const Group& g) { return mean_or_nan(values_of(t, g.rows, "linearisation_gap")); };
    const Group &lo = *curve.front(), &hi = *curve.back();
    const Comparison closer = is_smaller(mean(hi), mean(lo));  // undefined: every run of a rank diverged
    std::printf("%s: gap at rank %lld %.4f vs rank %lld %.4f -> %s\n", task.c_str(), lo.rank, mean(lo), hi.rank,
                mean(hi), closer == Comparison::kYes ? "higher rank is closer to its linearisation (lazier)"
                          : closer == Comparison::kNo ? "higher rank is NOT closer to its linearisation"
                                                     : paper_verdict({closer}, "").c_str());
  }
}

// One row of panels per task: the gap, the final losses and the probe accuracies against rank.
void plot_results(const ResultTable& t, const std::string& path, std::uint64_t seed) {
  const std::vector<Group> groups = group_rows(t);
  const std::vector<std::string> tasks = distinct_values(groups, [](const Group& g) { return g.task; });
  struct Panel3 {
    const char* title;
    std::vector<std::pair<const char*, const char*>> series;  // (label, column)
  };
  const Panel3 panels[] = {{"linearisation gap on the probe set", {{"gap", "linearisation_gap"}}},
                           {"final training loss (100-iteration mean)",
                            {{"network", "net_loss_final"}, {"linearised", "lin_loss_final"}}},
                           {"probe accuracy", {{"network", "net_accuracy"}, {"linearised", "lin_accuracy"}}}};
  Figure fig(tasks.size(), 3, kDescription);
  Rng jitter(seed);
  for (std::size_t row = 0; row < tasks.size(); ++row)
    for (std::size_t col = 0; col < 3; ++col) {
      Panel& p = fig.panel(row, col);
      p.title(tasks[row] + ": " + panels[col].title).x_label("initial rank of W_h").x_scale(AxisScale::kLog);
      for (const auto& [label, column] : panels[col].series) {
        const auto this_task = [&](const Group& g) { return g.task == tasks[row]; };
        plot_by_rank(p, label, rank_series(t, groups, this_task, column), jitter);
      }
    }
  fig.write(path);
}

}  // namespace

int main(int argc, char** argv) { return rl::guarded_main(kProgram, [&] { return run(argc, argv); }); }
