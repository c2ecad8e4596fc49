#include "nn/relu_experiment.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "nn/loss.h"
#include "nn/measures.h"
#include "nn/optim.h"

namespace rl {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

constexpr std::size_t kLossWindow = 100;  // [TP] running-mean window of the logged loss (as the RNN runs)

// What the measures compare: hidden activity on the representation probe, the W1 tangent kernel.
struct ProbeState {
  Matrix H;  // (P_R, N)
  Matrix K;  // (P_K K, P_K K)
};

ProbeState measure_probes(const TwoLayerRelu& net, const ReluProbes& probes) {
  return {two_layer_relu_hidden(net, probes.representation),
          two_layer_relu_tangent_kernel(net, probes.kernel, ReluKernelParams::kW1)};
}


// Mean softmax cross-entropy over every row; NaN for non-finite logits (a diverged network).
LossResult batch_loss(const Matrix& logits, const std::vector<int>& labels) {
  if (!all_finite(logits)) return {std::nan(""), Matrix()};
  return softmax_cross_entropy(logits, labels, std::vector<unsigned char>(logits.rows(), 1));
}

template <class T>
void require_columns(const BasicMatrix<T>& X, std::size_t d, const char* what) {
  if (X.cols() != d)
    throw std::invalid_argument(std::string("run_relu_experiment: ") + what + " has " + std::to_string(X.cols()) +
                                " columns, the network expects d = " + std::to_string(d));
}

double mean_of(const std::vector<double>& v, std::size_t begin, std::size_t end) {
  if (begin >= end) return 0.0;
  double s = 0.0;
  for (std::size_t i = begin; i < end; ++i) s += v[i];
  return s / static_cast<double>(end - begin);
}

void record_measures(Recorder& log, std::size_t step, const TwoLayerRelu& init, const TwoLayerRelu& now,
                     const ProbeState& s0, const ReluProbes& probes) {
  const ProbeState s = measure_probes(now, probes);
  log.record(step, "weight_change", weight_change(init.W1, now.W1));
  // A silent hidden layer has no alignment: log NaN, keep training.
  auto or_nan = [](auto measure) {
    try {
      return measure();
    } catch (const std::invalid_argument&) {
      return std::nan("");
    }
  };
  log.record(step, "representation_alignment", or_nan([&] { return representation_alignment(s0.H, s.H); }));
  log.record(step, "kernel_alignment", or_nan([&] { return kernel_alignment(s0.K, s.K); }));
}

// `m` in scalar type To: m itself when it already is, else a converted copy in `storage`.  The float path
// takes the loss of its float logits in double and rounds dL/dlogits back to float (docs/precision.md).
template <class To, class From>
const BasicMatrix<To>& as_scalar(const BasicMatrix<From>& m, BasicMatrix<To>& storage) {
  if constexpr (std::is_same_v<To, From>) {
    return m;
  } else {
    ensure_shape(storage, m.rows(), m.cols());  // reused from batch to batch: no allocation
    std::copy(m.values().begin(), m.values().end(), storage.values().begin());
    return storage;
  }
}

template <class T>
bool net_finite(const BasicTwoLayerRelu<T>& net) { return all_finite(net.W1) && all_finite(net.W2); }

// The next training batch as the loop of scalar type T takes it: a float32 loop takes the float
// batches when the source has them, every other loop the double ones; `use` gets the batch.
template <class T, class Use>
auto with_next_batch(const ReluBatches& batches, Use&& use) {
  if constexpr (std::is_same_v<T, float>)
    if (batches.next_f32) return use(batches.next_f32());
  return use(batches.next());
}

// The training loop of run_relu_experiment in scalar type T; returns the trained network in double.
template <class T>
TwoLayerRelu train(const ReluTrainConfig& config, const TwoLayerRelu& init, const ReluBatches& batches,
                   const ReluProbes& probes, const ProbeState& s0, ReluRunResult& r) {
  const std::size_t d = init.d();
  BasicMatrix<T> dY_cast;  // float only: dL/dlogits rounded to float
  Matrix logits_cast;              // float only: the logits in double for the loss
  BasicTwoLayerRelu<T> net = cast_net<T>(init);
  BasicSgd<T> sgd(make_slots<T>({&net.W1, &net.W2}, {&net.dW1, &net.dW2}), config.sgd);

  std::vector<double> losses;
  losses.reserve(config.iters);
  BasicTwoLayerReluCache<T> cache;
  // One step on `batch`; false when the loss is not finite (diverged: keep the run, flag it, stop).
  auto train_on = [&](const auto& batch) {
    require_columns(batch.x, d, "a training batch");
    const BasicMatrix<T> logits = two_layer_relu_forward(net, batch.x, cache);  // (B, K); X as T in the cache
    const LossResult loss = batch_loss(as_scalar<double>(logits, logits_cast), batch.labels);
    if (!std::isfinite(loss.loss)) return false;
    two_layer_relu_sgd_step(net, cache, as_scalar<T>(loss.dY, dY_cast), sgd);  // gradients, then sgd.step()
    losses.push_back(loss.loss);
    return true;
  };
  auto t0 = Clock::now();
  for (std::size_t it = 0; it < config.iters; ++it) {
    if (!with_next_batch<T>(batches, train_on)) {
      r.diverged = true;
      break;
    }
    r.iterations_done = it + 1;
    if (config.log_every && r.log.due(r.iterations_done, config.iters)) {
      const std::size_t n = losses.size();
      r.log.record(r.iterations_done, "loss", mean_of(losses, n - std::min(n, kLossWindow), n));
      const auto tm = Clock::now();
      if (net_finite(net)) record_measures(r.log, r.iterations_done, init, cast_net<double>(net), s0, probes);
      r.measure_seconds += seconds_since(tm);
      t0 += Clock::now() - tm;  // keep train_seconds pure
    }
  }
  r.train_seconds = seconds_since(t0);
  const std::size_t n = losses.size();
  r.loss_first = mean_of(losses, 0, std::min(n, kLossWindow));
  r.loss_final = mean_of(losses, n - std::min(n, kLossWindow), n);
  if constexpr (std::is_same_v<T, double>) return net;
  else return cast_net<double>(net);
}

}  // namespace

