// Forgetting probe [OURS] (docs/reproducing.md#forgetting): does the learning regime that the initial
// rank selects change how much training on a second task destroys the first?  The paper's discussion
// links rich / lazy learning to catastrophic forgetting and to the cost of plasticity
// (docs/paper.md#the-claim); this program measures the link.  Our experiment, not the paper's.
//
// The experiment, for every order (A then B) x rank x seed (run_one below):
//   1. draw W0 = g G / sqrt(N), truncate to rank r      gaussian_init, low_rank_init (as Fig. 1)
//   2. train on task A, then on task B                  run_sequential_tasks (nn/sequential_tasks.h)
//   3. task A's probe loss and accuracy at the end of A and of B: forgetting = the drop; per phase
//      the weight change, KA and the cost of plasticity (docs/measures.md#cost-of-plasticity).
//
// The whole network continues from A to B: 2AF and DMS both read fixation + two stimulus channels
// and answer fixate / choice 1 / choice 2 (docs/tasks.md#2af, #dms), so the same W_in and W_out
// mean the same thing in both tasks and nothing has to be re-initialised between them.
//
// Built-in defaults (a few minutes on 2 cores): 2af-dms and dms-2af, ranks 1/30/100/300, 3 seeds,
// 1,000 iterations per phase.  Full scale (`make figures`):
//   forgetting_probe --seeds 10 --iters 10000 --out out/forgetting
//
// Randomness (derive_seed streams of each seed, shared by every rank and order of the seed):
//   stream 1  base Gaussian W0      stream 2  W_in, W_out
//   stream 3  task A's stream and probe      stream 4  task B's stream and probe
// so phase A of "2af-dms" is exactly the Fig. 1 run of 2AF at the same rank, seed and --iters.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/manifest.h"
#include "demos/toolkit/memory_budget.h"
#include "demos/toolkit/rank_axis.h"
#include "demos/toolkit/runner.h"
#include "demos/toolkit/svg_plot.h"
#include "demos/toolkit/train_config.h"
#include "demos/toolkit/table_summary.h"
#include "nn/init.h"
#include "nn/sequential_tasks.h"
#include "tasks/paper_probe.h"

