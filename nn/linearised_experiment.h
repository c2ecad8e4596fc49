// The network beside its linearisation: one training run of the CT-RNN and of its first-order
// Taylor model f_lin (nn/linearised_rnn.h) from the same start, with the same optimiser and the SAME
// batches, and the linearisation gap between them on the task's probe set [OURS].
// Why and how: docs/linearised.md; the sweep over ranks: demos/linearised_rnn.cpp,
// docs/reproducing.md#linearisation-gap.
//
//   gap(t) = ||f(theta(t)) - f_lin(theta_lin(t))||_F / ||f(theta(t)) - f(theta0)||_F   on the probe
// 0: the network learned what its linearisation learned (lazy in the sense of Chizat, Oyallon and
// Bach 2019); ~1 or more: the linearisation explains none of the network's change (rich).
#pragma once

#include <cstddef>

#include "nn/linearised_rnn.h"
#include "nn/recorder.h"
#include "nn/rnn_experiment.h"

namespace rl {

struct LinearisedComparison {
  double gap = 0.0;                                  // at the end (NaN if the network did not move)
  double net_loss_final = 0.0, lin_loss_final = 0.0;  // mean of the last min(100, iters) training losses
  double net_probe_loss = 0.0, lin_probe_loss = 0.0;  // cross entropy on the probe set at the end
  double net_accuracy = 0.0, lin_accuracy = 0.0;      // decision accuracy on the probe set at the end
  double net_weight_change = 0.0, lin_weight_change = 0.0;  // ||W_h - W_h(0)||_F
  double net_param_change = 0.0, lin_param_change = 0.0;    // ||theta - theta0|| over all parameters
  bool diverged = false;                             // non-finite network or linearised outputs
  std::size_t iterations_done = 0;
  double net_seconds = 0.0, lin_seconds = 0.0;       // training time of each model
  Recorder log{1};  // every log_every: linearisation_gap, net_loss, lin_loss (100-iteration means)
};

// Trains a copy of `init` and the linearised model around `init` with SGD (config.sgd),
// both on the same task.next_batch() of every iteration.  config.log_every = 0: end only.
LinearisedComparison run_linearised_comparison(const RnnTrainConfig& config, const RnnParams& init,
                                               RnnTaskSetup& task);

}  // namespace rl
