// Fig. 3B (reproduction): kernel alignment after training against the condition number kappa of
// the feature modulation F, for aligned, partially aligned, random low-rank and full-rank starts
// of the two-layer linear student-teacher network, with our predictions drawn over them:
// (D8) aligned -> 1, (D9) partial -> (cos^2 theta + d + 2) / (d + 3), (D4) per task for the random
// starts (docs/theory.md).
//
// Paper, Fig. 3 caption (B): "The aligned initialization (green) is achieved by setting W_1 as
// described in Proposition 1 (with beta = w^T F, w is as illustrated), so that the initialization
// aligns with the task statistics. The partial alignment (blue) mirrors the aligned case, but F is
// substituted with its rank-(d/2) truncation, causing the network to align only with the dominant
// features."
//
// Reading [OURS] (docs/paper.md#fig-3): the network sees whitened x, the teacher computes y = w^T F x, so
// beta = F^T w; F = Q1 diag(kappa x d/2, 1 x d/2) Q2^T (tasks/student_teacher.h).  Starts, all with
// ||W1(0)||_F = ||W2(0)|| = sigma and a random readout direction W2(0):
//   aligned   W1(0) = sigma u beta_hat^T                        prediction 1            (D8)
//   partial   W1(0) = sigma u b^T, b = beta_top / ||beta_top||, beta_top = F_top^T w    (D9)
//   low-rank  flat rank-r W1(0) with Haar random directions (r = --low-rank)            (D4)
//   full      Gaussian W1(0), rescaled                                                  (D4)
// Per seed, the task (X, w), Q1, Q2, u, W2(0) and the random W1(0) are shared by every kappa.
// The step is lr * min(1, 3 / ||beta||) [OURS]: the end point's largest Hessian eigenvalue grows
// like ||beta||, and gradient flow's path does not depend on the time scale.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/manifest.h"
#include "demos/toolkit/runner.h"
#include "demos/toolkit/svg_plot.h"
#include "demos/toolkit/train_config.h"
#include "demos/toolkit/table_summary.h"
#include "linalg/norms.h"
#include "linalg/qr.h"
#include "linalg/rng.h"
#include "nn/measures.h"
#include "nn/two_layer_linear.h"
#include "tasks/student_teacher.h"
#include "theory/linear_alignment.h"
#include "theory/linear_setup.h"

namespace {

using namespace rl;

const char* const kConditions[] = {"aligned", "partial", "low-rank", "full"};

struct Settings {
  std::size_t d, h, n, low_rank;
  double sigma, teacher_norm;
  GdOptions gd;  // --lr, --iters (step cap), --loss-tol (demos/toolkit/train_config.h)
};

struct RunRow {
  std::uint64_t seed;
  double kappa;
  std::string condition;
  double cos_sq, ka, ka_pred, final_loss;
  int steps;
  bool converged;
  bool diverged = false;  // the loss became non-finite: kept and flagged, measured KA NaN
};

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

std::vector<double> normalised(std::vector<double> v) {
  const double len = std::sqrt(dot(v, v));
  for (double& x : v) x /= len;
  return v;
}

// What one seed shares across kappas.
struct SeedDraws {
  Matrix X, W2_0, W1_low, W1_full;
  std::vector<double> w, u;
};

SeedDraws draw_seed(const Settings& s, std::uint64_t seed) {
  Rng rng(derive_seed(seed, 0));
  SeedDraws draws;
  draws.X = whitened_inputs(s.d, s.n, rng);
  draws.w = teacher_vector(s.d, s.teacher_norm, rng);
  draws.u = random_unit_vector(s.h, rng);
  draws.W2_0 = readout_with_norm(s.h, s.sigma, rng);
  draws.W1_low = first_layer_with_spectrum(s.h, s.d, flat_spectrum(s.low_rank), s.sigma, rng);
  draws.W1_full = gaussian_matrix(s.h, s.d, rng);
  draws.W1_full *= s.sigma / frobenius_norm(draws.W1_full);
  return draws;
}

RunRow train_condition(const Settings& s, const SeedDraws& draws, const std::vector<double>& beta,
                       const std::vector<double>& b, const Matrix& W1_0, const char* condition) {
  const TwoLayerLinear initial = make_two_layer_linear(W1_0, draws.W2_0);
  TwoLayerLinear net = initial;
  GdOptions gd = s.gd;
  gd.lr = s.gd.lr * std::min(1.0, 3.0 / std::sqrt(dot(beta, beta)));  // [OURS], see header
  RunRow row{};
  row.condition = condition;
  GdResult res;
  try {  // a diverging run (--lr 10, --sigma 1e6) is kept and flagged, as in the RNN programs
    res = train_gradient_descent(net, draws.X, target_row(beta, draws.X), gd);
    row.ka = kernel_alignment(two_layer_linear_tangent_kernel(initial, draws.X, KernelParams::kBoth),
                              two_layer_linear_tangent_kernel(net, draws.X, KernelParams::kBoth));
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "WARNING: %s start: %s; kept and flagged diverged in runs.csv\n", condition, e.what());
    row.diverged = true;
    row.ka = res.final_loss = std::nan("");
  }
  const std::vector<double> beta_hat = normalised(beta);
  row.cos_sq = b.empty() ? std::nan("") : dot(b, beta_hat) * dot(b, beta_hat);
  const std::string c = condition;
  if (c == "aligned" || c == "partial")
    row.ka_pred = partial_alignment_ka(s.d, std::min(1.0, row.cos_sq));  // (D9); cos^2 = 1: (D8)
  else
    row.ka_pred = ka_after_training(ntk_metric(W1_0, draws.W2_0), beta);  // (D4)
  row.steps = res.steps;
  row.final_loss = res.final_loss;
  row.converged = res.converged;
  return row;
}

