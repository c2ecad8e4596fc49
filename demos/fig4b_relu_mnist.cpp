// Fig. 4B (reproduction): rich vs lazy learning against the initial rank of W1 in a two-layer ReLU
// network on MNIST.
//
// Paper, Fig. 4 caption [CAP]: "As predicted by the theoretical results, higher rank random
// initialization leads to effectively lazier learning in two-layer linear network. [...] B) a
// non-idealized setting: two-layer feedforward network with ReLU activation and 300 hidden units
// trained on the MNIST dataset. Plotting convention follows that of Figure 1."
//
// Everything except the caption is [OURS] (docs/paper.md#two-layer-relu), and the built-in defaults ARE that setting:
// W1 (300 x 784) = rank-r SVD truncation of g G / sqrt(784) (g = --gain, default 1 [OURS]),
// renormalised to the full Frobenius norm; W2 (10 x 300) PyTorch uniform; no biases; pixels in [0, 1];
// softmax CE; SGD momentum 0.9, lr 0.01, batch 100, 2,000 steps; ranks {1, 10, 30, 100, 300}; 3 seeds
// (the paper's Fig. 1 convention is 10 runs per setting: `--seeds 10`).  About 1-2 minutes on 2 cores.
//
// Randomness (derive_seed streams of each run's --seed, shared by every rank of that seed, so ranks
// are a paired comparison): 1 = base Gaussian G, 2 = W2, 3 = the training batch order.  The
// 55,000 / 5,000 train / held-out split is fixed (seed 0), as in the sMNIST runs.  Probes [OURS]:
// the first --probe images of the held-out 5,000 for RA and sign similarity, the first
// --kernel-probe of them for KA (a (10 P, 10 P) kernel w.r.t. W1), the 10,000 test images for accuracy.
//
//   make build/bin/fig4b_relu_mnist && build/bin/fig4b_relu_mnist
//   outputs: out/fig4b_relu_mnist/{runs/*.csv, results.csv, fig4b_relu_mnist.svg, manifest.json}
//   paper-scale dots: build/bin/fig4b_relu_mnist --seeds 10
//   over training:    build/bin/fig4b_relu_mnist --log-every 100   (runs/*_log.csv)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/cli.h"
#include "demos/toolkit/evolution.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/manifest.h"
#include "demos/toolkit/rank_axis.h"
#include "demos/toolkit/memory_budget.h"
#include "demos/toolkit/runner.h"
#include "demos/toolkit/svg_plot.h"
#include "demos/toolkit/table_summary.h"
#include "demos/toolkit/train_config.h"
#include "nn/init.h"
#include "nn/relu_experiment.h"
#include "tasks/mnist.h"

