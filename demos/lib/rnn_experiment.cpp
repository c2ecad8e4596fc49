#include "demos/lib/rnn_experiment.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "demos/lib/running_mean.h"
#include "nn/init.h"
#include "nn/measures.h"
#include "nn/optim.h"
#include "tasks/neurogym_dataset.h"

namespace rl {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Hidden activity the measures compare, for the probe set.
struct ProbeState {
  Matrix H_last;  // (P, N) last-step activity: RA
  Matrix H_sign;  // activity for sign similarity: last step, or all steps (T*P, N)
  Matrix K;       // W_h tangent kernel on the kernel probe
};

ProbeState measure_probe(const RnnParams& p, const RnnConfig& net, const RnnTaskSetup& task) {
  ProbeState s;
  const RnnTrace trace = rnn_forward(p, net, task.probe);
  s.H_last = last_state(trace);
  s.H_sign = task.sign_all_steps ? trace.h : s.H_last;
  NtkOptions opt;
  opt.steps = task.kernel_steps;
  s.K = rnn_tangent_kernel(p, net, task.kernel_probe, opt).K;
  return s;
}

double decision_accuracy(const RnnParams& p, const RnnConfig& net, const SeqBatch& probe) {
  const RnnTrace trace = rnn_forward(p, net, probe);
  const std::size_t t = probe.T - 1;
  std::size_t correct = 0;
  for (std::size_t b = 0; b < probe.B; ++b) {
    const double* y = trace.y.row(t * probe.B + b);
    const std::size_t guess = static_cast<std::size_t>(std::max_element(y, y + net.K) - y);
    correct += static_cast<int>(guess) == probe.label(t, b);
  }
  return static_cast<double>(correct) / static_cast<double>(probe.B);
}

void record_measures(Recorder& log, std::size_t step, const RnnParams& init, const RnnParams& now,
                     const ProbeState& s0, const RnnConfig& net, const RnnTaskSetup& task) {
  const ProbeState s = measure_probe(now, net, task);
  log.record(step, "weight_change", weight_change(init.W_h, now.W_h));
  // A silent network (zero-norm representation or kernel) has no alignment: log NaN, keep training.
  auto or_nan = [](auto measure) {
    try {
      return measure();
    } catch (const std::invalid_argument&) {
      return std::nan("");
    }
  };
  log.record(step, "representation_alignment", or_nan([&] { return representation_alignment(s0.H_last, s.H_last); }));
  log.record(step, "kernel_alignment", or_nan([&] { return kernel_alignment(s0.K, s.K); }));
  log.record(step, "sign_similarity", or_nan([&] { return sign_similarity(s0.H_sign, s.H_sign); }));
}

}  // namespace

SeqBatch select_trials(const SeqBatch& batch, std::size_t b0, std::size_t b1) {
  if (b0 > b1 || b1 > batch.B)
    throw std::invalid_argument("select_trials: trials [" + std::to_string(b0) + ", " +
                                std::to_string(b1) + ") outside a batch of " + std::to_string(batch.B));
  SeqBatch out;
  out.T = batch.T;
  out.B = b1 - b0;
  out.x = Matrix(out.T * out.B, batch.n_in());
  if (!batch.labels.empty()) out.labels.resize(out.T * out.B);
  for (std::size_t t = 0; t < batch.T; ++t)
    for (std::size_t b = b0; b < b1; ++b) {
      const std::size_t src = batch.row(t, b), dst = out.row(t, b - b0);
      std::copy(batch.x.row(src), batch.x.row(src) + batch.n_in(), out.x.row(dst));
      if (!batch.labels.empty()) out.labels[dst] = batch.labels[src];
    }
  return out;
}

RnnTaskSetup neurogym_setup(const std::string& task_name, std::uint64_t data_seed) {
  const PaperTask task = parse_paper_task(task_name);
  auto dataset = std::make_shared<NeurogymDataset>(make_paper_dataset(task, data_seed));
  RnnTaskSetup s;
  s.name = paper_task_name(task);
  s.n_in = dataset->n_in();
  s.n_out = dataset->n_actions();
  s.probe = make_probe_set(*dataset, 10);                // PAPER.md section 3: 10 x 32 = 320 trials
  s.kernel_probe = select_trials(s.probe, 0, dataset->batch_size());  // the first 32 probe trials
  s.kernel_steps = NtkSteps::kAll;                       // 8 steps x 32 trials x 3 logits = 768 rows
  s.sign_all_steps = false;                              // decision step only
  s.last_step_loss = false;                              // CE over all 8 steps (PAPER.md 2.3)
  s.next_batch = [dataset]() { return dataset->next_batch(); };
  return s;
}

