// Fig. 2 (reproduction): biologically motivated initial connectivity against a Gaussian null.
// (Over 400 lines on purpose: the whole Fig. 2 experiment -- spectra, training runs, tables, verdicts and
// figure -- in one file that reads top-down; the method itself is in nn/ and nn/connectivity/.)
//
// Paper, Fig. 2 caption [CAP] (seeds/003): "Low-rank initial weight structures, inspired by biological
// examples, lead to effectively richer learning. We present the eigenspectrum and the relative
// effective rank of connectivity in A) structures with cell-type-specific statistics, B) structures
// derived from EM data, C) structures obeying Dale's law, and D) structures with an
// over-representation of chain motifs; we also present the effective learning laziness for networks
// initialized with these connectivity structures. [...] The boxplots are generated from 10
// independent runs with different initialization seeds."
//
// For every structure of nn/connectivity/fig2_registry.h (cell types, EM V1DD, EM pinky100, Dale, SONET
// chains), its controls (EM shuffles, SONET without chains) and the Gaussian of the same N at the
// same norm (default Frobenius, g = 1.25), the program
//   1. computes the spectrum of W_h(0) for every seed: |lambda_i| / |lambda_1| against i / N (drawn
//      for the first seed) and the relative effective ranks sum|lambda| / (|lambda_1| N) (the paper's
//      Fig. 2 measure [REV]) and sum s / (s_1 N) beside it;
//   2. trains the paper's RNN (docs/paper.md#rnn-model, #initial-weights and #training: ReLU, alpha = 1, W_in / W_out PyTorch-uniform, SGD
//      lr 0.003 momentum 0.9, batch 32) on 2AF (--task dms / cxt for the appendix figures) from that
//      W_h(0), and measures ||dW_h||_F, RA and KA on fixed probes (nn/rnn_experiment.h);
//   3. prints the medians per entry and, per structure, whether it learns more richly than its
//      Gaussian (larger dW AND lower KA, on the medians); when not, the initial dynamical regime
//      (spectral radius, fraction of active units at the decision step on the probe trials).
// The recipes of the paper's structures are unknown (docs/paper.md#unknowns): ours are sourced substitutes
// (docs/connectivity.md).  EM pinky100 is all excitatory; we centre it by default (--pinky raw keeps it).
//
// Outputs (in --out, default out/fig2): ranks.csv (entry x seed), spectra.csv (first
// seed's curves), results.csv (one row per trained run; per-run files in runs/ for resume and
// --shard), fig2_biological_<task>.svg (one row per structure: spectrum, effective ranks, dW, RA, KA
// box plots with the dots), manifest.json.
//
// Built-in defaults: 2AF, 10 seeds (the caption's boxplots), 1,000 iterations, N = 300; about 2
// minutes on 2 cores (130 runs at 2,000 iterations took 3.6 minutes, docs/reproducing.md).
// Paper scale (docs/paper.md#fig-2: 10 seeds, 10,000 iterations; about an hour per task on 2 cores):
//   fig2_biological --seeds 10 --iters 10000                     (2AF, Fig. 2)
//   fig2_biological --seeds 10 --iters 10000 --task dms,cxt      (appendix figures)
// Spectra and effective ranks only (seconds): fig2_biological --no-train
// Measured here (2 cores): defaults 4-5 min; --norm radius --seeds 10 --iters 2000, 4:20 (130 runs,
// docs/reproducing.md); earlier, --norm radius --seeds 5 --iters 3000, 12.5 min.
// Reading the results: at equal Frobenius norm (default) the structures with a large outlier
// (cell types, Dale, SONET chains: spectral radius 7-10 against 1.3) start in an exploding or silent
// ReLU regime; those runs are kept and flagged (diverged / silent) and the program prints their
// regime.  --norm radius compares every matrix at the Gaussian's spectral radius g instead (the
// reviewers' confound, docs/paper.md#initial-weights item 6).
//
// Randomness: matrices from the registry's per-name streams (nn/connectivity/fig2_registry.h); per seed, stream 2
// draws W_in and W_out (shared by every entry of the same N) and stream 3 the trial stream and probes
// (shared by every entry), so structure and Gaussian are a paired comparison.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/cli.h"
#include "demos/toolkit/evolution.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/manifest.h"
#include "demos/toolkit/runner.h"
#include "demos/toolkit/svg_plot.h"
#include "demos/toolkit/table_summary.h"
#include "demos/toolkit/train_config.h"
#include "nn/loss.h"
#include "nn/measures.h"
#include "nn/optim.h"
#include "nn/connectivity/fig2_registry.h"
#include "nn/connectivity/spectrum_report.h"
#include "nn/norm_kind.h"
#include "nn/rnn_experiment.h"
#include "tasks/paper_probe.h"

