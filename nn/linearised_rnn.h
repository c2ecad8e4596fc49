// The linearised CT-RNN: the first-order Taylor model of the network around its initial parameters,
//   f_lin(theta) = f(theta0) + J(theta0) (theta - theta0),      J = d vec(y) / d theta at theta0,
// trained with the same loss, optimiser and batches as the network.  "Lazy" training in the sense of
// Chizat, Oyallon and Bach (2019, "On lazy training") is training that the linearised model
// reproduces; the linearisation gap below measures how far the network is from that.
// Derivation: docs/linearised.md.
//
//   forward   f(theta0) on the batch (rnn_forward at theta0), plus the JVP along theta - theta0
//             (nn/rnn_jvp.h): about one forward pass and one tangent pass.
//   gradient  dLoss/dtheta = J(theta0)^T dLoss/dy, evaluated at y = f_lin(theta): ONE ordinary
//             backward pass (rnn_backward) at theta0, fed the linearised model's output error.
//
// Note that f_lin depends on the batch through f(theta0) and J(theta0), which are recomputed for every
// batch (nothing about the inputs is cached), so any batch, probe set or task can be fed.
#pragma once

#include <cstddef>

#include "linalg/matrix.h"
#include "nn/loss.h"
#include "nn/optim.h"
#include "nn/rnn.h"
#include "nn/rnn_jvp.h"
#include "nn/sequence.h"

namespace rl {

// cross_entropy_all_steps or cross_entropy_last_step (nn/loss.h).
LossResult cross_entropy(const Matrix& logits, const SeqBatch& batch, Steps steps);

struct LinearisedTrace {
  RnnTrace at_theta0;   // the network's forward pass at theta0 on this batch
  RnnParams direction;  // theta - theta0
  RnnTangent tangent;   // J(theta0) (theta - theta0)
  Matrix y;             // (T*B, K) f_lin(theta) = at_theta0.y + tangent.dy
};

// f_lin(theta) on `batch`, written into `out` (its matrices reused when shapes fit).
void linearised_forward(const RnnParams& theta0, const RnnParams& theta, const RnnConfig& config,
                        const SeqBatch& batch, LinearisedTrace& out);
// Convenience: the (T*B, K) outputs alone.
Matrix linearised_outputs(const RnnParams& theta0, const RnnParams& theta, const RnnConfig& config,
                          const SeqBatch& batch);

// Cross entropy of f_lin(theta) on `batch`; ADDS its gradient w.r.t. theta to `grads` (zero_grads
// first, as for rnn_backward).  `scratch` holds the forward quantities afterwards.
double linearised_loss_and_gradient(const RnnParams& theta0, const RnnParams& theta,
                                    const RnnConfig& config, const SeqBatch& batch, Steps steps,
                                    LinearisedTrace& scratch, RnnParams& grads);

// Trains f_lin by SGD (nn/optim.h, PyTorch semantics) from theta = theta0.  Holds pointers into its
// own members, so it is neither copied nor moved.
class LinearisedTrainer {
 public:
  LinearisedTrainer(const RnnParams& theta0, const RnnConfig& config, SgdOptions options,
                    Steps steps);
  LinearisedTrainer(const LinearisedTrainer&) = delete;
  LinearisedTrainer& operator=(const LinearisedTrainer&) = delete;

  // One iteration on `batch`: loss and gradient at the current theta, then one optimiser step.
  // Returns the loss before the step (as a training loop logs it).
  double step(const SeqBatch& batch);

  const RnnParams& theta0() const { return theta0_; }
  const RnnParams& params() const { return theta_; }  // theta_lin, the linearised model's parameters
  const RnnConfig& config() const { return config_; }
  std::size_t steps_taken() const { return sgd_.steps_taken(); }

 private:
  RnnConfig config_;
  Steps loss_steps_;
  RnnParams theta0_;
  RnnParams theta_;
  RnnParams grads_;
  LinearisedTrace trace_;
  Sgd sgd_;  // declared last: it points into theta_ and grads_
};

// The linearisation gap on a probe batch, over the selected outputs (every step, or the last one):
//   ||f(theta_f) - f_lin(theta_lin)||_F / ||f(theta_f) - f(theta0)||_F
// theta_f the trained network, theta_lin the trained linearised model, both started from theta0.
// 0: the network learned exactly what its linearisation learned (lazy); ~1 or more: the
// linearisation explains none of the network's change (rich).  Throws std::invalid_argument when the
// network's outputs did not move (the ratio is then undefined).
double linearisation_gap(const RnnParams& theta0, const RnnParams& theta_f,
                         const RnnParams& theta_lin, const RnnConfig& config, const SeqBatch& probe,
                         Steps steps = Steps::kAll);

}  // namespace rl
