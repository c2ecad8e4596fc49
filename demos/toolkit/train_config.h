// The training flags of the figure programs, read straight into the library's run configs
// (plumbing; a first reading can skip it).
//
// Every default lives once, in nn/: SgdOptions (nn/optim.h: lr 0.003, momentum 0.9), RnnTrainConfig
// (nn/rnn_experiment.h) and ReluTrainConfig (nn/relu_experiment.h: lr 0.01).  A program declares a
// config's flags in one call and reads them back in one call; it keeps no copy of its own:
//
//   cli.add_common(common);                        // --iters, --log-every (demos/toolkit/cli.h)
//   add_sgd_flags(cli, RnnTrainConfig().sgd);      // --lr, --momentum with the config's defaults
//   add_precision_flag(cli);                       // --precision f64|f32 (demos/toolkit/precision_flag.h)
//   ...parse...
//   const RnnTrainConfig train = rnn_train_flags(cli, net);   // iters, log_every, sgd, precision, log_measures
//
// The per-run results every RNN program writes after its own columns are rnn_run_cells below: a
// column added there appears in fig1_rank_sweep, fig2_biological and fig3c_aligned_rnn at once
// (demos/toolkit/csv.h: CsvRecord, a row built from named cells).
#pragma once

#include <string>

#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/precision_flag.h"
#include "nn/optim.h"
#include "nn/relu_experiment.h"
#include "nn/rnn_experiment.h"
#include "nn/two_layer_linear.h"

namespace rl {

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