namespace {

using namespace rl;

constexpr const char* kProgram = "fig2_biological";
constexpr std::uint64_t kStreamIo = 2, kStreamData = 3;  // see the header comment

const std::vector<std::string> kRankColumns = {"entry", "structure", "role", "N", "seed", "norm",
                                               "relative_rank_eigen", "relative_rank_singular",
                                               "spectral_radius", "spectral_norm", "frobenius", "eig_converged"};
struct Settings {
  Fig2Options options;
  std::string norm_name;
  RnnTrainConfig train;  // iters, lr, momentum, log_every (loss, dW, RA, KA every k iterations: runs/*_log.csv)
  std::string runs_dir;
};

// ---------------------------------------------------------------- spectra and effective ranks

// Spectrum report of every entry x seed, in parallel (results in sweep order).
std::vector<SpectrumReport> spectra_of(const std::vector<RunSpec>& jobs, const std::vector<Fig2Entry>& entries,
                                       const Settings& s, int threads) {
  return run_parallel(
      jobs,
      [&](const RunSpec& r, Rng&) {
        return fig2_spectrum(build_fig2_entry(find_fig2_entry(entries, r.param("entry")), s.options, r.seed).W_h);
      },
      {threads, std::string(kProgram) + " spectra", true});
}

void write_ranks(const std::vector<RunSpec>& jobs, const std::vector<SpectrumReport>& reports,
                 const std::vector<Fig2Entry>& entries, const Settings& s, const std::string& path) {
  CsvWriter w(kRankColumns);
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const Fig2Entry& e = find_fig2_entry(entries, jobs[k].param("entry"));
    const SpectrumReport& r = reports[k];
    w.add_row({e.name, e.structure, to_string(e.role), static_cast<unsigned long long>(e.N),
               static_cast<unsigned long long>(jobs[k].seed), s.norm_name, r.relative_rank_eigen,
               r.relative_rank_singular, r.spectral_radius, r.spectral_norm, r.frobenius, r.eig_converged ? 1 : 0});
  }
  w.write(path);
}

// The first seed's |lambda_i| / |lambda_1| against (i + 1) / N, one block of rows per entry.
void write_spectra(const std::vector<RunSpec>& jobs, const std::vector<SpectrumReport>& reports,
                   std::uint64_t first_seed, const std::string& path) {
  CsvWriter w({"entry", "seed", "index", "index_over_N", "modulus_rel", "eigen_real", "eigen_imag",
               "singular_value"});
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    if (jobs[k].seed != first_seed) continue;
    const SpectrumReport& r = reports[k];
    for (std::size_t i = 0; i < r.N; ++i)
      w.add_row({jobs[k].param("entry"), static_cast<unsigned long long>(first_seed),
                 static_cast<unsigned long long>(i), r.index_over_N[i], r.modulus_rel[i], r.eigenvalues[i].real(),
                 r.eigenvalues[i].imag(), r.singular_values[i]});
  }
  w.write(path);
}

// ---------------------------------------------------------------- training runs

// Initial regime on the probe set: fraction of (trial, unit) entries with h > 0 at the decision step,
// and fraction of units active on at least one probe trial there.
struct Regime {
  double active_fraction = 0, units_active = 0;
};