TwoLayerRelu relu_rank_init(const Matrix& W1_base, std::size_t rank, const Matrix& W2) {
  return make_two_layer_relu(low_rank_init(W1_base, rank, NormKind::kFrobenius), W2, /*with_bias=*/false);
}

double relu_accuracy(const TwoLayerRelu& net, const FlatBatch& data) {
  if (data.labels.size() != data.x.rows())
    throw std::invalid_argument("relu_accuracy: " + std::to_string(data.labels.size()) + " labels for " +
                                std::to_string(data.x.rows()) + " rows");
  if (data.labels.empty()) throw std::invalid_argument("relu_accuracy: empty evaluation set");
  const Matrix Y = two_layer_relu_predict(net, data.x);  // (P, K)
  std::size_t correct = 0;
  for (std::size_t a = 0; a < Y.rows(); ++a) {
    const double* y = Y.row(a);
    correct += static_cast<int>(std::max_element(y, y + Y.cols()) - y) == data.labels[a];
  }
  return static_cast<double>(correct) / static_cast<double>(Y.rows());
}

ReluRunResult run_relu_experiment(const ReluTrainConfig& config, const TwoLayerRelu& init,
                                  const ReluBatches& batches, const ReluProbes& probes) {
  if (!batches.next) throw std::invalid_argument("run_relu_experiment: no batch source (ReluBatches::next is empty)");
  const std::size_t d = init.d();
  require_columns(probes.representation, d, "the representation probe");
  require_columns(probes.kernel, d, "the kernel probe");
  require_columns(probes.evaluation.x, d, "the evaluation set");
  if (probes.evaluation.labels.size() != probes.evaluation.x.rows() || probes.evaluation.labels.empty())
    throw std::invalid_argument("run_relu_experiment: the evaluation set needs one label per row");

  ReluRunResult r;
  r.log = Recorder(config.log_every ? config.log_every : std::max<std::size_t>(config.iters, 1));
  auto t0 = Clock::now();
  const ProbeState s0 = measure_probes(init, probes);
  r.accuracy_initial = relu_accuracy(init, probes.evaluation);
  r.measure_seconds += seconds_since(t0);

  TwoLayerRelu net = config.precision == Precision::kF32 ? train<float>(config, init, batches, probes, s0, r)
                                                          : train<double>(config, init, batches, probes, s0, r);
  if (config.iters == 0) {  // untrained: the loss of the initial network on one batch
    const FlatBatch batch = batches.next();
    require_columns(batch.x, d, "a training batch");
    r.loss_first = r.loss_final = batch_loss(two_layer_relu_predict(net, batch.x), batch.labels).loss;
  }

  t0 = Clock::now();
  if (!r.diverged && net_finite(net)) {
    const ProbeState sf = measure_probes(net, probes);
    r.weight_change = weight_change(init.W1, net.W1);
    try {  // undefined for W1(0) = 0
      r.relative_weight_change = relative_weight_change(init.W1, net.W1);
    } catch (const std::invalid_argument&) {
      r.relative_weight_change = std::nan("");
    }
    try {
      r.representation_alignment = clamp_alignment_rounding(representation_alignment(s0.H, sf.H));
      r.kernel_alignment = clamp_alignment_rounding(kernel_alignment(s0.K, sf.K));
      r.sign_similarity = sign_similarity(s0.H, sf.H);
    } catch (const std::invalid_argument& e) {
      // Every probe unit silent (dead ReLUs): the alignments are undefined.  Keep the run, flag it.
      r.representation_alignment = r.kernel_alignment = r.sign_similarity = std::nan("");
      r.silent = true;
      r.warning = std::string("alignments undefined after training: ") + e.what();
    }
    r.accuracy = relu_accuracy(net, probes.evaluation);
    r.eval_loss = batch_loss(two_layer_relu_predict(net, probes.evaluation.x), probes.evaluation.labels).loss;
  } else {
    r.diverged = true;
    const double nan = std::nan("");
    r.weight_change = r.relative_weight_change = r.representation_alignment = r.kernel_alignment = nan;
    r.sign_similarity = r.accuracy = r.eval_loss = nan;
  }
  if (!(r.loss_final < config.diverged_loss)) r.diverged = true;
  r.measure_seconds += seconds_since(t0);
  r.final_net = std::move(net);
  return r;
}

}  // namespace rl
