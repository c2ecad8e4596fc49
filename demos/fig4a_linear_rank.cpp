// Fig. 4A (reproduction): kernel alignment after training against the rank of W1(0) in the
// two-layer linear student-teacher network (docs/paper.md#two-layer-linear and #fig-4), with our closed forms drawn over
// the trained networks: the per-task (D4) prediction and the expected (D5) curve
// (docs/theory.md).
//
// Paper, Fig. 4 caption: "As predicted by the theoretical results, higher rank random
// initialization leads to effectively lazier learning in two-layer linear network. A) We use the
// student-teacher two-layer linear network setup described in Section [theory]."
//
// One dot per task (= per seed): for every seed one task (X, w*) and one readout direction are
// drawn and shared by all ranks (paired comparison); W1(0) is a flat rank-r spectrum with Haar
// random singular vectors, ||W1(0)||_F = ||W2(0)|| = sigma.  Every hyper-parameter is [OURS]
// (docs/paper.md#two-layer-linear): d = 20, h = 100, n = 100, sigma = 1e-3, lr = 0.05, stop at loss < 1e-12 or
// 20,000 steps, ||w*|| = 3.
//
// Writes out/fig4a/runs.csv (one row per run), out/fig4a/fig4a.svg, out/fig4a/manifest.json, and
// prints measured next to predicted values per rank and the largest discrepancy.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/manifest.h"
#include "demos/toolkit/rank_axis.h"
#include "demos/toolkit/runner.h"
#include "demos/toolkit/svg_plot.h"
#include "demos/toolkit/train_config.h"
#include "demos/toolkit/table_summary.h"
#include "linalg/norms.h"
#include "linalg/rng.h"
#include "nn/measures.h"
#include "nn/two_layer_linear.h"
#include "tasks/student_teacher.h"
#include "theory/linear_alignment.h"
#include "theory/linear_setup.h"

namespace {

using namespace rl;

struct Settings {
  std::size_t d, h, n;
  double sigma, teacher_norm;
  GdOptions gd;  // --lr, --iters (step cap), --loss-tol (demos/toolkit/train_config.h)
};

struct RunRow {
  std::uint64_t seed;
  std::size_t rank;
  double pr, ka, ka_pred, ka_expected, ka_feat, ka_feat_pred, ka_feat_expected;
  double change_sq, change_sq_pred, final_loss;
  int steps;
  bool converged;
  bool diverged = false;  // the loss became non-finite: kept and flagged, measured values NaN
};

RunRow run_one(const Settings& s, std::uint64_t seed, std::size_t rank, const Matrix& X,
               const std::vector<double>& w_star, const Matrix& W2_0) {
  Rng rng(derive_seed(seed, 1000 + rank));  // W1(0) directions: one stream per (seed, rank)
  const Matrix W1_0 = first_layer_with_spectrum(s.h, s.d, flat_spectrum(rank), s.sigma, rng);
  const TwoLayerLinear initial = make_two_layer_linear(W1_0, W2_0);
  TwoLayerLinear net = initial;
  RunRow row{};
  row.seed = seed;
  row.rank = rank;
  row.pr = first_layer_participation_ratio(W1_0);
  GdResult gd;
  try {  // a diverging run (--lr 10, --sigma 1e6) is kept and flagged, as in the RNN programs
    gd = train_gradient_descent(net, X, target_row(w_star, X), s.gd);
    row.ka = kernel_alignment(two_layer_linear_tangent_kernel(initial, X, KernelParams::kBoth),
                              two_layer_linear_tangent_kernel(net, X, KernelParams::kBoth));
    row.ka_feat = kernel_alignment(two_layer_linear_tangent_kernel(initial, X, KernelParams::kW2),
                                   two_layer_linear_tangent_kernel(net, X, KernelParams::kW2));
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "WARNING: seed %llu rank %zu: %s; kept and flagged diverged in runs.csv\n",
                 static_cast<unsigned long long>(seed), rank, e.what());
    row.diverged = true;
    row.ka = row.ka_feat = gd.final_loss = std::nan("");
    net.W1 = Matrix(W1_0.rows(), W1_0.cols(), std::nan(""));
  }
  const Matrix A0 = ntk_metric(W1_0, W2_0);
  row.ka_pred = ka_after_training(A0, w_star);                         // (D4)
  row.ka_expected = expected_ka_from_pr(s.d, row.pr);                  // (D5)
  row.ka_feat_pred = feature_ka_after_training(W1_0, w_star);          // (D6) per task
  row.ka_feat_expected = expected_feature_ka_from_pr(s.d, row.pr);     // (D6) expectation
  const Matrix d1 = net.W1 - W1_0, d2 = net.W2 - W2_0;
  row.change_sq = frobenius_inner(d1, d1) + frobenius_inner(d2, d2);
  row.change_sq_pred = small_init_weight_change_sq(w_star);            // (D3)
  row.steps = gd.steps;
  row.final_loss = gd.final_loss;
  row.converged = gd.converged;
  return row;
}