Regime initial_regime(const RnnParams& init, const RnnConfig& net, const SeqBatch& probe) {
  const Matrix H = last_state(rnn_forward(init, net, probe));  // (P, N)
  std::size_t active = 0, units = 0;
  for (std::size_t j = 0; j < H.cols(); ++j) {
    bool any = false;
    for (std::size_t i = 0; i < H.rows(); ++i)
      if (H(i, j) > 0.0) {
        ++active;
        any = true;
      }
    units += any;
  }
  return {static_cast<double>(active) / static_cast<double>(H.rows() * H.cols()),
          static_cast<double>(units) / static_cast<double>(H.cols())};
}

CsvWriter run_one(const RunSpec& spec, const std::vector<Fig2Entry>& entries, const Settings& s) {
  const std::string task = spec.param("task");
  const Fig2Entry& e = find_fig2_entry(entries, spec.param("entry"));
  RnnTaskSetup setup = neurogym_setup(task, derive_seed(spec.seed, kStreamData));
  Rng io_rng(derive_seed(spec.seed, kStreamIo));
  RnnParams init = paper_io_init(setup.n_in, e.N, setup.n_out, io_rng);  // docs/paper.md#rnn-model
  init.W_h = build_fig2_entry(e, s.options, spec.seed).W_h;              // (N, N)

  RnnTrainConfig config = s.train;
  config.net = {setup.n_in, e.N, setup.n_out, 1.0, Activation::kRelu};  // docs/paper.md#rnn-model: alpha = 1, ReLU
  const Regime regime = initial_regime(init, config.net, setup.probe);
  // An exploding start comes back flagged, not thrown: overflowing logits -> diverged (NaN measures
  // once the weights are no longer finite); a network silent on the probe -> alignments undefined.
  const RnnRunResult r = run_rnn_experiment(config, init, setup);
  const bool silent = r.alignments_undefined;
  if (config.log_every) write_measure_log(r.log, measure_log_path(s.runs_dir, spec));
  if (silent)  // a silent (all-zero) or non-finite network on the probe: the reason is in r.warning
    std::fprintf(stderr, "WARNING: %s: %s; kept with dW and flagged silent in results.csv\n", spec.id().c_str(),
                 r.warning.c_str());
  if (r.diverged)
    std::fprintf(stderr, "WARNING: %s diverged (final loss %g); kept and flagged in results.csv\n",
                 spec.id().c_str(), r.loss_final);
  CsvRecord row;
  row.add("task", task).add("entry", e.name).add("structure", e.structure).add("role", to_string(e.role));
  row.add("N", e.N).add("seed", spec.seed).add("iters", r.iterations_done).add("norm", s.norm_name);
  row.add("init_active_fraction", regime.active_fraction).add("init_units_active", regime.units_active);
  return row.add(rnn_measure_cells(r)).add(rnn_run_cells(r)).table();
}

// ---------------------------------------------------------------- tables

// Values of `column` over the rows of `table` whose "entry" is `entry` (and "task" is `task`, if given).
std::vector<double> column_of(const ResultTable& table, const std::string& entry, const std::string& column,
                              const std::string& task = "") {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < table.rows.size(); ++i)
    if (table.cell(i, "entry") == entry && (task.empty() || table.cell(i, "task") == task)) rows.push_back(i);
  return values_of(table, rows, column.c_str());  // a diverged run's values are NaN
}

double count(const std::vector<double>& flags) {
  double n = 0;
  for (double f : flags) n += f;
  return n;
}

double median_or_nan(const std::vector<double>& v) {
  return finite_values(v).empty() ? std::nan("") : quantile(v, 0.5);
}

// The entries of one structure's row of panels: the structure, its controls, its Gaussian.
std::vector<const Fig2Entry*> group_of(const std::vector<Fig2Entry>& entries, const std::string& structure) {
  std::vector<const Fig2Entry*> group;
  for (const Fig2Entry& e : entries)
    if (e.structure == structure) group.push_back(&e);
  group.push_back(&find_fig2_entry(entries, group.front()->gaussian));
  return group;
}

std::vector<std::string> selected_structures(const std::vector<Fig2Entry>& entries) {
  std::vector<std::string> v;
  for (const Fig2Entry& e : entries)
    if (e.role == Fig2Role::kStructure) v.push_back(e.name);
  return v;
}

