// A run's flags, read straight into the library's run configs.  Every default lives once, in nn/
// (SgdOptions, RnnTrainConfig, ReluTrainConfig, GdOptions); a program declares a config's flags in one
// call and reads them in one:
//
//   add_rnn_flags(cli);                                  // --N, --lr, --momentum with the config's defaults
//   add_precision_flag(cli);                             // --precision f64|f32
//   const RnnTrainConfig train = rnn_train_flags(cli);   // iters, log_every, sgd, precision, log_measures
//
// The cells every RNN program's run row ends with are rnn_run_cells: a column added there appears in
// fig1_rank_sweep, fig2_biological and fig3c_aligned_rnn at once (CsvRecord, demos/toolkit/csv.h).
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

// --precision f64|f32, default f64 (docs/precision.md#how-to-choose).  Always in the manifest; in the
// run files' settings key (demos/toolkit/shard.h) and a `precision` column only when f32, so every
// float64 file computed before the flag existed keeps its key and columns.
constexpr const char* kPrecisionFlag = "precision";
void add_precision_flag(Cli& cli);
// The parsed --precision (kF64 when the program declares no such flag).
Precision precision_flag(const Cli& cli);
// {{"precision", "f32"}} for a float32 run, {} otherwise: the columns run_sweep appends to every run file.
std::vector<std::pair<std::string, std::string>> precision_columns(const Cli& cli);

// --gain, the g of W_h(0) = g G / sqrt(N) (docs/paper.md#initial-weights); throws CliError("--gain: gain
// must be > 0, got <g>") unless g > 0: a zero start cannot train, so it is a usage error (exit 2) up front.
double gain_flag(const Cli& cli);
// fig1's gain axis: --gains, or {--gain} when --gain is given or --gains is empty; every gain > 0, or
// CliError naming the flag the bad value came from ("--gains: gain must be > 0, got 0").
std::vector<double> gains_flag(const Cli& cli);

// --lr and --momentum with the defaults of `defaults`; `note` ends both help lines (the source, and
// whose rate it is when a program has two).
void add_sgd_flags(Cli& cli, const SgdOptions& defaults, const std::string& note = "(docs/paper.md#training)");
// `base` with lr and momentum from --lr and --momentum.
SgdOptions sgd_flags(const Cli& cli, SgdOptions base = {});

// The paper's RNN on a Neurogym task: --N (hidden units, default 300) and add_sgd_flags with
// RnnTrainConfig's defaults.
void add_rnn_flags(Cli& cli, const std::string& note = "(docs/paper.md#training)");
// RnnTrainConfig{net} with iters (--iters), log_every (--log-every, when declared), sgd (--lr,
// --momentum), precision (--precision, f64 when not declared) and log_measures (--log-measures when
// declared, else on whenever log_every is).
RnnTrainConfig rnn_train_flags(const Cli& cli, const RnnConfig& net);
// The same with net = {n_in 0, --N, K 0, alpha 1, ReLU} (docs/paper.md#rnn-model; n_in, K: the task's).
RnnTrainConfig rnn_train_flags(const Cli& cli);

// Gradient descent of the two-layer linear programs (GdOptions): --lr and --loss-tol with GdOptions'
// defaults; the step cap is the common --iters (CommonFlags::iters = GdOptions().max_steps).
void add_gd_flags(Cli& cli, const std::string& lr_help);
GdOptions gd_flags(const Cli& cli);  // all three

// ReluTrainConfig with iters (--iters), log_every (--log-every), sgd (--lr, --momentum) and precision.
ReluTrainConfig relu_train_flags(const Cli& cli);

// One run's measures as fig1_rank_sweep and fig2_biological write them: weight_change,
// relative_weight_change, representation_alignment, kernel_alignment, sign_similarity, loss_first,
// loss_final, accuracy, diverged, silent (fig3c_aligned_rnn writes its own: it adds a kernel alignment).
CsvRecord rnn_measure_cells(const RnnRunResult& r);

// The cells that end every RNN program's run row, after its own: train_seconds, measure_seconds, then
// the cost of plasticity (nn/plasticity_cost.h).
CsvRecord rnn_run_cells(const RnnRunResult& r);

}  // namespace rl
