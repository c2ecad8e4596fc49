// Sequential tasks: train one network on task A, then on task B, and measure what B's training
// did to A (catastrophic forgetting) [OURS].  The paper's discussion links the learning regime to
// forgetting (docs/paper.md#the-claim); this is our experiment to test that link, not the paper's.
//
//   phase A  run_rnn_experiment on task A from `init`              (nn/rnn_experiment.h)
//   phase B  run_rnn_experiment on task B from phase A's weights   (a fresh optimiser: momentum
//            buffers start at zero, as when a new task begins)
//   probe    task A's loss (its own loss: every step or the last) and decision accuracy on task A's
//            probe set, at the end of A and at the end of B; forgetting = the change.
//
// The whole network continues: the same W_in, W_h and W_out train in both phases, so the tasks must
// have the same numbers of inputs and outputs (2AF and DMS: fixation + two stimulus channels in;
// fixate / choice 1 / choice 2 out; why sharing them is meaningful: docs/reproducing.md#forgetting).
// Each phase reports the measures of run_rnn_experiment relative to ITS OWN start (weight change,
// KA on its own task's kernel probe, cost of plasticity).
#pragma once

#include <cstddef>

#include "nn/rnn_experiment.h"

namespace rl {

struct SequentialConfig {
  RnnConfig net;            // n_in, N, K, alpha, activation: shared by both phases
  RnnTrainConfig phase_a;   // iters, sgd (lr, momentum) of phase A (its .net is replaced by `net`)
  RnnTrainConfig phase_b;   // the same for phase B; sgd.lr 0 leaves the weights exactly where A left them
};

// Task A's loss and decision accuracy on its probe set.
struct ProbeScore {
  double loss = 0.0;
  double accuracy = 0.0;
};

struct SequentialResult {
  RnnRunResult a, b;            // each phase as run_rnn_experiment reports it
  ProbeScore a_after_a;         // task A probe, end of phase A
  ProbeScore a_after_b;         // task A probe, end of phase B
  double forgetting_loss = 0.0;      // a_after_b.loss - a_after_a.loss     (> 0: A got worse)
  double forgetting_accuracy = 0.0;  // a_after_a.accuracy - a_after_b.accuracy
};

// Cross entropy (the task's own step selection) and decision accuracy of `params` on task.probe.
// Non-finite outputs give NaN for both.
ProbeScore probe_score(const RnnParams& params, const RnnConfig& net, const RnnTaskSetup& task);

// Phase A then phase B (see the header comment).  Throws std::invalid_argument when the tasks'
// input or output counts differ from config.net's.
SequentialResult run_sequential_tasks(const SequentialConfig& config, const RnnParams& init,
                                      RnnTaskSetup& task_a, RnnTaskSetup& task_b);

}  // namespace rl
