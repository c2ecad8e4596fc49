// One run of the paper's RNN experiment: train the CT-RNN from a given initial W_h on a task and
// measure how rich or lazy the learning was (docs/paper.md#rnn-model, #initial-weights, #training and #measures).
//
// What is measured, on probe inputs fixed before training and shared by every rank of a seed:
//   weight change  ||W_h(f) - W_h(0)||_F                                        [REL]
//   RA             cosine of the representation kernels H H^T at the last step   [REL]
//   KA             cosine of the W_h tangent kernels (nn/ntk_rnn.h)              [REL]
//   sign similarity of the hidden activity                                       [REL, logged]
//   cost of plasticity: path length, L1 change, fraction changed (W_h and all)   [OURS]
//     (nn/plasticity_cost.h, docs/measures.md#cost-of-plasticity; recorded after every step)
//   loss (100-iteration running mean, clean) and probe accuracy at the decision step.
// Every measure can also be logged every `log_every` iterations (reviewers asked for the
// evolution over training [REV]); the released code measures only at the start and the end.
//
// Used by every RNN figure program: fig1_rank_sweep, fig2_biological, fig3c_aligned_rnn.  The task
// side (the paper's Neurogym and sMNIST setups and probe sets) is tasks/paper_probe.h; this file
// needs only SeqBatch (nn/sequence.h), so nn/ stays independent of tasks/.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "linalg/rng.h"
#include "nn/loss.h"
#include "nn/norm_kind.h"
#include "nn/ntk_rnn.h"
#include "nn/optim.h"
#include "nn/plasticity_cost.h"
#include "nn/precision.h"
#include "nn/recorder.h"
#include "nn/rnn.h"
#include "nn/sequence.h"

namespace rl {

// Everything task-specific (plain data; built by tasks/paper_probe.h): how batches are drawn, which loss, which probe rows each measure uses.
struct RnnTaskSetup {
  std::string name;                       // "2AF", "DMS", "CXT", "sMNIST"
  std::size_t n_in = 0, n_out = 0;
  std::function<SeqBatch()> next_batch;   // the training stream
  Steps loss_steps = Steps::kAll;         // sMNIST: CE at the last step only; Neurogym: all steps
  SeqBatch probe;                         // RA and sign similarity (Neurogym 320 trials, sMNIST 200)
  SeqBatch kernel_probe;                  // KA (Neurogym: first 32 probe trials; sMNIST: the 200)
  Steps kernel_steps = Steps::kAll;       // Neurogym: all 8 steps; sMNIST: last step
  bool sign_all_steps = false;            // sMNIST: all 28 steps; Neurogym: decision step only
};

struct RnnTrainConfig {
  RnnConfig net;                   // n_in, N, K, alpha, activation
  std::size_t iters = 10000;       // docs/paper.md#training
  SgdOptions sgd;                  // lr 0.003, momentum 0.9: docs/paper.md#training (defaults in nn/optim.h)
  Precision precision = Precision::kF64;  // what training computes in; measures stay float64 (nn/precision.h)
  std::size_t log_every = 0;       // 0: measures at start and end only
  bool log_measures = false;       // at log points, also dW, RA, KA, sign similarity (else loss only)
  // Called at every log point, after its rows are recorded, with the log so far and the step: a
  // live view (the browser explorer, docs/explorer.md) draws the curves while training runs.  It
  // only reads: the run's numbers are the same with or without it.
  std::function<void(const Recorder& log, std::size_t step)> on_log;
  // Called after every training step with the step count and the weights (in double, whatever the
  // precision: RnnSgdTrainer::weights).  Read-only, like on_log: demos/precision_study.cpp follows a
  // float32 and a float64 run in lockstep through it.
  std::function<void(std::size_t step, const RnnParams& weights)> on_step;
  double diverged_loss = 10.0;     // the released script's threshold on the final loss
  // Blow-up during training [OURS]: a run that explodes and then falls silent (a dead network at
  // loss ln K) ends below diverged_loss, so every iteration is also checked: its loss non-finite or
  // above blowup_loss, or ||W_h(t)||_F non-finite or above blowup_weight_factor ||W_h(0)||_F.
  double blowup_loss = 1e6;
  double blowup_weight_factor = 1e6;
};

struct RnnRunResult {
  double weight_change = 0, relative_weight_change = 0;
  double representation_alignment = 0, kernel_alignment = 0, sign_similarity = 0;
  double loss_first = 0;   // mean of the first min(100, iters) losses (iters = 0: the untrained loss
  double loss_final = 0;   // mean of the last min(100, iters) losses   on one batch of the stream)
  double accuracy = 0;     // probe accuracy at the decision (last) step after training
  bool diverged = false;   // NaN/Inf loss, loss_final >= diverged_loss, or a blow-up during training
  bool blew_up = false;    // the during-training rule above fired (at iteration blew_up_at)
  std::size_t blew_up_at = 0;
  bool alignments_undefined = false;  // network silent on the probe (zero-norm representation or
                                      // kernel) at the start or the end: RA, KA, sign similarity NaN
  std::string warning;      // non-empty when a measure was undefined (reported, run kept)
  std::size_t iterations_done = 0;
  RnnPlasticity plasticity;  // cost of plasticity over the steps taken (NaN entries if the weights overflowed)
  double train_seconds = 0, measure_seconds = 0;
  RnnParams final_params;
  Recorder log{1};         // loss (+ measures) every log_every iterations
};

// Trains a copy of `init` with SGD momentum (PyTorch semantics) on `task` and measures it.  With
// config.precision = kF32 the copy is rounded to float and trained in float32; final_params is its
// float64 conversion, and every measure is computed from that (docs/precision.md).
RnnRunResult run_rnn_experiment(const RnnTrainConfig& config, const RnnParams& init, RnnTaskSetup& task);

// Fraction of `probe` trials whose largest output at the last step is the label (the decision step).
double decision_accuracy(const RnnParams& params, const RnnConfig& net, const SeqBatch& probe);

// The paper's initial W_in and W_out: PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
RnnParams paper_io_init(std::size_t n_in, std::size_t N, std::size_t K, Rng& rng);

// The Fig. 1 start (docs/paper.md#initial-weights), shared by the programs that train from it:
// W_h(0) = low_rank_init(W0, rank, norm) of the base Gaussian W0 = g G / sqrt(N) drawn from `w_rng`
// (nn/init.h), and W_in, W_out = paper_io_init(n_in, N, K, io_rng).
RnnParams fig1_start(std::size_t n_in, std::size_t N, std::size_t K, double gain, std::size_t rank, NormKind norm,
                     Rng& w_rng, Rng& io_rng);

}  // namespace rl