void write_csv(const std::vector<RunRow>& rows, const std::string& path) {
  CsvWriter w({"seed", "rank", "pr", "ka", "ka_pred_D4", "ka_expected_D5", "ka_feat",
               "ka_feat_pred_D6", "ka_feat_expected_D6", "weight_change_sq", "weight_change_sq_pred_D3",
               "steps", "final_loss", "converged", "diverged"});
  for (const RunRow& r : rows)
    w.add_row({r.seed, r.rank, r.pr, r.ka, r.ka_pred, r.ka_expected, r.ka_feat, r.ka_feat_pred,
               r.ka_feat_expected, r.change_sq, r.change_sq_pred, r.steps, r.final_loss,
               r.converged ? 1 : 0, r.diverged ? 1 : 0});
  w.write(path);
}

// The (D5) and (D6) expectation curves over a fine grid of participation ratios in [1, d].
void draw_expectation_curves(const Settings& s, Panel& ka_panel, Panel& feat_panel) {
  std::vector<double> pr, ka, feat;
  for (int k = 0; k <= 100; ++k) {
    const double p = std::pow(static_cast<double>(s.d), k / 100.0);  // log-spaced 1..d
    pr.push_back(p);
    ka.push_back(expected_ka_from_pr(s.d, p));
    feat.push_back(expected_feature_ka_from_pr(s.d, p));
  }
  ka_panel.line("E[KA] (D5), flat rank r: PR = r", pr, ka);
  feat_panel.line("E[KA_feat] = sqrt(PR)/d (D6)", pr, feat);
}

void write_svg(const Settings& s, const std::vector<RunRow>& rows, std::uint64_t seed,
               const std::string& path) {
  std::vector<double> rank, ka, ka_pred, feat, feat_pred;
  for (const RunRow& r : rows) {
    rank.push_back(static_cast<double>(r.rank));
    ka.push_back(r.ka);
    ka_pred.push_back(r.ka_pred);
    feat.push_back(r.ka_feat);
    feat_pred.push_back(r.ka_feat_pred);
  }
  Figure fig(1, 2, "Fig. 4A (reproduction): two-layer linear net, KA after training vs rank of W1(0)");
  Panel& a = fig.panel(0, 0);
  a.title("full tangent kernel (W1 and W2)").x_label("rank of W1(0)").y_label("KA(K(0), K(f))");
  a.x_scale(AxisScale::kLog);
  Rng jitter(seed);
  a.scatter("trained, one dot per task", rank, ka, 4.0, jitter);
  a.scatter("per-task prediction (D4)", rank, ka_pred);
  Panel& b = fig.panel(0, 1);
  b.title("feature kernel (W2-gradient part)").x_label("rank of W1(0)").y_label("KA_feat");
  b.x_scale(AxisScale::kLog);
  b.scatter("trained, one dot per task", rank, feat, 4.0, jitter);
  b.scatter("per-task prediction (D6)", rank, feat_pred);
  draw_expectation_curves(s, a, b);
  fig.write(path);
}

// Per rank: mean measured, mean per-task prediction, expectation; returns the largest
// |measured - (D4)| over all runs.
// Diverged runs are left out of the measured means and counted in a `diverged` column, printed only
// when some run diverged (an ordinary table reads as before); a non-finite error is left out of the
// largest and counted (demos/toolkit/table_summary.h), and "undefined" when no run has a finite one.
double print_table(const std::vector<RunRow>& rows, const std::vector<std::int64_t>& ranks) {
  const bool any_diverged = std::any_of(rows.begin(), rows.end(), [](const RunRow& r) { return r.diverged; });
  std::printf("%5s %6s %12s %12s %12s %12s %12s %12s %10s%s\n", "rank", "runs", "KA", "KA (D4)",
              "E[KA] (D5)", "KA_feat", "feat (D6)", "E[feat]", "dW^2/2|w*|", any_diverged ? "  diverged" : "");
  LargestError worst, worst_feat, worst_change;
  for (std::int64_t r : ranks) {
    double n = 0, n_ok = 0, ka = 0, pred = 0, expct = 0, feat = 0, feat_pred = 0, feat_exp = 0, change = 0;
    for (const RunRow& row : rows) {
      if (row.rank != static_cast<std::size_t>(r)) continue;
      n += 1;
      pred += row.ka_pred;
      expct += row.ka_expected;
      feat_pred += row.ka_feat_pred;
      feat_exp += row.ka_feat_expected;
      if (row.diverged) {
        for (LargestError* e : {&worst, &worst_feat, &worst_change}) e->leave_out();
        continue;
      }
      n_ok += 1;
      ka += row.ka;
      feat += row.ka_feat;
      change += row.change_sq / row.change_sq_pred;
      worst.add(row.ka - row.ka_pred);
      worst_feat.add(row.ka_feat - row.ka_feat_pred);
      worst_change.add(row.change_sq / row.change_sq_pred - 1.0);
    }
    if (n == 0) continue;
    const double nan = std::nan("");
    std::printf("%5lld %6.0f %12.8f %12.8f %12.8f %12.8f %12.8f %12.8f %10.6f", static_cast<long long>(r), n,
                n_ok ? ka / n_ok : nan, pred / n, expct / n, n_ok ? feat / n_ok : nan, feat_pred / n, feat_exp / n,
                n_ok ? change / n_ok : nan);
    if (any_diverged) std::printf(" %9.0f", n - n_ok);
    std::printf("\n");
  }
  std::printf("largest |KA - (D4)| over all runs:           %s\n", worst.text().c_str());
  std::printf("largest |KA_feat - (D6)| over all runs:      %s\n", worst_feat.text().c_str());
  std::printf("largest |dW^2 / (2 |w*|) - 1| (D3), O(sigma): %s\n", worst_change.text().c_str());
  return worst.value();
}