void print_rank_table(const ResultTable& ranks, const std::vector<Fig2Entry>& entries) {
  std::printf("\nInitial W_h, median over seeds (eigen rank = sum|lambda|/(|lambda_1| N), the Fig. 2 measure)\n");
  std::printf("%-26s %4s  %10s %10s %9s %9s\n", "entry", "N", "eig rank", "SV rank", "radius", "||W||_2");
  for (const Fig2Entry& e : entries)
    std::printf("%-26s %4zu  %10.4f %10.4f %9.3f %9.3f\n", e.name.c_str(), e.N,
                median_or_nan(column_of(ranks, e.name, "relative_rank_eigen")),
                median_or_nan(column_of(ranks, e.name, "relative_rank_singular")),
                median_or_nan(column_of(ranks, e.name, "spectral_radius")),
                median_or_nan(column_of(ranks, e.name, "spectral_norm")));
  const std::vector<double> converged = ranks.numbers("eig_converged");
  const double stalled = static_cast<double>(converged.size()) - count(converged);
  if (stalled > 0)
    std::printf("WARNING: eig_general did not converge for %.0f matrices (eig_converged = 0 in ranks.csv): "
                "their eigenvalue ranks and radii are unreliable\n", stalled);
}

// A median loss in the table's fixed width: %.4f, or %.2e once an overflowing run makes it huge (the
// diverged runs of the SONET-chain start at equal Frobenius norm printed 79 digits).
std::string loss_cell(double loss) {
  char buf[32];
  std::snprintf(buf, sizeof buf, std::fabs(loss) < 1e4 ? "%.4f" : "%.2e", loss);
  return buf;
}

void print_run_table(const ResultTable& runs, const ResultTable& ranks, const std::vector<Fig2Entry>& entries,
                     const std::string& task) {
  std::printf("\n%s: median over seeds (RA/KA: 1 = lazy, lower = richer)\n", task.c_str());
  std::printf("%-26s %3s %9s %10s %8s %8s %8s %6s %4s %4s\n", "entry", "n", "eig rank", "dW", "RA", "KA", "loss",
              "acc", "div", "sil.");
  for (const Fig2Entry& e : entries) {
    const auto div = column_of(runs, e.name, "diverged", task);
    if (div.empty()) continue;
    std::printf("%-26s %3zu %9.4f %10.4g %8.4f %8.4f %8s %6.3f %4.0f %4.0f\n", e.name.c_str(), div.size(),
                median_or_nan(column_of(ranks, e.name, "relative_rank_eigen")),
                median_or_nan(column_of(runs, e.name, "weight_change", task)),
                median_or_nan(column_of(runs, e.name, "representation_alignment", task)),
                median_or_nan(column_of(runs, e.name, "kernel_alignment", task)),
                loss_cell(median_or_nan(column_of(runs, e.name, "loss_final", task))).c_str(),
                median_or_nan(column_of(runs, e.name, "accuracy", task)),
                count(div), count(column_of(runs, e.name, "silent", task)));
  }
}