std::vector<RunRow> run_seed_kappa(const Settings& s, const SeedDraws& draws, std::uint64_t seed,
                                   double kappa) {
  Rng f_rng(derive_seed(seed, 1));  // same Q1, Q2 for every kappa of this seed
  const FeatureModulation fm = feature_modulation(s.d, kappa, f_rng);
  const std::vector<double> beta = task_vector(draws.w, fm.F);
  const std::vector<double> beta_top = task_vector(draws.w, fm.F_top);
  const std::vector<double> beta_hat = normalised(beta), top_hat = normalised(beta_top);
  std::vector<RunRow> rows;
  rows.push_back(train_condition(s, draws, beta, beta_hat,
                                 aligned_rank_one_first_layer(beta, draws.u, s.sigma), "aligned"));
  rows.push_back(train_condition(s, draws, beta, top_hat,
                                 aligned_rank_one_first_layer(beta_top, draws.u, s.sigma), "partial"));
  rows.push_back(train_condition(s, draws, beta, {}, draws.W1_low, "low-rank"));
  rows.push_back(train_condition(s, draws, beta, {}, draws.W1_full, "full"));
  for (RunRow& r : rows) {
    r.seed = seed;
    r.kappa = kappa;
  }
  return rows;
}

void write_csv(const std::vector<RunRow>& rows, const std::string& path) {
  CsvWriter w({"seed", "kappa", "condition", "cos_sq", "ka", "ka_pred", "abs_err", "steps",
               "final_loss", "converged", "diverged"});
  for (const RunRow& r : rows)
    w.add_row({r.seed, r.kappa, r.condition, r.cos_sq, r.ka, r.ka_pred, std::fabs(r.ka - r.ka_pred),
               r.steps, r.final_loss, r.converged ? 1 : 0, r.diverged ? 1 : 0});
  w.write(path);
}

void write_svg(const std::vector<RunRow>& rows, const std::vector<double>& kappas,
               std::uint64_t seed, const std::string& path) {
  Figure fig(1, 1, "Fig. 3B (reproduction): KA vs kappa");
  Panel& p = fig.panel(0, 0);
  p.title("dots: trained; lines: predicted (D8/D9/D4)")
      .x_label("kappa (condition number of F)")
      .y_label("KA(K(0), K(f))")
      .x_scale(AxisScale::kLog);
  Rng jitter(seed);
  for (const char* condition : kConditions) {
    std::vector<double> x, y, mean_pred;
    for (double kappa : kappas) {
      double sum = 0.0, n = 0.0;
      for (const RunRow& r : rows) {
        if (r.condition != condition || r.kappa != kappa) continue;
        x.push_back(kappa);
        y.push_back(r.ka);
        sum += r.ka_pred;
        n += 1.0;
      }
      mean_pred.push_back(sum / n);
    }
    p.scatter(condition, x, y, 4.0, jitter);
    p.line(std::string(condition) + " predicted", kappas, mean_pred);
  }
  fig.write(path);
}

// Diverged runs are left out of the KA mean and counted in a `diverged` column, printed only when
// some run diverged (an ordinary table reads as before); a non-finite error is left out of the largest
// and counted (demos/toolkit/table_summary.h), and "undefined" when no run has a finite one.
double print_table(const std::vector<RunRow>& rows, const std::vector<double>& kappas) {
  const bool any_diverged = std::any_of(rows.begin(), rows.end(), [](const RunRow& r) { return r.diverged; });
  std::printf("%8s %10s %6s %12s %12s %12s %10s%s\n", "kappa", "start", "runs", "KA", "predicted",
              "max |err|", "cos^2", any_diverged ? "  diverged" : "");
  LargestError worst;
  for (double kappa : kappas)
    for (const char* condition : kConditions) {
      double n = 0, n_ok = 0, ka = 0, pred = 0, cos_sq = 0;
      LargestError err;
      for (const RunRow& r : rows) {
        if (r.condition != condition || r.kappa != kappa) continue;
        n += 1;
        pred += r.ka_pred;
        cos_sq += r.cos_sq;
        if (r.diverged) {
          err.leave_out();
          worst.leave_out();
          continue;
        }
        n_ok += 1;
        ka += r.ka;
        err.add(r.ka - r.ka_pred);
        worst.add(r.ka - r.ka_pred);
      }
      std::printf("%8g %10s %6.0f %12.8f %12.8f %12.3e %10.6f", kappa, condition, n,
                  n_ok > 0 ? ka / n_ok : std::nan(""), pred / n, err.value(), cos_sq / n);
      if (any_diverged) std::printf(" %9.0f", n - n_ok);
      std::printf("\n");
    }
  std::printf("largest |KA - prediction| over all runs: %s\n", worst.text().c_str());
  return worst.value();
}

