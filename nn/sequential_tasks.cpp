#include "nn/sequential_tasks.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "nn/loss.h"

namespace rl {

namespace {

void check_task(const RnnTaskSetup& task, const RnnConfig& net, const char* which) {
  if (task.n_in != net.n_in || task.n_out != net.K)
    throw std::invalid_argument(std::string("run_sequential_tasks: task ") + which + " (" + task.name + ") has " +
                                std::to_string(task.n_in) + " inputs and " + std::to_string(task.n_out) +
                                " outputs, the shared network " + std::to_string(net.n_in) + " and " +
                                std::to_string(net.K) + ": both phases train the same W_in and W_out");
}

}  // namespace

ProbeScore probe_score(const RnnParams& params, const RnnConfig& net, const RnnTaskSetup& task) {
  const RnnTrace trace = rnn_forward(params, net, task.probe);
  if (!all_finite(trace.y)) return {std::nan(""), std::nan("")};
  const LossResult loss = task.loss_steps == Steps::kLast ? cross_entropy_last_step(trace.y, task.probe)
                                              : cross_entropy_all_steps(trace.y, task.probe);
  return {loss.loss, decision_accuracy(params, net, task.probe)};
}

SequentialResult run_sequential_tasks(const SequentialConfig& config, const RnnParams& init,
                                      RnnTaskSetup& task_a, RnnTaskSetup& task_b) {
  config.net.validate();
  check_task(task_a, config.net, "A");
  check_task(task_b, config.net, "B");
  RnnTrainConfig phase_a = config.phase_a, phase_b = config.phase_b;
  phase_a.net = phase_b.net = config.net;

  SequentialResult r;
  r.a = run_rnn_experiment(phase_a, init, task_a);
  r.a_after_a = probe_score(r.a.final_params, config.net, task_a);
  r.b = run_rnn_experiment(phase_b, r.a.final_params, task_b);
  r.a_after_b = probe_score(r.b.final_params, config.net, task_a);
  r.forgetting_loss = r.a_after_b.loss - r.a_after_a.loss;
  r.forgetting_accuracy = r.a_after_a.accuracy - r.a_after_b.accuracy;
  return r;
}

}  // namespace rl