namespace {

using namespace rl;

constexpr const char* kProgram = "fig4b_relu_mnist";
constexpr const char* kMnistDir = "data/mnist";
constexpr std::uint64_t kStreamBaseW1 = 1, kStreamW2 = 2, kStreamData = 3;
constexpr std::uint64_t kSplitSeed = 0;  // the fixed train / held-out split (as the sMNIST runs)

const PlottedColumn kPlotted[] = {{"weight_change", "weight change ||dW1||_F"},
                            {"representation_alignment", "representation alignment (RA)"},
                            {"kernel_alignment", "tangent kernel alignment (KA, W1)"},
                            {"accuracy", "test accuracy after training"}};

struct Settings {
  std::size_t N = 300, batch = 100, probe = 500, kernel_probe = 100;
  double gain = 1.0;
  ReluTrainConfig train;  // iters, lr, momentum, log_every from the flags (demos/toolkit/train_config.h)
  std::string runs_dir;
};

// MNIST, its split and the probes: loaded once, read-only for every run.
struct MnistData {
  MnistSplit split;
  ReluProbes probes;
};

std::shared_ptr<const MnistData> load_data(const Settings& s) {
  if (!mnist_available(kMnistDir))
    throw std::runtime_error(std::string("MNIST not found in ") + kMnistDir + "/: run `make data` first");
  const Mnist mnist = load_mnist(kMnistDir);
  auto data = std::make_shared<MnistData>();
  data->split = split_train_validation(mnist.train, kMnistTrainSize, kSplitSeed);
  const std::size_t held_out = data->split.validation.size();
  if (s.probe > held_out || s.kernel_probe > held_out)
    throw CliError("--probe / --kernel-probe: at most " + std::to_string(held_out) + " held-out images");
  std::vector<std::size_t> first(std::max(s.probe, s.kernel_probe));
  std::iota(first.begin(), first.end(), std::size_t{0});
  data->probes.representation =
      to_flat(data->split.validation, std::vector<std::size_t>(first.begin(), first.begin() + s.probe)).x;
  data->probes.kernel =
      to_flat(data->split.validation, std::vector<std::size_t>(first.begin(), first.begin() + s.kernel_probe)).x;
  data->probes.evaluation = to_flat(mnist.test);
  return data;
}

// One run: W1(0) = rank-r truncation of the seed's base Gaussian, trained on MNIST.
CsvWriter run_one(const RunSpec& spec, const Settings& s, const MnistData& data) {
  const std::size_t rank = static_cast<std::size_t>(spec.param_int("rank"));
  Rng w1_rng(derive_seed(spec.seed, kStreamBaseW1));
  const Matrix W1_base = gaussian_init(s.N, kMnistPixels, s.gain, w1_rng);  // g G / sqrt(784)  (N, d)
  Rng w2_rng(derive_seed(spec.seed, kStreamW2));
  const Matrix W2 = pytorch_uniform(kMnistClasses, s.N, w2_rng);           // (K, N)
  const TwoLayerRelu init = relu_rank_init(W1_base, rank, W2);

  MnistBatcher batcher(data.split.train, s.batch, derive_seed(spec.seed, kStreamData));
  // One batcher, either precision: a float32 run takes its batches already in float (ReluBatches).
  const ReluBatches batches{[&batcher] { return batcher.next_flat(); }, [&batcher] { return batcher.next_flat_f32(); }};
  const ReluRunResult r = run_relu_experiment(s.train, init, batches, data.probes);
  if (r.diverged)
    std::fprintf(stderr, "WARNING: %s diverged (final loss %g); kept and flagged in results.csv\n",
                 spec.id().c_str(), r.loss_final);
  if (r.silent)
    std::fprintf(stderr, "WARNING: %s: %s; kept and flagged silent in results.csv\n", spec.id().c_str(),
                 r.warning.c_str());
  if (s.train.log_every) write_measure_log(r.log, measure_log_path(s.runs_dir, spec));

  CsvRecord row;
  row.add("rank", rank).add("seed", spec.seed).add("N", s.N).add("gain", s.gain).add("iters", r.iterations_done);
  row.add("weight_change", r.weight_change).add("relative_weight_change", r.relative_weight_change);
  row.add("representation_alignment", r.representation_alignment).add("kernel_alignment", r.kernel_alignment);
  row.add("sign_similarity", r.sign_similarity).add("loss_first", r.loss_first).add("loss_final", r.loss_final);
  row.add("accuracy_initial", r.accuracy_initial).add("accuracy", r.accuracy).add("eval_loss", r.eval_loss);
  row.add("diverged", r.diverged ? 1 : 0).add("silent", r.silent ? 1 : 0);
  row.add("train_seconds", r.train_seconds).add("measure_seconds", r.measure_seconds);
  return row.table();
}

// The runs of each rank, ranks in order of first appearance (ascending in our sweeps).
struct Group {
  long long rank = 0;
  std::vector<std::size_t> rows;
  double key() const { return rank; }
};

std::vector<Group> group_rows(const ResultTable& t) {
  return group_rows_by<Group>(t, [&](std::size_t i) { return Group{t.integer(i, "rank"), {}}; });
}

// The `silent` column is printed only when some run is silent (an ordinary sweep reads as before).
void print_summary(const ResultTable& t) {
  const auto silent_all = t.numbers("silent");
  const bool any_silent = std::accumulate(silent_all.begin(), silent_all.end(), 0.0) > 0;
  std::printf("\n%5s %3s  %-17s %-17s %-17s %-17s %-17s %s%s\n", "rank", "n", "weight change", "RA", "KA",
              "final loss", "test accuracy", "diverged", any_silent ? "  silent" : "");
  for (const auto& [rank, rows] : group_rows(t)) {
    const auto diverged = values_of(t, rows, "diverged");
    const auto silent = values_of(t, rows, "silent");
    std::printf("%5lld %3zu  %-17s %-17s %-17s %-17s %-17s %.0f", rank, rows.size(),
                mean_sd(values_of(t, rows, "weight_change"), 3).c_str(),
                mean_sd(values_of(t, rows, "representation_alignment"), 4).c_str(),
                mean_sd(values_of(t, rows, "kernel_alignment"), 4).c_str(),
                mean_sd(values_of(t, rows, "loss_final"), 4).c_str(),
                mean_sd(values_of(t, rows, "accuracy"), 4).c_str(),
                std::accumulate(diverged.begin(), diverged.end(), 0.0));
    if (any_silent) std::printf("%*s%.0f", 9, "", std::accumulate(silent.begin(), silent.end(), 0.0));
    std::printf("\n");
  }
  std::printf("(mean ± sd over seeds; RA/KA: 1 = lazy, lower = richer)\n");
}

// The paper's headline, checked on the means of the lowest and highest rank.
void print_headline(const ResultTable& t) {
  std::vector<Group> groups = group_rows(t);
  if (groups.size() < 2) return;
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.rank < b.rank; });
  const Group& lo = groups.front();
  const Group& hi = groups.back();
  const RichLazyChecks c = rich_lazy_checks(t, lo.rows, hi.rows);  // demos/toolkit/table_summary.h
  std::printf("rank %lld vs %lld: larger dW %s, lower RA %s, lower KA %s  -> %s\n", lo.rank, hi.rank,
              yes_no(c.larger_dw), yes_no(c.lower_ra), yes_no(c.lower_ka),
              paper_verdict({c.larger_dw, c.lower_ra, c.lower_ka}, "Fig. 4B").c_str());
}

