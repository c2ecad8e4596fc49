#include "nn/linearised_rnn.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace rl {

LossResult cross_entropy(const Matrix& logits, const SeqBatch& batch, Steps steps) {
  return steps == Steps::kLast ? cross_entropy_last_step(logits, batch)
                                   : cross_entropy_all_steps(logits, batch);
}

namespace {

// out = a - b entrywise (shapes checked by the caller), reusing out's storage.
void difference(const Matrix& a, const Matrix& b, Matrix& out) {
  ensure_shape(out, a.rows(), a.cols());
  for (std::size_t i = 0; i < a.size(); ++i) out.data()[i] = a.data()[i] - b.data()[i];
}

}  // namespace

void linearised_forward(const RnnParams& theta0, const RnnParams& theta, const RnnConfig& config,
                        const SeqBatch& batch, LinearisedTrace& out) {
  check_shapes(theta0, config, "linearised_forward theta0");
  check_shapes(theta, config, "linearised_forward theta");
  difference(theta.W_in, theta0.W_in, out.direction.W_in);
  difference(theta.W_h, theta0.W_h, out.direction.W_h);
  difference(theta.W_out, theta0.W_out, out.direction.W_out);
  rnn_forward(theta0, config, batch, out.at_theta0);
  rnn_jvp(theta0, out.direction, config, batch, out.at_theta0, out.tangent);
  const Matrix& y0 = out.at_theta0.y;
  ensure_shape(out.y, y0.rows(), y0.cols());
  for (std::size_t i = 0; i < y0.size(); ++i) out.y.data()[i] = y0.data()[i] + out.tangent.dy.data()[i];
}

Matrix linearised_outputs(const RnnParams& theta0, const RnnParams& theta, const RnnConfig& config,
                          const SeqBatch& batch) {
  LinearisedTrace trace;
  linearised_forward(theta0, theta, config, batch, trace);
  return trace.y;
}

double linearised_loss_and_gradient(const RnnParams& theta0, const RnnParams& theta,
                                    const RnnConfig& config, const SeqBatch& batch, Steps steps,
                                    LinearisedTrace& scratch, RnnParams& grads) {
  linearised_forward(theta0, theta, config, batch, scratch);
  const LossResult loss = cross_entropy(scratch.y, batch, steps);
  // J(theta0)^T dL/dy: the network's own backward pass at theta0, fed the linearised output error.
  rnn_backward(theta0, config, batch, scratch.at_theta0, loss.dY, grads);
  return loss.loss;
}

LinearisedTrainer::LinearisedTrainer(const RnnParams& theta0, const RnnConfig& config,
                                     SgdOptions options, Steps steps)
    : config_(config),
      loss_steps_(steps),
      theta0_(theta0),
      theta_(theta0),
      grads_(zero_params(config)),
      sgd_(make_slots(parameter_list(theta_), parameter_list(grads_)), options) {
  check_shapes(theta0_, config_, "LinearisedTrainer theta0");
}

double LinearisedTrainer::step(const SeqBatch& batch) {
  zero_grads(grads_);
  const double loss =
      linearised_loss_and_gradient(theta0_, theta_, config_, batch, loss_steps_, trace_, grads_);
  sgd_.step();
  return loss;
}

namespace {

// Sum of squared differences over the selected rows of two (T*B, K) output matrices.
double squared_distance_on_steps(const Matrix& a, const Matrix& b, const SeqBatch& batch,
                                 Steps steps) {
  const std::size_t first_row = steps == Steps::kLast ? (batch.T - 1) * batch.B : 0;
  double s = 0.0;
  for (std::size_t i = first_row * a.cols(); i < a.size(); ++i) {
    const double d = a.data()[i] - b.data()[i];
    s += d * d;
  }
  return s;
}

}  // namespace

double linearisation_gap(const RnnParams& theta0, const RnnParams& theta_f,
                         const RnnParams& theta_lin, const RnnConfig& config, const SeqBatch& probe,
                         Steps steps) {
  const RnnTrace at_f = rnn_forward(theta_f, config, probe);
  LinearisedTrace lin;
  linearised_forward(theta0, theta_lin, config, probe, lin);  // lin.at_theta0.y = f(theta0)
  const double moved = squared_distance_on_steps(at_f.y, lin.at_theta0.y, probe, steps);
  if (!(moved > 0.0) || !std::isfinite(moved))
    throw std::invalid_argument("linearisation_gap: ||f(theta_f) - f(theta0)||^2 = " +
                                std::to_string(moved) +
                                " on the probe set; the gap is undefined when the network's outputs "
                                "did not move (or are not finite)");
  return std::sqrt(squared_distance_on_steps(at_f.y, lin.y, probe, steps) / moved);
}

}  // namespace rl
