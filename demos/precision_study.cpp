// The precision study [OURS] (docs/reproducing.md#precision-float32-against-float64): every Fig. 1 run
// trained twice from the same start and the same batches, in float64 and in float32 (docs/precision.md),
// side by side.  The question: are rich (low-rank) runs more sensitive to rounding than lazy ones?
//
// For every task x rank x seed (the Fig. 1 recipe of demos/fig1_rank_sweep.cpp, run_one):
//   1. W0 = g G / sqrt(N), truncated to rank r and renormalised; W_in, W_out PyTorch uniform;
//   2. run_rnn_experiment twice, in float64 and float32, on two threads in lockstep (same seeded
//      batches): after every step the two W_h are compared (LockstepGap below);
//   3. per run: dW, RA, KA and accuracy of both, their differences, and the first iteration at which
//      the trajectories separate, ||W_h^f32(t) - W_h^f64(t)||_F > 1e-3 ||W_h^f64(t)||_F [OURS].
// Every measure is computed in float64 by the same code for both (docs/measures.md#precision), and
// the float64 half of each run is the Fig. 1 run of the same flags, bit for bit (same streams).
//
//   precision_study --task 2af,dms,cxt --seeds 10 --iters 10000      (the record: docs/records/)
#include <algorithm>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/manifest.h"
#include "demos/toolkit/memory_budget.h"
#include "demos/toolkit/rank_axis.h"
#include "demos/toolkit/runner.h"
#include "demos/toolkit/svg_plot.h"
#include "demos/toolkit/table_summary.h"
#include "demos/toolkit/train_config.h"
#include "linalg/norms.h"
#include "nn/init.h"
#include "nn/rnn_experiment.h"
#include "tasks/paper_probe.h"

namespace {

using namespace rl;

constexpr const char* kProgram = "precision_study";
constexpr const char* kDescription =
    "Precision study: every Fig. 1 run in float64 and float32 from the same start and batches";
constexpr std::uint64_t kStreamBaseW = 1, kStreamIo = 2, kStreamData = 3;  // as demos/fig1_rank_sweep.cpp

// The measures compared, as named in RnnRunResult and in the columns (<name>_f64, <name>_f32).
const std::vector<std::string> kMeasures = {"weight_change", "representation_alignment", "kernel_alignment",
                                            "accuracy", "loss_final"};

double measure_of(const RnnRunResult& r, const std::string& name) {
  if (name == "weight_change") return r.weight_change;
  if (name == "representation_alignment") return r.representation_alignment;
  if (name == "kernel_alignment") return r.kernel_alignment;
  if (name == "accuracy") return r.accuracy;
  return r.loss_final;
}

struct Settings {
  RnnTrainConfig train;      // N, iters, lr, momentum (the precision is set per side)
  double gain = 1.25;
  double separation = 1e-3;  // relative gap of W_h that counts as separated [OURS]
};

// ---------------------------------------------------------------- the lockstep comparison

// The two runs call step() after each of their training steps (RnnTrainConfig::on_step).  A side
// waits until the other has reached the same step; the second to arrive compares the two W_h under
// the lock, before either may go on, so each comparison sees both matrices of one step.  A side that
// stops (diverged, or done) calls finish(), and the other then runs on alone.
class LockstepGap {
 public:
  explicit LockstepGap(double threshold) : threshold_(threshold) {}

  void step(int side, std::size_t t, const Matrix& W_h) {
    std::unique_lock<std::mutex> lock(mutex_);
    const int other = 1 - side;
    W_[side] = W_h;
    at_[side] = t;
    if (at_[other] == t) compare(t);
    cv_.notify_all();
    cv_.wait(lock, [&] { return done_[other] || at_[other] >= t; });
  }

  void finish(int side) {
    std::lock_guard<std::mutex> lock(mutex_);
    done_[side] = true;
    cv_.notify_all();
  }

  double separated_at() const { return separated_at_; }  // NaN: never
  double final_gap() const { return final_gap_; }
  double max_gap() const { return max_gap_; }

 private:
  void compare(std::size_t t) {
    const double gap = frobenius_norm(W_[1] - W_[0]) / frobenius_norm(W_[0]);
    final_gap_ = gap;
    if (!(gap <= max_gap_)) max_gap_ = gap;  // NaN propagates: a non-finite gap is the largest
    if (std::isnan(separated_at_) && !(gap <= threshold_)) separated_at_ = static_cast<double>(t);
  }