namespace {

using namespace rl;

constexpr const char* kProgram = "forgetting_probe";
constexpr const char* kDescription =
    "Forgetting probe [OURS]: task A's probe after training on task B, against the initial rank of W_h";
constexpr std::uint64_t kStreamBaseW = 1, kStreamIo = 2, kStreamDataA = 3, kStreamDataB = 4;

struct Settings {
  SequentialConfig train;  // both phases' iters, lr, momentum; phase B's lr from --lr-b
  double gain = 1.25;
};

// "2af-dms" -> {"2af", "dms"}.
std::pair<std::string, std::string> split_order(const std::string& order) {
  const std::size_t dash = order.find('-');
  return {order.substr(0, dash), order.substr(dash + 1)};
}

// One phase's measures, each column named with the phase's prefix ("a_" or "b_").
CsvRecord phase_cells(const std::string& prefix, const RnnRunResult& p) {
  CsvRecord cells;
  cells.add(prefix + "weight_change", p.weight_change);
  cells.add(prefix + "representation_alignment", p.representation_alignment);
  cells.add(prefix + "kernel_alignment", p.kernel_alignment).add(prefix + "loss_final", p.loss_final);
  cells.add(prefix + "diverged", p.diverged ? 1 : 0);
  const std::vector<double> plasticity = rnn_plasticity_values(p.plasticity);
  for (std::size_t i = 0; i < plasticity.size(); ++i) cells.add(prefix + rnn_plasticity_columns()[i], plasticity[i]);
  return cells;
}

// ---------------------------------------------------------------- the experiment: one run

CsvWriter run_one(const RunSpec& spec, const Settings& s) {
  const auto [name_a, name_b] = split_order(spec.param("order"));
  const std::size_t rank = static_cast<std::size_t>(spec.param_int("rank"));
  RnnTaskSetup task_a = neurogym_setup(name_a, derive_seed(spec.seed, kStreamDataA));
  RnnTaskSetup task_b = neurogym_setup(name_b, derive_seed(spec.seed, kStreamDataB));

  // 1. The Fig. 1 start: one base Gaussian per seed, truncated to rank r (docs/paper.md#initial-weights).
  Rng w_rng(derive_seed(spec.seed, kStreamBaseW)), io_rng(derive_seed(spec.seed, kStreamIo));
  const RnnParams init =
      fig1_start(task_a.n_in, s.train.net.N, task_a.n_out, s.gain, rank, NormKind::kFrobenius, w_rng, io_rng);

  // 2. A then B, the same network throughout.
  SequentialConfig config = s.train;
  config.net.n_in = task_a.n_in;
  config.net.K = task_a.n_out;
  const SequentialResult r = run_sequential_tasks(config, init, task_a, task_b);
  for (const RnnRunResult* phase : {&r.a, &r.b})
    if (phase->diverged || !phase->warning.empty())
      std::fprintf(stderr, "WARNING: %s: phase %s %s%s\n", spec.id().c_str(), phase == &r.a ? "A" : "B",
                   phase->diverged ? "diverged; kept and flagged in results.csv " : "", phase->warning.c_str());

  // 3. One row: the probe of A at both ends, then each phase's measures.
  CsvRecord row;
  row.add("order", spec.param("order")).add("task_a", name_a).add("task_b", name_b).add("rank", rank);
  row.add("seed", spec.seed).add("N", s.train.net.N).add("iters_a", r.a.iterations_done).add("iters_b", r.b.iterations_done);
  row.add("lr_b", config.phase_b.sgd.lr).add("a_loss_after_a", r.a_after_a.loss);
  row.add("a_accuracy_after_a", r.a_after_a.accuracy).add("a_loss_after_b", r.a_after_b.loss);
  row.add("a_accuracy_after_b", r.a_after_b.accuracy).add("forgetting_loss", r.forgetting_loss);
  row.add("forgetting_accuracy", r.forgetting_accuracy).add("b_accuracy", r.b.accuracy);
  row.add(phase_cells("a_", r.a)).add(phase_cells("b_", r.b));
  return row.add("train_seconds", r.a.train_seconds + r.b.train_seconds).table();
}

void print_summary(const ResultTable& t);
void plot_results(const ResultTable& t, const std::string& path, std::uint64_t seed);

// ---------------------------------------------------------------- the sweep

int run(int argc, char** argv) {
  Cli cli(kProgram, kDescription);
  CommonFlags common;
  common.seeds = 10;  // as the paper's sweeps (docs/paper.md#fig-1); the record in docs/reproducing.md ran --seeds 3
  common.omit = {"task", "log-every"};
  cli.add_common(common);
  cli.add_string_list("orders", {"2af-dms", "dms-2af"}, "task orders A-B (both tasks 3 inputs, 3 outputs)",
                      {"2af-dms", "dms-2af"});
  add_rnn_flags(cli, "(--lr: phase A's; --momentum: both phases') (docs/paper.md#training)");
  add_precision_flag(cli);
  cli.add_double("lr-b", RnnTrainConfig().sgd.lr,
                 "SGD learning rate of phase B (0: B cannot change the weights; forgetting 0)", 0.0, 10.0);
  add_max_memory_flag(cli);
  if (!cli.parse_or_exit(argc, argv)) return 0;

  const std::uint64_t seed = cli.announce_seed();
  Settings s;
  s.train.phase_a = s.train.phase_b = rnn_train_flags(cli);
  s.train.net = s.train.phase_a.net;  // n_in, K: the tasks'
  s.train.phase_b.sgd.lr = cli.get_double("lr-b");
  s.gain = gain_flag(cli);
  const std::size_t N = s.train.net.N;
  const std::vector<std::int64_t> ranks = ranks_flag(cli, N, "N", released_ranks(N));

  const std::vector<RunSpec> runs =
      make_sweep({sweep_axis("order", cli.get_string_list("orders")), sweep_axis("rank", ranks)}, cli.seed_list());
  SweepOptions options = sweep_options(cli);
  // Memory (demos/toolkit/memory_budget.h): each phase is one Fig. 1 run on a Neurogym task.
  check_memory_budget(cli, neurogym_rnn_run_memory(N, std::min<std::size_t>(runs.size(), cli.threads())), "--N");
  make_dirs(options.runs_dir);
  RunManifest manifest = start_manifest(cli);
  const SweepOutcome done = run_sweep(runs, options, [&](const RunSpec& spec, Rng&) { return run_one(spec, s); });
  const auto table = finish_sweep(done, runs, options, cli, manifest, 2.0 * static_cast<double>(s.train.phase_a.iters));
  if (!table) return 0;  // other shards pending
  print_summary(*table);
  const std::string figure = cli.out_dir() + "/" + kProgram + ".svg";
  plot_results(*table, figure, seed);
  report_outputs(cli, manifest, {results_csv_path(cli), figure, manifest_path(cli)});
  return 0;
}

// ---------------------------------------------------------------- summary and figure

struct Group {
  std::string order;
  long long rank = 0;
  std::vector<std::size_t> rows;
  auto key() const { return std::tie(order, rank); }
};

std::vector<Group> group_rows(const ResultTable& t) {
  return group_rows_by<Group>(t, [&](std::size_t i) {
    return Group{t.cell(i, "order"), t.integer(i, "rank"), {}};
  });
}

void print_summary(const ResultTable& t) {
  std::printf("\n%-8s %5s %3s  %-15s %-15s %-15s %-17s %-15s %-15s %-15s %s\n", "A-B", "rank", "n", "A acc after A",
              "A acc after B", "forget (acc)", "forget (loss)", "KA phase A", "dW_h phase B", "path phase B",
              "B acc");
  for (const Group& g : group_rows(t)) {
    auto ms = [&](const char* c, int p) { return mean_sd(values_of(t, g.rows, c), p); };
    std::printf("%-8s %5lld %3zu  %-15s %-15s %-15s %-17s %-15s %-15s %-15s %s\n", g.order.c_str(), g.rank,
                g.rows.size(), ms("a_accuracy_after_a", 3).c_str(), ms("a_accuracy_after_b", 3).c_str(),
                ms("forgetting_accuracy", 3).c_str(), ms("forgetting_loss", 3).c_str(),
                ms("a_kernel_alignment", 3).c_str(), ms("b_weight_change", 3).c_str(),
                ms("b_W_h_path_length", 3).c_str(), ms("b_accuracy", 3).c_str());
  }
  std::printf("(mean ± sd over seeds; forgetting = task A's probe accuracy at the end of A minus at the end of B,\n"
              " and its loss at the end of B minus at the end of A; > 0: B's training hurt A.  [OURS], not the paper's)\n");
  // The comparison the discussion suggests, on the means: is forgetting smaller at low (rich) rank?
  std::map<std::string, std::vector<const Group*>> by_order;
  const std::vector<Group> groups = group_rows(t);
  for (const Group& g : groups) by_order[g.order].push_back(&g);
  for (auto& [order, curve] : by_order) {
    if (curve.size() < 2) continue;
    std::sort(curve.begin(), curve.end(), [](const Group* a, const Group* b) { return a->rank < b->rank; });
    // NaN (printed "nan") when every run of the group diverged: a summary never throws.
    auto mean = [&](const Group& g, const char* c) { return mean_or_nan(values_of(t, g.rows, c)); };
    const Group &lo = *curve.front(), &hi = *curve.back();
    std::printf("%s: forgetting (acc) at rank %lld %.3f vs rank %lld %.3f; (loss) %.3f vs %.3f\n", order.c_str(),
                lo.rank, mean(lo, "forgetting_accuracy"), hi.rank, mean(hi, "forgetting_accuracy"),
                mean(lo, "forgetting_loss"), mean(hi, "forgetting_loss"));
  }
}

const PlottedColumn kPlotted[] = {{"forgetting_accuracy", "forgetting: drop of A's probe accuracy"},
                            {"forgetting_loss", "forgetting: rise of A's probe loss"},
                            {"a_kernel_alignment", "KA of phase A"},
                            {"b_W_h_path_length", "W_h path length of phase B"}};

// One row of panels per order, a curve (mean ± sd) and a dot per run against rank.
void plot_results(const ResultTable& t, const std::string& path, std::uint64_t seed) {
  const std::vector<Group> groups = group_rows(t);
  const std::vector<std::string> orders = distinct_values(groups, [](const Group& g) { return g.order; });
  Figure fig(orders.size(), 4, kDescription);
  Rng jitter(seed);
  for (std::size_t row = 0; row < orders.size(); ++row)
    for (std::size_t col = 0; col < 4; ++col) {
      Panel& p = fig.panel(row, col);
      p.title(orders[row] + ": " + kPlotted[col].title).x_label("initial rank of W_h").x_scale(AxisScale::kLog);
      const auto this_order = [&](const Group& g) { return g.order == orders[row]; };
      plot_by_rank(p, orders[row], rank_series(t, groups, this_order, kPlotted[col].column), jitter);
    }
  fig.write(path);
}

}  // namespace

int main(int argc, char** argv) { return rl::guarded_main(kProgram, [&] { return run(argc, argv); }); }
