// One training step of the CT-RNN, as every RNN program takes it, in float64 or float32:
//   logits = rnn_forward(params, batch);  L, dL/dlogits = softmax cross-entropy (all steps or the last);
//   grads = 0;  rnn_backward(...);  SGD with momentum (PyTorch semantics, nn/optim.h).
// run_rnn_experiment (nn/rnn_experiment.h) and run_linearised_comparison (nn/linearised_experiment.h)
// both train through this class, so the two precisions share one loop (docs/precision.md).
//
// Where float32 rounding enters (docs/precision.md#where-rounding-enters): the initial weights and each
// batch's inputs are rounded to float; the forward pass, BPTT and the SGD update run in float; the loss
// is computed in double from the float logits (converted exactly) and dL/dlogits rounded back to float.
//
// The weights are read, for measuring, through weights(): always double.  In float64 it is the training
// weights themselves; in float32 a double copy refreshed after every step (what is measured stays
// float64, docs/measures.md#precision).
#pragma once

#include <cstddef>
#include <memory>

#include "nn/optim.h"
#include "nn/precision.h"
#include "nn/rnn.h"
#include "nn/sequence.h"

namespace rl {

class RnnSgdTrainer {
 public:
  // Trains a copy of `init` (rounded to float when precision = kF32) with SGD momentum.
  // The loss is softmax cross-entropy over every step or the last (loss_steps, nn/sequence.h).
  RnnSgdTrainer(const RnnParams& init, const RnnConfig& net, const SgdOptions& sgd, Steps loss_steps,
                Precision precision);
  ~RnnSgdTrainer();
  RnnSgdTrainer(const RnnSgdTrainer&) = delete;
  RnnSgdTrainer& operator=(const RnnSgdTrainer&) = delete;

  // One step on `batch`: returns its loss before the update.  When the logits overflow (a diverged
  // network) nothing is updated and NaN is returned: the caller keeps the run and flags it.
  double step(const SeqBatch& batch);
  // The current weights in double (see above): one object for the trainer's life, its values following
  // each step().
  const RnnParams& weights() const;
  Precision precision() const { return precision_; }

  struct Engine;  // the scalar-typed state (nn/rnn_sgd_trainer.cpp)

 private:
  Precision precision_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace rl
