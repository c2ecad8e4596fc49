// One run of the Fig. 4B experiment: train the two-layer ReLU network (nn/two_layer_relu.h) from a
// given initial W1 with SGD momentum and measure how rich or lazy the learning was (docs/paper.md#two-layer-relu,
// #measures).  Used by demos/fig4b_relu_mnist.cpp; the MNIST batches and probes come from tasks/mnist.h.
//
// Paper, Fig. 4 caption [CAP]: "B) a non-idealized setting: two-layer feedforward network with ReLU
// activation and 300 hidden units trained on the MNIST dataset."  Everything else is [OURS]
// (docs/paper.md#two-layer-relu): W1 (300 x 784) = rank-r SVD truncation of g G / sqrt(784) renormalised to the full
// Frobenius norm, W2 (10 x 300) PyTorch uniform, no biases, pixels in [0, 1], softmax CE, SGD momentum
// 0.9, lr 0.01, batch 100, 2,000 steps.
//
// Measures, all on probe inputs fixed before training (the measures look at W1, docs/paper.md#two-layer-relu):
//   weight change   ||W1(f) - W1(0)||_F (and relative to ||W1(0)||_F)
//   RA              cosine of the hidden-layer kernels H H^T on the representation probe
//   KA              cosine of the tangent kernels w.r.t. W1 (two_layer_relu_tangent_kernel, kW1)
//                   on the kernel probe: P images x 10 logits rows
//   sign similarity of the hidden activity on the representation probe
//   loss (100-step running mean) and accuracy on an evaluation set, before and after training.
//
// Dimension letters: B batch, d = 784 inputs, N hidden units, K = 10 logits, P probe images.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "linalg/matrix.h"
#include "linalg/rng.h"
#include "nn/init.h"
#include "nn/precision.h"
#include "nn/optim.h"
#include "nn/recorder.h"
#include "nn/two_layer_relu.h"
#include "nn/sequence.h"

namespace rl {

// The fixed inputs every measure is taken on.  Labels are used only by the evaluation set.
struct ReluProbes {
  Matrix representation;  // (P_R, d) RA and sign similarity
  Matrix kernel;          // (P_K, d) KA: a (P_K K, P_K K) kernel, keep P_K small (e.g. 100)
  FlatBatch evaluation;   // (P_E, d) + labels: loss and accuracy before and after training
};

struct ReluTrainConfig {
  std::size_t iters = 2000;    // docs/paper.md#two-layer-relu [OURS]
  SgdOptions sgd{0.01, 0.9};   // lr, momentum: docs/paper.md#two-layer-relu [OURS], PyTorch semantics (nn/optim.h)
  Precision precision = Precision::kF64;  // what training computes in; measures stay float64 (nn/precision.h)
  std::size_t log_every = 0;   // 0: measures at start and end only; else log every k steps
  double diverged_loss = 10.0; // [TP] a final running-mean loss above this flags the run
};

struct ReluRunResult {
  double weight_change = 0, relative_weight_change = 0;
  double representation_alignment = 0, kernel_alignment = 0, sign_similarity = 0;
  double loss_first = 0;        // mean of the first min(100, iters) training losses
  double loss_final = 0;        // mean of the last min(100, iters) training losses
  double accuracy_initial = 0;  // on probes.evaluation, before training
  double accuracy = 0;          // on probes.evaluation, after training
  double eval_loss = 0;         // mean CE on probes.evaluation after training
  bool diverged = false;        // non-finite loss or weights, or loss_final >= diverged_loss
  bool silent = false;          // hidden layer silent on a probe after training (zero-norm
                                // representation or kernel): RA, KA, sign similarity NaN, run kept
  std::string warning;          // why, when silent
  std::size_t iterations_done = 0;
  double train_seconds = 0, measure_seconds = 0;
  TwoLayerRelu final_net;
  Recorder log{1};              // loss (+ dW, RA, KA) every log_every steps, when asked
};

// The Fig. 4B initial network: W1 = rank-r truncation of W1_base renormalised to its Frobenius norm
// (nn/init.h low_rank_init; r = min(N, d) keeps W1_base bit for bit), W2 as given, no biases.
TwoLayerRelu relu_rank_init(const Matrix& W1_base, std::size_t rank, const Matrix& W2);

// Where the training batches come from (each: x (B, d), labels in [0, K)).  `next` hands double
// batches; a float32 run rounds each as the forward pass copies it into its cache.  `next_f32`, when
// given, must hand the same batches in the same order already in float (e.g.
// MnistBatcher::next_flat_f32): the float32 loop then takes those and is spared reading the double
// batch and rounding it on every step (docs/precision.md#where-rounding-enters).  A run calls only
// one of the two, so both may draw from one batcher.
struct ReluBatches {
  std::function<FlatBatch()> next;
  std::function<FlatBatchF()> next_f32;  // optional

  template <class F, class = std::enable_if_t<std::is_invocable_r_v<FlatBatch, F&>>>
  ReluBatches(F next_batch) : next(std::move(next_batch)) {}  // implicit: a lambda giving FlatBatch
  ReluBatches(std::function<FlatBatch()> next_batch, std::function<FlatBatchF()> next_batch_f32)
      : next(std::move(next_batch)), next_f32(std::move(next_batch_f32)) {}
};

// Trains a copy of `init` on batches from `batches` (each: x (B, d), labels in [0, K))
// and measures it on `probes`.  Throws std::invalid_argument when a probe or batch does not have d
// columns or the evaluation set has no labels.  A run whose loss or weights become non-finite stops
// early and is flagged `diverged`, with NaN measures; a run silent on a probe is flagged `silent`
// with NaN alignments; it never throws for either.  iters = 0 records the untrained loss of one batch.
ReluRunResult run_relu_experiment(const ReluTrainConfig& config, const TwoLayerRelu& init,
                                  const ReluBatches& batches, const ReluProbes& probes);

// Fraction of rows of X whose largest logit is the label.
double relu_accuracy(const TwoLayerRelu& net, const FlatBatch& data);

}  // namespace rl