// The paper's claim per structure and control: larger dW and lower KA than the Gaussian of its N.
void print_verdicts(const ResultTable& runs, const ResultTable& ranks, const std::vector<Fig2Entry>& entries,
                    const std::string& task) {
  std::printf("\n%s: richer than the matched Gaussian? (medians: larger dW AND lower KA)\n", task.c_str());
  for (const Fig2Entry& e : entries) {
    if (e.role == Fig2Role::kGaussian) continue;
    auto med = [&](const std::string& entry, const char* c) { return median_or_nan(column_of(runs, entry, c, task)); };
    const double dw = med(e.name, "weight_change"), dw0 = med(e.gaussian, "weight_change");
    const double ka = med(e.name, "kernel_alignment"), ka0 = med(e.gaussian, "kernel_alignment");
    if (std::isnan(dw) && std::isnan(ka) && column_of(runs, e.name, "diverged", task).empty()) continue;
    auto health = [&](const std::string& entry) {
      return group_health(column_of(runs, entry, "diverged", task), column_of(runs, entry, "silent", task));
    };
    const GroupHealth h = health(e.name), h0 = health(e.gaussian);
    const bool larger_dw = dw > dw0, lower_ka = ka < ka0;
    const bool undefined = std::isnan(dw) || std::isnan(ka) || std::isnan(ka0) ||
                           unless_mostly_failed(Comparison::kYes, {h, h0}) == Comparison::kUndefined;
    std::string verdict = larger_dw && lower_ka ? "richer, as the paper" : "not richer";
    if (undefined) {
      verdict = "undefined (diverged or silent runs";
      if (h.mostly_failed() || h0.mostly_failed())  // demos/toolkit/table_summary.h: medians of a few survivors
        verdict += ": " + std::to_string(h.failed) + " / " + std::to_string(h.runs) + " and " +
                   std::to_string(h0.failed) + " / " + std::to_string(h0.runs) + " runs failed";
      verdict += ")";
    }
    std::printf("  %-26s dW %.4g vs %.4g (%s), KA %.4f vs %.4f (%s) -> %s\n", e.name.c_str(), dw, dw0,
                larger_dw ? "larger" : "NOT larger", ka, ka0, lower_ka ? "lower" : "NOT lower", verdict.c_str());
    if (larger_dw && lower_ka) continue;
    for (const std::string& name : {e.name, e.gaussian})
      std::printf("      initial regime of %-26s spectral radius %.3f, active at decision step %.3f, "
                  "units ever active %.3f; runs diverged %.0f, silent %.0f\n",
                  name.c_str(), median_or_nan(column_of(ranks, name, "spectral_radius")),
                  med(name, "init_active_fraction"), med(name, "init_units_active"),
                  count(column_of(runs, name, "diverged", task)), count(column_of(runs, name, "silent", task)));
  }
}

// ---------------------------------------------------------------- figure

std::string short_label(const Fig2Entry& e) {
  if (e.role == Fig2Role::kGaussian) return "Gaussian";
  if (e.role == Fig2Role::kControl && e.name.rfind(e.structure + "_", 0) == 0)
    return e.name.substr(e.structure.size() + 1);
  return e.name;
}

// True when the finite positive values span more than two decades (then a log axis shows them all).
bool spans_decades(const std::vector<double>& v) {
  double lo = INFINITY, hi = 0;
  for (double x : v)
    if (std::isfinite(x) && x > 0) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  return hi > 100.0 * lo;
}

void plot_task(const ResultTable* runs, const ResultTable& ranks, const ResultTable& spectra,
               const std::vector<Fig2Entry>& entries, const std::string& task, std::uint64_t seed,
               const std::string& path) {
  const std::vector<std::string> structures = selected_structures(entries);
  const std::size_t cols = runs ? 5 : 2;
  Figure fig(structures.size(), cols,
             "Fig. 2 (reproduction): biological initial connectivity vs Gaussian" + (runs ? ", " + task : ""));
  Rng jitter(seed);
  for (std::size_t row = 0; row < structures.size(); ++row) {
    const auto group = group_of(entries, structures[row]);
    Panel& sp = fig.panel(row, 0);
    sp.title(structures[row] + ": eigenvalue spectrum").x_label("eigval index / N").y_label("|lambda| / |lambda_1|");
    for (const Fig2Entry* e : group) {
      std::vector<double> x, y;
      for (std::size_t i = 0; i < spectra.rows.size(); ++i)
        if (spectra.cell(i, "entry") == e->name) {
          x.push_back(spectra.number(i, "index_over_N"));
          y.push_back(spectra.number(i, "modulus_rel"));
        }
      sp.line(short_label(*e), x, y);
    }
    Panel& rp = fig.panel(row, 1);
    rp.title(structures[row] + ": relative effective rank").y_label("sum / (largest * N)");
    for (const auto& [column, label] : {std::pair<const char*, const char*>{"relative_rank_eigen", "eigenvalues"},
                                        {"relative_rank_singular", "singular values"}}) {
      std::vector<std::string> cat;
      std::vector<double> y;
      for (const Fig2Entry* e : group)
        for (double v : column_of(ranks, e->name, column)) {
          cat.push_back(short_label(*e));
          y.push_back(v);
        }
      rp.boxplot(label, cat, y, Values::kDrawnByAnotherSeries).category_scatter(label, cat, y, 4.0, jitter);
    }
    if (!runs) continue;
    const std::pair<const char*, const char*> measures[] = {{"weight_change", "weight change ||dW_h||_F"},
                                                            {"representation_alignment", "RA"},
                                                            {"kernel_alignment", "KA"}};
    for (std::size_t m = 0; m < 3; ++m) {
      Panel& p = fig.panel(row, 2 + m);
      p.title(structures[row] + ": " + measures[m].second).y_label(measures[m].second);
      std::vector<std::string> cat;
      std::vector<double> y;
      for (const Fig2Entry* e : group)
        for (double v : column_of(*runs, e->name, measures[m].first, task)) {
          cat.push_back(short_label(*e));
          y.push_back(v);
        }
      if (m == 0 && spans_decades(y)) p.y_scale(AxisScale::kLog);  // exploding starts reach dW ~ 1e18
      p.boxplot("runs", cat, y, Values::kDrawnByAnotherSeries).category_scatter("runs", cat, y, 5.0, jitter);
    }
  }
  fig.write(path);
}