RnnTaskSetup smnist_setup(std::shared_ptr<const MnistSplit> split, std::uint64_t data_seed,
                          std::size_t batch_size, std::size_t probe_size) {
  if (split->validation.size() < probe_size)
    throw std::invalid_argument("smnist_setup: the held-out split has " +
                                std::to_string(split->validation.size()) + " images, fewer than the " +
                                std::to_string(probe_size) + " probe images requested");
  auto batcher = std::make_shared<MnistBatcher>(split->train, batch_size, data_seed);
  RnnTaskSetup s;
  s.name = "sMNIST";
  s.n_in = kMnistSide;  // one image row per step
  s.n_out = kMnistClasses;
  std::vector<std::size_t> probe_indices(probe_size);
  for (std::size_t i = 0; i < probe_size; ++i) probe_indices[i] = i;
  s.probe = to_sequential(split->validation, probe_indices);
  s.kernel_probe = s.probe;
  s.kernel_steps = NtkSteps::kLast;
  s.sign_all_steps = true;
  s.last_step_loss = true;
  // The lambda keeps `split` alive: the batcher refers to split->train.
  s.next_batch = [split, batcher]() { return batcher->next_sequential(); };
  return s;
}

RnnParams paper_io_init(std::size_t n_in, std::size_t N, std::size_t K, Rng& rng) {
  RnnParams p;
  p.W_in = pytorch_uniform(N, n_in, rng);  // (N, n_in), fan_in = n_in
  p.W_out = pytorch_uniform(K, N, rng);    // (K, N), fan_in = N
  p.W_h = Matrix(N, N);
  return p;
}

RnnRunResult run_rnn_experiment(const RnnTrainConfig& config, const RnnParams& init, RnnTaskSetup& task) {
  config.net.validate();
  check_shapes(init, config.net, "run_rnn_experiment: initial parameters");
  RnnRunResult r;
  r.log = Recorder(config.log_every ? config.log_every : std::max<std::size_t>(config.iters, 1));

  auto t0 = Clock::now();
  const ProbeState s0 = measure_probe(init, config.net, task);
  r.measure_seconds += seconds_since(t0);

  RnnParams params = init;
  RnnParams grads = zero_params(config.net);
  SgdOptions sgd_options;
  sgd_options.lr = config.lr;
  sgd_options.momentum = config.momentum;
  Sgd sgd(make_slots(parameter_list(params), parameter_list(grads)), sgd_options);

  RunningMean running(100);
  t0 = Clock::now();
  for (std::size_t it = 0; it < config.iters; ++it) {
    const SeqBatch batch = task.next_batch();
    const RnnTrace trace = rnn_forward(params, config.net, batch);
    // Diverged (overflowing logits): keep the run, flag it, stop training.  Checked before the
    // loss, which rejects non-finite logits with an exception.
    if (!all_finite(trace.y)) {
      r.diverged = true;
      break;
    }
    const LossResult loss = task.last_step_loss ? cross_entropy_last_step(trace.y, batch)
                                                : cross_entropy_all_steps(trace.y, batch);
    zero_grads(grads);
    rnn_backward(params, config.net, batch, trace, loss.dY, grads);
    sgd.step();
    running.add(loss.loss);
    r.iterations_done = it + 1;
    if (config.log_every && r.log.due(r.iterations_done, config.iters)) {
      r.log.record(r.iterations_done, "loss", running.mean());
      if (config.log_measures) {
        const auto tm = Clock::now();
        record_measures(r.log, r.iterations_done, init, params, s0, config.net, task);
        r.measure_seconds += seconds_since(tm);
        t0 += Clock::now() - tm;  // keep train_seconds pure
      }
    }
  }
  r.train_seconds = seconds_since(t0);
  r.loss_first = running.first_mean();
  r.loss_final = running.mean();

  t0 = Clock::now();
  if (all_finite(params.W_h) && all_finite(params.W_in) && all_finite(params.W_out)) {
    r.weight_change = weight_change(init.W_h, params.W_h);
    r.relative_weight_change = relative_weight_change(init.W_h, params.W_h);
    r.accuracy = decision_accuracy(params, config.net, task.probe);
    try {
      const ProbeState sf = measure_probe(params, config.net, task);
      r.representation_alignment = representation_alignment(s0.H_last, sf.H_last);
      r.kernel_alignment = kernel_alignment(s0.K, sf.K);
      r.sign_similarity = sign_similarity(s0.H_sign, sf.H_sign);
    } catch (const std::invalid_argument& e) {
      // E.g. every probe unit silent (a dead ReLU network): the alignments are undefined.  Keep the
      // run, report NaN and say why rather than stopping the sweep.
      r.representation_alignment = r.kernel_alignment = r.sign_similarity = std::nan("");
      r.alignments_undefined = true;
      r.warning = std::string("alignments undefined after training: ") + e.what();
    }
  } else {
    r.diverged = true;
  }
  if (r.diverged || !(r.loss_final < config.diverged_loss)) {
    r.diverged = true;
    const double nan = std::nan("");
    if (!all_finite(params.W_h)) {
      r.weight_change = r.relative_weight_change = nan;
      r.representation_alignment = r.kernel_alignment = r.sign_similarity = r.accuracy = nan;
    }
  }
  r.measure_seconds += seconds_since(t0);
  r.final_params = std::move(params);
  return r;
}

}  // namespace rl