// The flags: the shared ones with this program's defaults (demos/toolkit/cli.h), then its own.
void declare_flags(Cli& cli) {
  CommonFlags common;
  common.seeds = 10;
  common.iters = GdOptions().max_steps;  // step cap [OURS]
  // One second, serially, no training log: the sweep flags would have nothing to act on.
  common.omit = {"task", "ranks", "gain", "threads", "log-every", "shard"};
  common.out = "out/fig3b";
  cli.add_common(common);
  cli.add_double_list("kappas", {1, 2, 4, 8, 16}, "condition numbers of F [OURS]", 1e-6, 1e6);
  cli.add_int("d", 20, "input dimension, even [OURS]", 2, 100000);
  cli.add_int("h", 100, "hidden units [OURS]", 1, 100000);
  cli.add_int("n", 100, "samples (n >= d) [OURS]", 1, 10000000);
  cli.add_int("low-rank", 1, "rank of the random low-rank start [OURS]", 1, 100000);
  cli.add_double("sigma", 1e-3, "initial Frobenius norm of W1 and of W2 [OURS]", 1e-12, 1e6);
  add_gd_flags(cli, "gradient-descent step, scaled by min(1, 3/||beta||) [OURS]");
  cli.add_double("teacher-norm", 3.0, "||w|| [OURS]", 1e-12, 1e6);
}

// What every run shares, from the flags (refused with exit 2 unless d is even and low-rank <= min(d, h) <= n).
Settings read_settings(const Cli& cli) {
  Settings s;
  s.d = static_cast<std::size_t>(cli.get_int("d"));
  s.h = static_cast<std::size_t>(cli.get_int("h"));
  s.n = static_cast<std::size_t>(cli.get_int("n"));
  s.low_rank = static_cast<std::size_t>(cli.get_int("low-rank"));
  s.sigma = cli.get_double("sigma");
  s.teacher_norm = cli.get_double("teacher-norm");
  s.gd = gd_flags(cli);
  if (s.low_rank > std::min(s.d, s.h))
    throw CliError("--low-rank: must be at most min(d, h)");
  if (s.d % 2 != 0)  // F pairs the input directions (feature_modulation)
    throw CliError("--d: must be even, got " + std::to_string(s.d));
  if (s.n < s.d)  // whitened inputs need n >= d samples
    throw CliError("--n: must be at least --d = " + std::to_string(s.d) + ", got " + std::to_string(s.n));
  return s;
}

// Every seed x kappa x start, in order; a run that did not reach the loss tolerance is kept, with a warning.
std::vector<RunRow> run_all(const Cli& cli, const Settings& s, const std::vector<double>& kappas) {
  std::vector<RunRow> rows;
  for (std::uint64_t seed : cli.seed_list()) {
    const SeedDraws draws = draw_seed(s, seed);
    for (double kappa : kappas)
      for (const RunRow& r : run_seed_kappa(s, draws, seed, kappa)) {
        if (!r.converged)
          std::fprintf(stderr, "warning: seed %llu kappa %g %s did not reach the loss tolerance "
                       "(loss %.3e)\n", static_cast<unsigned long long>(seed), kappa,
                       r.condition.c_str(), r.final_loss);
        rows.push_back(r);
      }
  }
  return rows;
}

int run(int argc, char** argv) {
  Cli cli("fig3b_aligned_init",
          "Fig. 3B: KA after training vs kappa for aligned, partially aligned, random low-rank and "
          "full-rank starts, with the (D8)/(D9)/(D4) predictions of docs/theory.md.");
  declare_flags(cli);
  if (!cli.parse_or_exit(argc, argv)) return 0;

  const std::uint64_t first_seed = cli.announce_seed();
  RunManifest manifest = start_manifest(cli);
  manifest.notes.push_back({"hyper-parameters", "all [OURS] defaults of docs/paper.md#two-layer-linear and #fig-3"});

  const Settings s = read_settings(cli);
  const std::vector<double>& kappas = cli.get_double_list("kappas");

  const std::vector<RunRow> rows = run_all(cli, s, kappas);

  const std::string out = cli.out_dir();
  write_csv(rows, out + "/runs.csv");
  write_svg(rows, kappas, first_seed, out + "/fig3b.svg");
  print_table(rows, kappas);
  write_manifest(out + "/manifest.json", manifest);
  std::printf("wrote %s/runs.csv, %s/fig3b.svg, %s/manifest.json\n", out.c_str(), out.c_str(),
              out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return rl::guarded_main("fig3b_aligned_init", [&] { return run(argc, argv); }); }