// ---------------------------------------------------------------- main

// The flags: the shared ones with this program's defaults (demos/toolkit/cli.h), then its own.
void declare_flags(Cli& cli) {
  CommonFlags common;
  common.seeds = 10;  // the caption's "10 independent runs" per box
  common.omit = {"ranks"};  // the structures fix W_h(0): no rank axis
  common.out = "out/fig2";
  cli.add_common(common);
  cli.add_string_list("structures", fig2_structure_names(), "structures to compare", fig2_structure_names());
  cli.add_flag("no-controls", "skip the EM shuffles and the SONET without chains");
  cli.add_int("N", 300, "size of the cell-type, Dale and SONET matrices (the EM data fix 198 and 104)", 4, 4000);
  cli.add_string("norm", "frobenius", "norm matched to the Gaussian's (g sqrt(N), 2g, g)",
                 {"frobenius", "spectral", "radius"});
  cli.add_string("pinky", "centred", "pinky100 (all E): subtract the mean off-diagonal entry, or keep it raw",
                 {"centred", "raw"});
  cli.add_string("em-transform", "raw", "EM weights: data values, signs only, or sign * log1p|w|",
                 {"raw", "sign", "log"});
  cli.add_string("sonet-weights", "centred", "SONET 0/1 graph to weights", {"centred", "raw", "dale"});
  cli.add_string("data-dir", kDefaultConnectivityDataDir, "folder of the connectivity data files");
  add_sgd_flags(cli, RnnTrainConfig().sgd);
  add_precision_flag(cli);
  cli.add_flag("no-train", "spectra and effective ranks only (seconds)");
}

// What every run shares, from the flags.
Settings read_settings(const Cli& cli) {
  Settings s;
  s.options.N = static_cast<std::size_t>(cli.get_int("N"));
  s.norm_name = cli.get_string("norm");
  s.options.norm = {parse_norm_kind(s.norm_name), gain_flag(cli)};
  s.options.pinky_centred = cli.get_string("pinky") == "centred";
  const std::string transform = cli.get_string("em-transform");
  s.options.em_transform = transform == "sign" ? EmTransform::kSignOnly
                           : transform == "log" ? EmTransform::kLogMagnitude
                                                : EmTransform::kRaw;
  s.options.sonet_weights = parse_sonet_weights(cli.get_string("sonet-weights"));
  s.options.data_dir = cli.get_string("data-dir");
  s.train = rnn_train_flags(cli, {});  // the net is each entry's (run_one)
  return s;
}