  const double threshold_;
  std::mutex mutex_;
  std::condition_variable cv_;
  Matrix W_[2];
  std::size_t at_[2] = {0, 0};
  bool done_[2] = {false, false};
  double separated_at_ = std::nan(""), final_gap_ = 0.0, max_gap_ = 0.0;
};

// ---------------------------------------------------------------- one run


CsvWriter run_one(const RunSpec& spec, const Settings& s) {
  const std::string task = spec.param("task");
  const std::size_t rank = static_cast<std::size_t>(spec.param_int("rank"));
  RnnTaskSetup task64 = neurogym_setup(task, derive_seed(spec.seed, kStreamData));
  RnnTaskSetup task32 = neurogym_setup(task, derive_seed(spec.seed, kStreamData));  // the same batches
  Rng w_rng(derive_seed(spec.seed, kStreamBaseW)), io_rng(derive_seed(spec.seed, kStreamIo));
  const RnnParams init =
      fig1_start(task64.n_in, s.train.net.N, task64.n_out, s.gain, rank, NormKind::kFrobenius, w_rng, io_rng);

  LockstepGap gap(s.separation);
  RnnRunResult results[2];
  auto train = [&](int side, Precision precision, RnnTaskSetup& setup) {
    RnnTrainConfig config = s.train;
    config.net.n_in = setup.n_in;
    config.net.K = setup.n_out;
    config.precision = precision;
    config.on_step = [&gap, side](std::size_t t, const RnnParams& w) { gap.step(side, t, w.W_h); };
    try {
      results[side] = run_rnn_experiment(config, init, setup);
    } catch (...) {
      gap.finish(side);
      throw;
    }
    gap.finish(side);
  };
  std::exception_ptr f32_failure;
  std::thread f32([&] {
    try {
      train(1, Precision::kF32, task32);
    } catch (...) {
      f32_failure = std::current_exception();
    }
  });
  try {
    train(0, Precision::kF64, task64);
  } catch (...) {
    f32.join();
    throw;
  }
  f32.join();
  if (f32_failure) std::rethrow_exception(f32_failure);

  CsvRecord cells;
  cells.add("task", task).add("rank", static_cast<unsigned long long>(rank));
  cells.add("seed", static_cast<unsigned long long>(spec.seed)).add("N", static_cast<unsigned long long>(s.train.net.N));
  cells.add("iters", static_cast<unsigned long long>(s.train.iters));
  for (const std::string& m : kMeasures) {
    const double a = measure_of(results[0], m), b = measure_of(results[1], m);
    cells.add(m + "_f64", a).add(m + "_f32", b).add(m + "_diff", b - a);
  }
  cells.add("diverged_f64", results[0].diverged ? 1 : 0).add("diverged_f32", results[1].diverged ? 1 : 0);
  cells.add("separated_at", gap.separated_at()).add("gap_final", gap.final_gap()).add("gap_max", gap.max_gap());
  cells.add("seconds_f64", results[0].train_seconds).add("seconds_f32", results[1].train_seconds);
  return cells.table();
}

// ---------------------------------------------------------------- summary

double median_of(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Per task and rank, over seeds: the median |f32 - f64| of each measure, how many runs separated and
// the median iteration at which they did.
void print_summary(const ResultTable& t) {
  std::map<std::pair<std::string, double>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < t.rows.size(); ++i) groups[{t.cell(i, "task"), t.number(i, "rank")}].push_back(i);
  std::printf("\nmedian over seeds of |float32 - float64| (same start, same batches); separated: runs whose W_h\n"
              "trajectories parted by more than 1e-3 relative, and the median iteration at which they did\n");
  std::printf("%-5s %5s %3s  %10s %10s %10s %9s  %9s %12s %10s\n", "task", "rank", "n", "|d dW|", "|d RA|", "|d KA|",
              "|d acc|", "separated", "at (median)", "gap final");
  for (const auto& [key, rows] : groups) {
    auto abs_diffs = [&](const std::string& m) {
      std::vector<double> v;
      for (std::size_t i : rows) v.push_back(std::fabs(t.number(i, m + "_diff")));
      return v;
    };
    std::vector<double> at, final_gap;
    for (std::size_t i : rows) {
      if (std::isfinite(t.number(i, "separated_at"))) at.push_back(t.number(i, "separated_at"));
      final_gap.push_back(t.number(i, "gap_final"));
    }
    std::printf("%-5s %5.0f %3zu  %10.3g %10.3g %10.3g %9.3g  %5zu/%-3zu %12.0f %10.3g\n", key.first.c_str(),
                key.second, rows.size(), median_of(abs_diffs("weight_change")),
                median_of(abs_diffs("representation_alignment")), median_of(abs_diffs("kernel_alignment")),
                median_of(abs_diffs("accuracy")), at.size(), rows.size(), median_of(at), median_of(final_gap));
  }
}

// One row per task: the iteration at which the two precisions parted, and how far apart the run's KA
// ended, each a box per rank over seeds.  Runs that never parted have no iteration and are left out
// of the first panel (the table above counts them); |d KA| is drawn on a log axis (1e-5 to 0.2).
void plot_summary(const ResultTable& t, const std::vector<std::string>& tasks, const std::string& path) {
  Figure fig(tasks.size(), 2, kDescription);
  for (std::size_t row = 0; row < tasks.size(); ++row) {
    std::vector<std::string> rank_at, rank_ka;
    std::vector<double> at, ka;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      if (t.cell(i, "task") != tasks[row]) continue;
      const std::string rank = "rank " + t.cell(i, "rank");
      if (std::isfinite(t.number(i, "separated_at"))) {
        rank_at.push_back(rank);
        at.push_back(t.number(i, "separated_at"));
      }
      rank_ka.push_back(rank);
      ka.push_back(std::fabs(t.number(i, "kernel_alignment_diff")));
    }
    fig.panel(row, 0)
        .title(tasks[row] + ": iteration at which f32 and f64 parted")
        .y_label("iteration (W_h gap > 1e-3 relative)")
        .boxplot("runs that parted", rank_at, at);
    fig.panel(row, 1)
        .title(tasks[row] + ": |KA(f32) - KA(f64)| at the end")
        .y_label("|d KA|")
        .y_scale(AxisScale::kLog)
        .boxplot("runs", rank_ka, ka);
  }
  fig.write(path);
}

