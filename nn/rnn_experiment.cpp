#include "nn/rnn_experiment.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "nn/running_mean.h"
#include "nn/init.h"
#include "nn/measures.h"
#include "nn/optim.h"
#include "nn/rnn_sgd_trainer.h"
#include "linalg/norms.h"

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

// --iters 0: the loss of the initial network on one batch of the stream (NaN if its logits overflow),
// so an untrained run records its real loss rather than an empty mean of 0.
double untrained_loss(const RnnParams& p, const RnnConfig& net, RnnTaskSetup& task) {
  const SeqBatch batch = task.next_batch();
  const RnnTrace trace = rnn_forward(p, net, batch);
  if (!all_finite(trace.y)) return std::nan("");
  return (task.loss_steps == Steps::kLast ? cross_entropy_last_step(trace.y, batch) : cross_entropy_all_steps(trace.y, batch)).loss;
}

}  // namespace

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

RnnParams paper_io_init(std::size_t n_in, std::size_t N, std::size_t K, Rng& rng) {
  RnnParams p;
  p.W_in = pytorch_uniform(N, n_in, rng);  // (N, n_in), fan_in = n_in
  p.W_out = pytorch_uniform(K, N, rng);    // (K, N), fan_in = N
  p.W_h = Matrix(N, N);
  return p;
}

RnnParams fig1_start(std::size_t n_in, std::size_t N, std::size_t K, double gain, std::size_t rank, NormKind norm,
                     Rng& w_rng, Rng& io_rng) {
  const Matrix W0 = gaussian_init(N, N, gain, w_rng);
  RnnParams p = paper_io_init(n_in, N, K, io_rng);
  p.W_h = low_rank_init(W0, rank, norm);
  return p;
}

namespace {

// The training loop of run_rnn_experiment, in config.precision (nn/rnn_sgd_trainer.h); fills the loss,
// blow-up and plasticity fields of `r` and returns the final weights in double.
RnnParams train(const RnnTrainConfig& config, const RnnParams& init, RnnTaskSetup& task, const ProbeState& s0,
                RnnRunResult& r) {
  RnnSgdTrainer trainer(init, config.net, config.sgd, task.loss_steps, config.precision);
  PlasticityMeter meter = rnn_plasticity_meter(trainer.weights());  // record() after each step
  RunningMean running(100);
  const double weight_limit = config.blowup_weight_factor * frobenius_norm(init.W_h);
  auto note_blowup = [&](std::size_t iteration) {
    if (r.blew_up) return;
    r.blew_up = true;
    r.blew_up_at = iteration;
  };
  auto t0 = Clock::now();
  for (std::size_t it = 0; it < config.iters; ++it) {
    const double loss = trainer.step(task.next_batch());
    // Diverged (overflowing logits): keep the run, flag it, stop training.
    if (std::isnan(loss)) {
      r.diverged = true;
      break;
    }
    meter.record();
    if (config.on_step) config.on_step(it + 1, trainer.weights());
    running.add(loss);
    r.iterations_done = it + 1;
    // The blow-up rule (RnnTrainConfig): cheap checks every iteration; training goes on (flag only).
    if (!std::isfinite(loss) || loss > config.blowup_loss) note_blowup(r.iterations_done);
    const double w_norm = frobenius_norm(trainer.weights().W_h);
    if (!std::isfinite(w_norm) || w_norm > weight_limit) note_blowup(r.iterations_done);
    if (config.log_every && r.log.due(r.iterations_done, config.iters)) {
      r.log.record(r.iterations_done, "loss", running.mean());
      if (config.log_measures) {
        const auto tm = Clock::now();
        record_measures(r.log, r.iterations_done, init, trainer.weights(), s0, config.net, task);
        r.measure_seconds += seconds_since(tm);
        t0 += Clock::now() - tm;  // keep train_seconds pure
      }
      if (config.on_log) config.on_log(r.log, r.iterations_done);
    }
  }
  r.train_seconds = seconds_since(t0);
  r.loss_first = running.first_mean();
  r.loss_final = running.mean();
  r.plasticity = rnn_plasticity(meter);  // the meter points into the trainer: read it before it goes
  return trainer.weights();
}

}  // namespace

RnnRunResult run_rnn_experiment(const RnnTrainConfig& config, const RnnParams& init, RnnTaskSetup& task) {
  config.net.validate();
  check_shapes(init, config.net, "run_rnn_experiment: initial parameters");
  RnnRunResult r;
  r.log = Recorder(config.log_every ? config.log_every : std::max<std::size_t>(config.iters, 1));

  auto t0 = Clock::now();
  const ProbeState s0 = measure_probe(init, config.net, task);
  r.measure_seconds += seconds_since(t0);

  RnnParams params = train(config, init, task, s0, r);
  if (config.iters == 0) r.loss_first = r.loss_final = untrained_loss(params, config.net, task);
  if (r.blew_up) r.diverged = true;

  t0 = Clock::now();
  if (all_finite(params.W_h) && all_finite(params.W_in) && all_finite(params.W_out)) {
    r.weight_change = weight_change(init.W_h, params.W_h);
    r.relative_weight_change = relative_weight_change(init.W_h, params.W_h);
    r.accuracy = decision_accuracy(params, config.net, task.probe);
    try {
      const ProbeState sf = measure_probe(params, config.net, task);
      r.representation_alignment = clamp_alignment_rounding(representation_alignment(s0.H_last, sf.H_last));
      r.kernel_alignment = clamp_alignment_rounding(kernel_alignment(s0.K, sf.K));
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