void plot_results(const ResultTable& t, const std::string& path, std::uint64_t seed) {
  Figure fig(1, 4, "Fig. 4B (reproduction): two-layer ReLU net on MNIST, rich vs lazy against the rank of W1(0)");
  Rng jitter(seed);
  for (std::size_t col = 0; col < 4; ++col) {
    Panel& p = fig.panel(0, col);
    p.title(kPlotted[col].title).x_label("initial rank of W1").x_scale(AxisScale::kLog);
    const auto every_rank = [](const Group&) { return true; };
    plot_by_rank(p, "one run", "mean", rank_series(t, group_rows(t), every_rank, kPlotted[col].column), jitter);
  }
  fig.write(path);
}

// The flags: the shared ones with this program's defaults (demos/toolkit/cli.h), then its own.
void declare_flags(Cli& cli) {
  CommonFlags common;
  common.seeds = 3;
  common.ranks = {1, 10, 30, 100, 300};
  common.iters = 2000;
  common.gain = 1.0;
  common.omit = {"task"};  // always MNIST
  cli.add_common(common);
  cli.add_int("N", 300, "hidden units (paper, Fig. 4 caption: 300)", 1, 100000);
  add_sgd_flags(cli, ReluTrainConfig().sgd, "[OURS]");
  add_precision_flag(cli);
  cli.add_int("batch", 100, "training batch size [OURS]", 1, 55000);
  cli.add_int("probe", 500, "held-out images for RA and sign similarity [OURS]", 1, 5000);
  cli.add_int("kernel-probe", 100, "held-out images for KA (kernel of 10 x this rows) [OURS]", 1, 1000);
  add_max_memory_flag(cli);
}