// The flags: the shared ones with this program's defaults (demos/toolkit/cli.h), then its own.
void declare_flags(Cli& cli) {
  CommonFlags common;
  common.seeds = 10;  // tasks (dots) per rank
  common.ranks = {1, 2, 5, 10, 20};
  common.iters = GdOptions().max_steps;  // step cap [OURS]
  // One second, serially, no training log: the sweep flags would have nothing to act on.
  common.omit = {"task", "gain", "threads", "log-every", "shard"};
  common.out = "out/fig4a";
  cli.add_common(common);
  cli.add_int("d", 20, "input dimension [OURS]", 1, 100000);
  cli.add_int("h", 100, "hidden units [OURS]", 1, 100000);
  cli.add_int("n", 100, "samples (n >= d) [OURS]", 1, 10000000);
  cli.add_double("sigma", 1e-3, "initial Frobenius norm of W1 and of W2 [OURS]", 1e-12, 1e6);
  add_gd_flags(cli, "gradient-descent step [OURS]");
  cli.add_double("teacher-norm", 3.0, "||w*|| [OURS]", 1e-12, 1e6);
}

// What every run shares, from the flags (refused with exit 2 unless n >= d).
Settings read_settings(const Cli& cli) {
  Settings s;
  s.d = static_cast<std::size_t>(cli.get_int("d"));
  s.h = static_cast<std::size_t>(cli.get_int("h"));
  s.n = static_cast<std::size_t>(cli.get_int("n"));
  s.sigma = cli.get_double("sigma");
  s.teacher_norm = cli.get_double("teacher-norm");
  s.gd = gd_flags(cli);
  if (s.n < s.d)  // whitened inputs need n >= d samples
    throw CliError("--n: must be at least --d = " + std::to_string(s.d) + ", got " + std::to_string(s.n));
  return s;
}

// Every seed x rank, in order: one task (X, w*) and readout per seed, shared by its ranks.
std::vector<RunRow> run_all(const Cli& cli, const Settings& s, const std::vector<std::int64_t>& ranks) {
  std::vector<RunRow> rows;
  for (std::uint64_t seed : cli.seed_list()) {
    Rng task_rng(derive_seed(seed, 0));  // the task and the readout, shared by every rank
    const Matrix X = whitened_inputs(s.d, s.n, task_rng);
    const std::vector<double> w_star = teacher_vector(s.d, s.teacher_norm, task_rng);
    const Matrix W2_0 = readout_with_norm(s.h, s.sigma, task_rng);
    for (std::int64_t r : ranks) {
      rows.push_back(run_one(s, seed, static_cast<std::size_t>(r), X, w_star, W2_0));
      if (!rows.back().converged)
        std::fprintf(stderr, "warning: seed %llu rank %lld did not reach loss %.1e (loss %.3e)\n",
                     static_cast<unsigned long long>(seed), static_cast<long long>(r),
                     s.gd.loss_tol, rows.back().final_loss);
    }
  }
  return rows;
}

int run(int argc, char** argv) {
  Cli cli("fig4a_linear_rank",
          "Fig. 4A: KA after training vs rank of W1(0), two-layer linear student-teacher, with the "
          "(D4)/(D5) predictions of docs/theory.md.");
  declare_flags(cli);
  if (!cli.parse_or_exit(argc, argv)) return 0;

  const std::uint64_t first_seed = cli.announce_seed();
  RunManifest manifest = start_manifest(cli);
  manifest.notes.push_back({"hyper-parameters", "all [OURS] defaults of docs/paper.md#two-layer-linear"});

  const Settings s = read_settings(cli);
  const std::vector<std::int64_t> ranks = ranks_flag(cli, std::min(s.d, s.h), "min(d, h)");

  const std::vector<RunRow> rows = run_all(cli, s, ranks);

  const std::string out = cli.out_dir();
  write_csv(rows, out + "/runs.csv");
  write_svg(s, rows, first_seed, out + "/fig4a.svg");
  print_table(rows, ranks);
  write_manifest(out + "/manifest.json", manifest);
  std::printf("wrote %s/runs.csv, %s/fig4a.svg, %s/manifest.json\n", out.c_str(), out.c_str(),
              out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return rl::guarded_main("fig4a_linear_rank", [&] { return run(argc, argv); }); }