void declare_flags(Cli& cli) {
  CommonFlags common;
  common.seeds = 3;
  common.iters = 2000;
  cli.add_common(common);
  add_rnn_flags(cli);
  cli.add_double("separation", 1e-3, "relative W_h gap that counts as separated [OURS]", 1e-12, 1.0);
  add_max_memory_flag(cli);
}

Settings read_settings(const Cli& cli) {
  Settings s;
  s.train = rnn_train_flags(cli);
  s.gain = gain_flag(cli);
  s.separation = cli.get_double("separation");
  return s;
}

int run(int argc, char** argv) {
  Cli cli(kProgram, kDescription);
  declare_flags(cli);
  if (!cli.parse_or_exit(argc, argv)) return 0;
  cli.announce_seed();
  const Settings s = read_settings(cli);
  const std::vector<std::string> tasks = cli.get_string_list("task");
  const std::size_t N = s.train.net.N;
  const std::vector<std::int64_t> ranks = ranks_flag(cli, N, "N", released_ranks(N));

  const std::vector<RunSpec> runs =
      make_sweep({sweep_axis("task", tasks), sweep_axis("rank", ranks)}, cli.seed_list());
  SweepOptions options = sweep_options(cli, {"task", "ranks"});
  // Each run trains both precisions at once, on two threads.
  check_memory_budget(cli, neurogym_rnn_run_memory(N, 2 * std::min<std::size_t>(runs.size(), cli.threads())),
                      "--N");
  RunManifest manifest = start_manifest(cli);
  manifest.precision = "f64+f32";  // both, run by run
  make_dirs(options.runs_dir);
  const SweepOutcome done = run_sweep(runs, options, [&](const RunSpec& spec, Rng&) { return run_one(spec, s); });
  const auto table = finish_sweep(done, runs, options, cli, manifest, static_cast<double>(2 * s.train.iters));
  if (!table) return 0;  // other shards pending
  print_summary(*table);
  const std::string figure = cli.out_dir() + "/precision_study.svg";
  plot_summary(*table, tasks, figure);
  report_outputs(cli, manifest, {results_csv_path(cli), figure, manifest_path(cli)});
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return guarded_main(kProgram, [&] { return run(argc, argv); }); }