// Step 1: the spectra and effective ranks of every entry x seed, written to ranks.csv and spectra.csv
// (first seed) and printed; returns the two tables as read back.
std::pair<ResultTable, ResultTable> spectra_step(const Cli& cli, const std::vector<Fig2Entry>& entries,
                                                 const std::vector<std::string>& names, const Settings& s,
                                                 std::uint64_t seed) {
  const std::string out = cli.out_dir();
  const std::vector<RunSpec> spectrum_jobs = make_sweep({sweep_axis("entry", names)}, cli.seed_list());
  const std::vector<SpectrumReport> reports = spectra_of(spectrum_jobs, entries, s, cli.threads());
  make_dirs(out);  // after the data files are read: a bad one leaves no empty --out behind
  write_ranks(spectrum_jobs, reports, entries, s, out + "/ranks.csv");
  write_spectra(spectrum_jobs, reports, seed, out + "/spectra.csv");
  ResultTable ranks = read_result_csv(out + "/ranks.csv");
  print_rank_table(ranks, entries);
  return {std::move(ranks), read_result_csv(out + "/spectra.csv")};
}

int run(int argc, char** argv) {
  Cli cli(kProgram, "Fig. 2 (reproduction): biological initial connectivity vs a Gaussian null");
  declare_flags(cli);
  if (!cli.parse_or_exit(argc, argv)) return 0;

  const std::uint64_t seed = cli.announce_seed();
  Settings s = read_settings(cli);

  const std::vector<Fig2Entry> entries =
      fig2_entries(cli.get_string_list("structures"), s.options, !cli.get_flag("no-controls"));
  std::vector<std::string> names;
  for (const Fig2Entry& e : entries) names.push_back(e.name);
  const std::string out = cli.out_dir();
  RunManifest manifest = start_manifest(cli);
  manifest.notes.push_back({"recipes", "the paper's Fig. 2 recipes are unknown (docs/paper.md#unknowns); every structure is a "
                                       "sourced substitute [OURS], see docs/connectivity.md"});
  for (const Fig2Entry& e : entries) manifest.notes.push_back({e.name, e.description});

  // 1. Spectra and effective ranks of every entry x seed.
  const auto [ranks, spectra] = spectra_step(cli, entries, names, s, seed);
  std::vector<std::string> tasks = cli.get_string_list("task");
  if (cli.get_flag("no-train")) {
    plot_task(nullptr, ranks, spectra, entries, "", seed, out + "/" + kProgram + "_spectra.svg");
    report_outputs(cli, manifest, {out + "/ranks.csv", "spectra.csv", std::string(kProgram) + "_spectra.svg", "manifest"});
    return 0;
  }

  // 2. Training runs: task x entry x seed, resumable and shardable.
  const std::vector<RunSpec> runs =
      make_sweep({sweep_axis("task", tasks), sweep_axis("entry", names)}, cli.seed_list());
  SweepOptions options = sweep_options(cli, {"task", "structures", "no-controls"});
  s.runs_dir = options.runs_dir;
  const SweepOutcome done =
      run_sweep(runs, options, [&](const RunSpec& spec, Rng&) { return run_one(spec, entries, s); });
  const auto table_or_pending = finish_sweep(done, runs, options, cli, manifest);
  if (!table_or_pending) return 0;  // other shards pending

  // 3. Tables and figures.
  const ResultTable& table = *table_or_pending;
  for (const std::string& task : tasks) {
    print_run_table(table, ranks, entries, task);
    print_verdicts(table, ranks, entries, task);
    plot_task(&table, ranks, spectra, entries, task, seed, out + "/" + kProgram + "_" + task + ".svg");
  }
  const std::string evolution = out + "/" + kProgram + "_evolution.svg";
  const bool plotted = s.train.log_every &&
      plot_evolution(runs, options.runs_dir, [](const RunSpec& r) { return r.param("task"); },
                     [](const RunSpec& r) { return r.param("entry"); }, evolution,
                     "Fig. 2 (reproduction) over training: each structure and its Gaussian");
  report_outputs(cli, manifest, {results_csv_path(cli), "ranks.csv", "spectra.csv",
                                 std::string(kProgram) + "_<task>.svg", plotted ? evolution : "",
                                 "manifest in " + out});
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return rl::guarded_main(kProgram, [&] { return run(argc, argv); }); }
