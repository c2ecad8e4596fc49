// The training flags of the figure programs, read straight into the library's run configs
// (plumbing; a first reading can skip it).
//
// Every default lives once, in nn/: SgdOptions (nn/optim.h: lr 0.003, momentum 0.9), RnnTrainConfig
// (nn/rnn_experiment.h) and ReluTrainConfig (nn/relu_experiment.h: lr 0.01).  A program declares a
// config's flags in one call and reads them back in one call; it keeps no copy of its own:
//
//   cli.add_common(common);                        // --iters, --log-every (demos/toolkit/cli.h)
//   add_sgd_flags(cli, RnnTrainConfig().sgd);      // --lr, --momentum with the config's defaults
//   add_precision_flag(cli);                       // --precision f64|f32 (below)
//   ...parse...
//   const RnnTrainConfig train = rnn_train_flags(cli, net);   // iters, log_every, sgd, precision, log_measures
//   const double gain = gain_flag(cli);            // --gain, refused (exit 2) unless > 0
//
// The per-run results every RNN program writes after its own columns are rnn_run_cells below: a
// column added there appears in fig1_rank_sweep, fig2_biological and fig3c_aligned_rnn at once
// (demos/toolkit/csv.h: CsvRecord, a row built from named cells).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "nn/optim.h"
#include "nn/precision.h"
#include "nn/relu_experiment.h"
#include "nn/rnn_experiment.h"
#include "nn/two_layer_linear.h"

namespace rl {

// --precision f64|f32 (default f64).  Where the choice is recorded (docs/precision.md#how-to-choose): the
// manifest's "precision" field (demos/toolkit/manifest.h), always; the run files' settings key
// (demos/toolkit/run_settings.h) and a `precision` column of every run file and results.csv, when it is
// f32.  A float64 run keeps the key and the columns of every file computed before the flag existed, so
// the committed float64 records stay valid; a float32 run resuming into a float64 folder is refused.
constexpr const char* kPrecisionFlag = "precision";
void add_precision_flag(Cli& cli);
// The parsed --precision (kF64 when the program declares no such flag).
Precision precision_flag(const Cli& cli);
// {{"precision", "f32"}} for a float32 run, {} otherwise: the columns run_sweep appends to every run file.
std::vector<std::pair<std::string, std::string>> precision_columns(const Cli& cli);

// The initial gain g of W_h(0) = g G / sqrt(N) (docs/paper.md#initial-weights), checked before anything
// starts: g = 0 is an all-zero start no normalisation can rescale, so a gain <= 0 is a usage error
// (exit 2, before any folder is made), never a failure half-way through the sweep.
// --gain; throws CliError("--gain: gain must be > 0, got <g>") unless g > 0 (NaN included).
double gain_flag(const Cli& cli);
// fig1's gain axis: --gains, or {--gain} when --gain is given or --gains is empty; throws CliError
// naming the flag the bad value came from ("--gains: gain must be > 0, got 0") unless every gain is > 0.
std::vector<double> gains_flag(const Cli& cli);

// --lr and --momentum with the defaults of `defaults`; `note` ends both help lines (the source, and
// whose rate it is when a program has two).
void add_sgd_flags(Cli& cli, const SgdOptions& defaults, const std::string& note = "(docs/paper.md#training)");
// `base` with lr and momentum from --lr and --momentum.
SgdOptions sgd_flags(const Cli& cli, SgdOptions base = {});

// RnnTrainConfig{net} with iters (--iters), log_every (--log-every, when declared), sgd (--lr,
// --momentum), precision (--precision, f64 when not declared) and log_measures: --log-measures when declared, else on whenever log_every is.
RnnTrainConfig rnn_train_flags(const Cli& cli, const RnnConfig& net);

// Gradient descent of the two-layer linear programs (GdOptions, nn/two_layer_linear.h): --lr and
// --loss-tol with GdOptions' defaults; the step cap is the common --iters (CommonFlags::iters =
// GdOptions().max_steps).  gd_flags reads all three.
void add_gd_flags(Cli& cli, const std::string& lr_help);
GdOptions gd_flags(const Cli& cli);

// ReluTrainConfig with iters (--iters), log_every (--log-every), sgd (--lr, --momentum) and precision
// (--precision, f64 when not declared).
ReluTrainConfig relu_train_flags(const Cli& cli);

// The measures of one run as fig1_rank_sweep and fig2_biological write them: weight_change,
// relative_weight_change, representation_alignment, kernel_alignment, sign_similarity, loss_first,
// loss_final, accuracy, diverged, silent (fig3c_aligned_rnn writes its own: it adds a kernel alignment).
CsvRecord rnn_measure_cells(const RnnRunResult& r);

// The cells that end every RNN program's run row (fig1_rank_sweep, fig2_biological, fig3c_aligned_rnn),
// after its own: train_seconds, measure_seconds, then the cost of plasticity (nn/plasticity_cost.h).
// A column added here is added to every RNN program's results.csv.
CsvRecord rnn_run_cells(const RnnRunResult& r);

}  // namespace rl
