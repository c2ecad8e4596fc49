#include "nn/linearised_experiment.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "linalg/norms.h"
#include "nn/measures.h"
#include "nn/optim.h"
#include "nn/rnn_sgd_trainer.h"
#include "nn/running_mean.h"

namespace rl {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// ||theta - theta0|| over W_in, W_h and W_out together.
double parameter_distance(const RnnParams& theta0, const RnnParams& theta) {
  const double a = weight_change(theta0.W_in, theta.W_in), b = weight_change(theta0.W_h, theta.W_h),
               c = weight_change(theta0.W_out, theta.W_out);
  return std::sqrt(a * a + b * b + c * c);
}

// Fraction of probe trials whose largest output at the last step is the label.
double accuracy_of(const Matrix& y, const SeqBatch& probe) {
  const std::size_t t = probe.T - 1, K = y.cols();
  std::size_t correct = 0;
  for (std::size_t b = 0; b < probe.B; ++b) {
    const double* row = y.row(t * probe.B + b);
    correct += static_cast<int>(std::max_element(row, row + K) - row) == probe.label(t, b);
  }
  return static_cast<double>(correct) / static_cast<double>(probe.B);
}

double gap_or_nan(const RnnParams& theta0, const RnnParams& theta, const RnnParams& theta_lin,
                  const RnnConfig& net, const SeqBatch& probe, Steps steps) {
  try {
    return linearisation_gap(theta0, theta, theta_lin, net, probe, steps);
  } catch (const std::invalid_argument&) {  // the network's outputs did not move (or overflowed)
    return std::nan("");
  }
}

}  // namespace

LinearisedComparison run_linearised_comparison(const RnnTrainConfig& config, const RnnParams& init,
                                               RnnTaskSetup& task) {
  config.net.validate();
  check_shapes(init, config.net, "run_linearised_comparison: initial parameters");
  const Steps steps = task.loss_steps;
  LinearisedComparison r;
  r.log = Recorder(config.log_every ? config.log_every : std::max<std::size_t>(config.iters, 1));

  // The network, trained as in run_rnn_experiment (in config.precision; its linearisation stays float64).
  const SgdOptions& sgd_options = config.sgd;
  RnnSgdTrainer trainer(init, config.net, sgd_options, steps, config.precision);
  const RnnParams& params = trainer.weights();
  // Its linearisation, trained with the same optimiser settings.
  LinearisedTrainer lin(init, config.net, sgd_options, steps);

  RunningMean net_running(100), lin_running(100);
  for (std::size_t it = 0; it < config.iters; ++it) {
    const SeqBatch batch = task.next_batch();  // one batch, fed to both
    auto t0 = Clock::now();
    const double net_loss = trainer.step(batch);
    if (std::isnan(net_loss)) {  // overflowing logits: diverged
      r.diverged = true;
      break;
    }
    r.net_seconds += seconds_since(t0);
    t0 = Clock::now();
    double lin_loss = 0.0;
    try {
      lin_loss = lin.step(batch);
    } catch (const std::invalid_argument&) {  // non-finite linearised outputs
      r.diverged = true;
      break;
    }
    r.lin_seconds += seconds_since(t0);
    net_running.add(net_loss);
    lin_running.add(lin_loss);
    r.iterations_done = it + 1;
    if (config.log_every && r.log.due(r.iterations_done, config.iters)) {
      r.log.record(r.iterations_done, "linearisation_gap",
                   gap_or_nan(init, params, lin.params(), config.net, task.probe, steps));
      r.log.record(r.iterations_done, "net_loss", net_running.mean());
      r.log.record(r.iterations_done, "lin_loss", lin_running.mean());
    }
  }
  r.net_loss_final = net_running.mean();
  r.lin_loss_final = lin_running.mean();

  const RnnTrace at_f = rnn_forward(params, config.net, task.probe);
  const Matrix y_lin = linearised_outputs(init, lin.params(), config.net, task.probe);
  if (!all_finite(at_f.y) || !all_finite(y_lin)) {
    r.diverged = true;
    r.gap = r.net_probe_loss = r.lin_probe_loss = r.net_accuracy = r.lin_accuracy = std::nan("");
  } else {
    r.gap = gap_or_nan(init, params, lin.params(), config.net, task.probe, steps);
    r.net_probe_loss = cross_entropy(at_f.y, task.probe, steps).loss;
    r.lin_probe_loss = cross_entropy(y_lin, task.probe, steps).loss;
    r.net_accuracy = accuracy_of(at_f.y, task.probe);
    r.lin_accuracy = accuracy_of(y_lin, task.probe);
  }
  r.net_weight_change = weight_change(init.W_h, params.W_h);
  r.lin_weight_change = weight_change(init.W_h, lin.params().W_h);
  r.net_param_change = parameter_distance(init, params);
  r.lin_param_change = parameter_distance(init, lin.params());
  return r;
}

}  // namespace rl