// What every run shares, from the flags.
Settings read_settings(const Cli& cli) {
  Settings s;
  s.N = static_cast<std::size_t>(cli.get_int("N"));
  s.batch = static_cast<std::size_t>(cli.get_int("batch"));
  s.probe = static_cast<std::size_t>(cli.get_int("probe"));
  s.kernel_probe = static_cast<std::size_t>(cli.get_int("kernel-probe"));
  s.gain = gain_flag(cli);
  s.train = relu_train_flags(cli);
  return s;
}

// Memory (demos/toolkit/memory_budget.h): per run the W1 tangent kernels K0, Kf and a working copy
// (10 --kernel-probe rows each), probe activity and the weights; once, MNIST as doubles.
void check_memory(const Cli& cli, const Settings& s, std::size_t runs) {
  MemoryEstimate memory;
  const double R = 10.0 * static_cast<double>(s.kernel_probe), Nd = static_cast<double>(s.N);
  memory.add("3 W1 tangent kernels of " + std::to_string(10 * s.kernel_probe) + " rows", 3 * kernel_bytes(R));
  memory.add("probe activity", 4.0 * static_cast<double>(s.probe + s.kernel_probe) * Nd * 8.0);
  memory.add("weights, gradients, momentum", 8.0 * Nd * static_cast<double>(kMnistPixels) * 8.0);
  memory.concurrent = static_cast<double>(std::max<std::size_t>(1, std::min<std::size_t>(runs, cli.threads())));
  memory.add("MNIST as doubles (shared)", 70000.0 * static_cast<double>(kMnistPixels) * 8.0 / memory.concurrent);
  check_memory_budget(cli, memory, "--kernel-probe");
}

int run(int argc, char** argv) {
  Cli cli(kProgram, "Fig. 4B: weight change, RA and KA after training vs the rank of W1(0), two-layer ReLU "
                    "network (784-300-10) on MNIST (docs/paper.md#two-layer-relu; every default [OURS]).");
  declare_flags(cli);
  if (!cli.parse_or_exit(argc, argv)) return 0;

  const std::uint64_t seed = cli.announce_seed();
  Settings s = read_settings(cli);
  const std::vector<std::int64_t> ranks = ranks_flag(cli, std::min(s.N, kMnistPixels), "min(N, 784)");

  const std::vector<RunSpec> runs = make_sweep({sweep_axis("rank", ranks)}, cli.seed_list());
  check_memory(cli, s, runs.size());
  const std::string out = cli.out_dir();
  SweepOptions options = sweep_options(cli, {"ranks"});
  s.runs_dir = options.runs_dir;
  RunManifest manifest = start_manifest(cli);
  manifest.notes.push_back({"setting", "docs/paper.md#two-layer-relu: everything but the caption is [OURS]"});
  manifest.notes.push_back({"probes", "RA/sign: first --probe held-out images; KA: first --kernel-probe; "
                                      "accuracy: the 10,000 test images"});

  const bool pending = !pending_runs(select_shard(runs, options.shard), options.runs_dir).empty();
  std::shared_ptr<const MnistData> data = pending ? load_data(s) : nullptr;
  make_dirs(s.runs_dir);  // after the data check: a failed start leaves no folder behind
  const SweepOutcome done =
      run_sweep(runs, options, [&](const RunSpec& spec, Rng&) { return run_one(spec, s, *data); });
  const auto table_or_pending = finish_sweep(done, runs, options, cli, manifest);
  if (!table_or_pending) return 0;  // other shards pending
  const ResultTable& table = *table_or_pending;
  print_summary(table);
  print_headline(table);
  const std::string figure = out + "/" + kProgram + ".svg";
  plot_results(table, figure, seed);
  const std::string evolution = out + "/" + kProgram + "_evolution.svg";
  const bool plotted = s.train.log_every &&
      plot_evolution(runs, options.runs_dir, [](const RunSpec&) { return std::string("MNIST"); },
                     [](const RunSpec& r) { return "rank " + r.param("rank"); }, evolution,
                     "Fig. 4B (reproduction) over training: two-layer ReLU network on MNIST");
  report_outputs(cli, manifest, {results_csv_path(cli), figure, plotted ? evolution : "", manifest_path(cli)});
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return rl::guarded_main(kProgram, [&] { return run(argc, argv); }); }
