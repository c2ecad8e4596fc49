// Benchmark of the training iterations and tangent kernels the figure programs spend their time in
// (docs/paper.md#measures), on random data with the right shapes.  demos/bench/section_2_rnn.sh runs it
// beside the PyTorch peer (demos/bench/peer_torch_rnn.py) and the OpenBLAS bound
// (demos/bench/peer_gemm_bound.c) and prints the ratios.
//
//   bench_rnn --part train      N=300, B=32, T=8, n_in=3, K=3: forward + CE (all steps) + BPTT + SGD step
//   bench_rnn --part smnist     N=300, B=200, T=28, n_in=28, K=10: the same with CE at the last step only
//   bench_rnn --part relu       Fig. 4B two-layer ReLU network 784 -> 300 -> 10, batch 100: forward, CE,
//                               backward, SGD step (nn/two_layer_relu.h)
//   bench_rnn --part relu_f32   the Fig. 4B step in float32 alone (also part of --part f32)
//   bench_rnn --part linrnn     the linearised RNN iteration beside the plain one at the Neurogym shapes,
//                               and the cost-of-plasticity meter's overhead (nn/iteration_timing.h)
//   bench_rnn --part ntk2af     768 x 768 kernel w.r.t. W_h, all 8 steps x 32 trials x 3 logits
//   bench_rnn --part ntksmnist  2000 x 2000 kernel w.r.t. W_h, last step, B=200, T=28, 28 inputs, K=10
//
// Each RNN training part is timed twice: as the figure programs' training loop runs it (a fresh trace
// returned by rnn_forward every iteration) and with one trace reused (rnn_forward(p, c, batch, trace)),
// which allocates nothing per iteration; the two give bit-identical results.
//
// Output: one `key=value` line per result (parsed by the section script).  One thread throughout.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <vector>

#include "demos/toolkit/cli.h"
#include "linalg/gemm.h"
#include "linalg/rng.h"
#include "nn/iteration_timing.h"
#include "nn/loss.h"
#include "nn/ntk_rnn.h"
#include "nn/optim.h"
#include "nn/rnn.h"
#include "nn/two_layer_relu.h"
#include "nn/precision.h"
#include "nn/rnn_sgd_trainer.h"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU time of this process (one thread here): on a shared machine it leaves out the time other jobs
// held the core, so ratios of CPU times stay meaningful under load where wall times do not.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// The released initialisation (docs/paper.md#rnn-model and #initial-weights): W_h = g G / sqrt(N) (full rank), W_in and W_out
// uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)).
rl::RnnParams paper_like_params(const rl::RnnConfig& c, double gain, rl::Rng& rng) {
  rl::RnnParams p = rl::zero_params(c);
  for (double& w : p.W_h.values()) w = gain * rng.normal() / std::sqrt(static_cast<double>(c.N));
  const double bin = 1.0 / std::sqrt(static_cast<double>(c.n_in));
  const double bout = 1.0 / std::sqrt(static_cast<double>(c.N));
  for (double& w : p.W_in.values()) w = rng.uniform(-bin, bin);
  for (double& w : p.W_out.values()) w = rng.uniform(-bout, bout);
  return p;
}

// Random inputs in [0, 1) and labels as in 2AF: 0 (fixate) before the last step, 1 or 2 at it.
rl::SeqBatch random_batch(std::size_t T, std::size_t B, std::size_t n_in, std::size_t K, rl::Rng& rng) {
  rl::SeqBatch s{T, B, rl::Matrix(T * B, n_in), std::vector<int>(T * B, 0)};
  for (double& v : s.x.values()) v = rng.uniform();
  for (std::size_t b = 0; b < B; ++b)
    s.labels[(T - 1) * B + b] = K > 2 ? 1 + static_cast<int>(rng.below(K - 1)) : 0;
  return s;
}

// Sequential-MNIST shapes: random pixels in [0, 1), a class in [0, K) at the last step (the only
// step the loss reads).
rl::SeqBatch random_smnist_batch(std::size_t T, std::size_t B, std::size_t n_in, std::size_t K, rl::Rng& rng) {
  rl::SeqBatch s{T, B, rl::Matrix(T * B, n_in), std::vector<int>(T * B, 0)};
  for (double& v : s.x.values()) v = rng.uniform();
  for (std::size_t b = 0; b < B; ++b) s.labels[(T - 1) * B + b] = static_cast<int>(rng.below(K));
  return s;
}

// Multiply-adds of one training iteration (docs/bptt.md, "Cost"); step 0 has no recurrent product.
double iteration_macs(const rl::RnnConfig& c, std::size_t T, std::size_t B) {
  const double TB = static_cast<double>(T * B), N = static_cast<double>(c.N);
  const double rec = static_cast<double>((T - 1) * B) * N * N;
  const double io = TB * N * static_cast<double>(c.n_in + c.K);
  return 3.0 * rec + 2.0 * io + TB * N * static_cast<double>(c.K);  // fwd, dH, dW_h | W_in, W_out both ways | dH
}

double gemm_gflops(std::size_t m, std::size_t n, std::size_t k, rl::Trans ta, rl::Trans tb) {
  std::vector<double> A(m * k, 0.5), Bm(k * n, 0.25), C(m * n);
  const std::size_t lda = ta == rl::Trans::kNo ? k : m, ldb = tb == rl::Trans::kNo ? n : k;
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = Clock::now();
    for (int i = 0; i < 20; ++i)
      rl::gemm_raw(ta, tb, m, n, k, 1.0, A.data(), lda, Bm.data(), ldb, 0.0, C.data(), n);
    best = std::min(best, seconds_since(t0) / 20);
  }
  return 2.0 * static_cast<double>(m * n * k) / best / 1e9;
}

// Best-of-blocks timing of `iteration` (returns the loss): warm-up, then `blocks` blocks of
// iters / blocks calls.  Prints <name>_ms_per_iter (mean over blocks) and the best block.
template <class F>
double time_iterations(const char* name, int iters, F iteration, double* last_loss) {
  for (int i = 0; i < 20; ++i) iteration(i);  // warm-up
  const int blocks = 5, per_block = std::max(1, iters / blocks);
  double best = 1e30, total = 0.0, cpu_best = 1e30;
  for (int blk = 0; blk < blocks; ++blk) {
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    for (int i = 0; i < per_block; ++i) *last_loss = iteration(i);
    const double s = seconds_since(t0) / per_block;
    cpu_best = std::min(cpu_best, (cpu_seconds() - c0) / per_block);
    best = std::min(best, s);
    total += s;
  }
  std::printf("%s_iters=%d\n%s_ms_per_iter=%.4f\n%s_ms_per_iter_best_block=%.4f\n", name, per_block * blocks,
              name, total / blocks * 1e3, name, best * 1e3);
  std::printf("%s_cpu_ms_per_iter_best_block=%.4f\n", name, cpu_best * 1e3);
  return total / blocks;
}

// One RNN training iteration (forward, cross-entropy, BPTT, SGD momentum step) at the given shapes,
// timed with a fresh trace per iteration (as the figure loop) under `name`, then with a reused trace
// under `name`_reused.
void bench_rnn_train(const char* name, const rl::RnnConfig& c, std::size_t T, std::size_t B, bool last_step,
                     std::uint64_t seed, int iters) {
  rl::Rng rng(seed);
  const rl::RnnParams p0 = paper_like_params(c, 1.25, rng);
  std::vector<rl::SeqBatch> batches;  // pre-drawn: data generation is not the RNN's cost
  for (int i = 0; i < 16; ++i)
    batches.push_back(last_step ? random_smnist_batch(T, B, c.n_in, c.K, rng) : random_batch(T, B, c.n_in, c.K, rng));
  auto loss_of = [&](const rl::Matrix& y, const rl::SeqBatch& s) {
    return last_step ? rl::cross_entropy_last_step(y, s) : rl::cross_entropy_all_steps(y, s);
  };
  double loss_fresh = 0.0, loss_reused = 0.0, secs = 0.0;
  {
    rl::RnnParams p = p0, g = rl::zero_params(c);
    rl::Sgd opt(rl::make_slots(rl::parameter_list(p), rl::parameter_list(g)), rl::SgdOptions{});
    secs = time_iterations(name, iters, [&](int i) {
      const rl::SeqBatch& s = batches[i % 16];
      const rl::RnnTrace tr = rl::rnn_forward(p, c, s);
      const rl::LossResult l = loss_of(tr.y, s);
      rl::zero_grads(g);
      rl::rnn_backward(p, c, s, tr, l.dY, g);
      opt.step();
      return l.loss;
    }, &loss_fresh);
  }
  {
    rl::RnnParams p = p0, g = rl::zero_params(c);
    rl::Sgd opt(rl::make_slots(rl::parameter_list(p), rl::parameter_list(g)), rl::SgdOptions{});
    rl::RnnTrace tr;
    const std::string reused = std::string(name) + "_reused";
    time_iterations(reused.c_str(), iters, [&](int i) {
      const rl::SeqBatch& s = batches[i % 16];
      rl::rnn_forward(p, c, s, tr);
      const rl::LossResult l = loss_of(tr.y, s);
      rl::zero_grads(g);
      rl::rnn_backward(p, c, s, tr, l.dY, g);
      opt.step();
      return l.loss;
    }, &loss_reused);
  }
  const double macs = iteration_macs(c, T, B);
  std::printf("%s_macs_per_iter=%.0f\n%s_loss_last=%.4f\n%s_reused_loss_last=%.4f\n", name, macs, name,
              loss_fresh, name, loss_reused);
  std::printf("%s_our_gflops=%.2f\n", name, 2.0 * macs / secs / 1e9);
}

// The training step exactly as the programs take it, through RnnSgdTrainer (nn/rnn_sgd_trainer.h), in
// float32 or float64: rounded start, forward, loss in double, BPTT, SGD; the float64 copy of the weights
// the measures read is refreshed after every float32 step, so its cost is included.  Name <name>_f32/_f64.
void bench_trainer(const std::string& name, const rl::RnnConfig& c, std::size_t T, std::size_t B, bool last_step,
                   rl::Precision precision, std::uint64_t seed, int iters) {
  rl::Rng rng(seed);
  const rl::RnnParams p0 = paper_like_params(c, 1.25, rng);
  std::vector<rl::SeqBatch> batches;
  for (int i = 0; i < 16; ++i)
    batches.push_back(last_step ? random_smnist_batch(T, B, c.n_in, c.K, rng) : random_batch(T, B, c.n_in, c.K, rng));
  rl::RnnSgdTrainer trainer(p0, c, rl::SgdOptions{}, last_step ? rl::Steps::kLast : rl::Steps::kAll, precision);
  double loss = 0.0;
  const std::string full = name + "_" + rl::precision_name(precision);
  time_iterations(full.c_str(), iters, [&](int i) { return trainer.step(batches[i % 16]); }, &loss);
  std::printf("%s_loss_last=%.4f\n", full.c_str(), loss);
}

void bench_train(std::uint64_t seed, int iters) {
  const rl::RnnConfig c{3, 300, 3, 1.0, rl::Activation::kRelu};
  const std::size_t T = 8, B = 32;
  bench_rnn_train("train", c, T, B, false, seed, iters);
  std::printf("gemm_ours_gflops_B_N_N=%.2f\n", gemm_gflops(B, c.N, c.N, rl::Trans::kNo, rl::Trans::kYes));
  std::printf("gemm_ours_gflops_N_N_7B=%.2f\n",
              gemm_gflops(c.N, c.N, (T - 1) * B, rl::Trans::kYes, rl::Trans::kNo));
}

// Sequential MNIST (Fig. 1 sMNIST, Fig. 3C): N 300, B 200, T 28, 28 inputs, 10 classes, CE at the
// last step.  About 1.6 G multiply-adds, so fewer iterations than the Neurogym part.
void bench_smnist_train(std::uint64_t seed, int iters) {
  bench_rnn_train("smnist", rl::RnnConfig{28, 300, 10, 1.0, rl::Activation::kRelu}, 28, 200, true, seed,
                  std::max(5, iters / 20));
}

// The Fig. 4B bench's network and 16 pre-drawn batches of 100 random "images" (pixels in [0, 1)).
struct ReluBenchData {
  static constexpr std::size_t B = 100, d = 784, N = 300, K = 10;
  rl::TwoLayerRelu net0;
  std::vector<rl::Matrix> xs;
  std::vector<std::vector<int>> ys;
};

ReluBenchData relu_bench_data(std::uint64_t seed) {
  using D = ReluBenchData;
  rl::Rng rng(seed);
  ReluBenchData data;
  data.net0 = rl::init_two_layer_relu(D::d, D::N, D::K, rng);
  for (int i = 0; i < 16; ++i) {
    rl::Matrix X(D::B, D::d);
    for (double& v : X.values()) v = rng.uniform();
    std::vector<int> y(D::B);
    for (int& v : y) v = static_cast<int>(rng.below(D::K));
    data.xs.push_back(std::move(X));
    data.ys.push_back(std::move(y));
  }
  return data;
}

// Fig. 4B: the two-layer ReLU network 784 -> N -> 10 on batches of 100 random "images" (pixels in
// [0, 1)), softmax CE over the batch, SGD momentum (lr 0.01 as demos/fig4b_relu_mnist).  Timed twice,
// like the RNN parts: the plain route (zero_grads, two_layer_relu_backward adding into the cleared
// gradients, Sgd::step), under `relu`, and as the figure's training loop runs it
// (nn/relu_experiment.cpp: two_layer_relu_sgd_step, the same bits with W1 updated block by block
// while its gradient is in cache), under `relu_reused`.
void bench_relu_train(std::uint64_t seed, int iters) {
  const ReluBenchData data = relu_bench_data(seed);
  const std::size_t B = ReluBenchData::B, d = ReluBenchData::d, N = ReluBenchData::N, K = ReluBenchData::K;
  const rl::TwoLayerRelu& net0 = data.net0;
  const std::vector<rl::Matrix>& xs = data.xs;
  const std::vector<std::vector<int>>& ys = data.ys;
  rl::SgdOptions o;
  o.lr = 0.01;
  const std::vector<unsigned char> all_rows(B, 1);
  double secs = 0.0, last = 0.0, last_fused = 0.0;
  for (const bool fused : {false, true}) {
    rl::TwoLayerRelu net = net0;
    rl::Sgd opt(rl::make_slots({&net.W1, &net.W2}, {&net.dW1, &net.dW2}), o);
    rl::TwoLayerReluCache cache;
    const double s = time_iterations(fused ? "relu_reused" : "relu", iters, [&](int i) {
      const rl::Matrix Y = rl::two_layer_relu_forward(net, xs[i % 16], cache);
      const rl::LossResult l = rl::softmax_cross_entropy(Y, ys[i % 16], all_rows);
      if (fused) {
        rl::two_layer_relu_sgd_step(net, cache, l.dY, opt);
      } else {
        rl::zero_grads(net);
        rl::two_layer_relu_backward(net, cache, l.dY);
        opt.step();
      }
      return l.loss;
    }, fused ? &last_fused : &last);
    if (!fused) secs = s;
  }
  const double macs = static_cast<double>(B * N * d * 2 + B * N * K * 3);  // Z, dW1 | Y, dW2, dH
  std::printf("relu_macs_per_iter=%.0f\nrelu_loss_last=%.4f\nrelu_reused_loss_last=%.4f\nrelu_our_gflops=%.2f\n", macs,
              last, last_fused, 2.0 * macs / secs / 1e9);
}

// The Fig. 4B step as run_relu_experiment trains it in float32 (nn/relu_experiment.cpp, train<float>):
// the batch handed over in float, as fig4b_relu_mnist's batcher gives it (ReluBatches::next_f32) and
// copied into the forward cache, the loss in double from the float logits, dY rounded to float, the
// fused SGD step.  Printed as relu_f32.
void bench_relu_train_f32(std::uint64_t seed, int iters) {
  const ReluBenchData data = relu_bench_data(seed);
  std::vector<rl::MatrixF> xs;  // the batches in float, as the loader hands them
  for (const rl::Matrix& x : data.xs) xs.push_back(rl::cast_matrix<float>(x));
  rl::SgdOptions o;
  o.lr = 0.01;
  const std::vector<unsigned char> all_rows(ReluBenchData::B, 1);
  rl::TwoLayerReluF net = rl::cast_net<float>(data.net0);
  rl::SgdF opt(rl::make_slots<float>({&net.W1, &net.W2}, {&net.dW1, &net.dW2}), o);
  rl::BasicTwoLayerReluCache<float> cache;
  double last = 0.0;
  time_iterations("relu_f32", iters, [&](int i) {
    const rl::MatrixF Y = rl::two_layer_relu_forward(net, xs[i % 16], cache);
    const rl::LossResult l = rl::softmax_cross_entropy(rl::cast_matrix<double>(Y), data.ys[i % 16], all_rows);
    rl::two_layer_relu_sgd_step(net, cache, rl::cast_matrix<float>(l.dY), opt);
    return l.loss;
  }, &last);
  std::printf("relu_f32_loss_last=%.4f\n", last);
}

// ---- the linearised RNN iteration and the cost-of-plasticity meter ------------------------------
// At the Neurogym shapes (N 300, B 32, T 8, 3 inputs, 3 outputs, CE at every step), nn/iteration_timing.h
// alternates rounds of: the plain training iteration (reused trace), the same plus
// PlasticityMeter::record() after the step, record() alone, and one LinearisedTrainer::step (forward at
// theta0, JVP, backward at theta0; nn/linearised_rnn.h).  Medians over rounds of CPU time.
// Targets (issue 14): linearised / plain <= 2.5; meter overhead <= 5 % of an iteration.
void bench_linrnn_train(std::uint64_t seed, int iters) {
  const rl::RnnConfig c{3, 300, 3, 1.0, rl::Activation::kRelu};
  const std::size_t per_round = static_cast<std::size_t>(std::max(5, iters / 20)), rounds = 9;
  const rl::IterationTiming t = rl::time_training_iterations(c, 8, 32, per_round, rounds, seed);
  std::printf("linrnn_status=timed\nlinrnn_iters=%zu\n", per_round * rounds);
  std::printf("linrnn_plain_cpu_ms=%.4f\nlinrnn_cpu_ms=%.4f\nlinrnn_ratio_cpu=%.3f\nlinrnn_ratio_best_wall=%.3f\n",
              t.plain.cpu_median_ms, t.linearised.cpu_median_ms, t.linearised_ratio_cpu(),
              t.linearised_ratio_best());
  std::printf("meter_with_cpu_ms=%.4f\nmeter_alone_ms=%.4f\nmeter_overhead_cpu_pct=%.2f\nmeter_overhead_isolated_pct=%.2f\n",
              t.with_meter.cpu_median_ms, t.meter_alone.median_ms, 100.0 * t.meter_overhead_cpu(),
              100.0 * t.meter_overhead_isolated());
}

const char* path_name(rl::NtkPath p) {
  switch (p) {
    case rl::NtkPath::kErrorGram: return "error_gram";
    case rl::NtkPath::kJacobianBlocks: return "jacobian_blocks";
    case rl::NtkPath::kTrialPairs: return "trial_pairs";
    default: return "auto";
  }
}

rl::NtkPath path_from_name(const std::string& s) {
  for (rl::NtkPath p : {rl::NtkPath::kErrorGram, rl::NtkPath::kJacobianBlocks, rl::NtkPath::kTrialPairs})
    if (s == path_name(p)) return p;
  return rl::NtkPath::kAuto;
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

void bench_kernel(const char* name, const rl::RnnConfig& c, std::size_t T, std::size_t B,
                  rl::Steps steps, rl::NtkPath path, std::uint64_t seed) {
  rl::Rng rng(seed);
  const rl::RnnParams p = paper_like_params(c, 1.25, rng);
  const rl::SeqBatch s = random_batch(T, B, c.n_in, c.K, rng);
  rl::NtkOptions o;
  o.steps = steps;
  o.path = path;
  const auto t0 = Clock::now();
  const rl::NtkResult r = rl::rnn_tangent_kernel(p, c, s, o);
  const double secs = seconds_since(t0);
  double trace = 0.0;
  for (std::size_t i = 0; i < r.K.rows(); ++i) trace += r.K(i, i);
  std::printf("%s_rows=%zu\n%s_s=%.4f\n%s_path=%s\n%s_cost_error_gram_gmac=%.2f\n%s_cost_jacobian_gmac=%.2f\n",
              name, r.K.rows(), name, secs, name,
              path_name(r.path), name, r.costs.error_gram / 1e9, name, r.costs.jacobian_blocks / 1e9);
  std::printf("%s_cost_trial_pairs_gmac=%.2f\n", name, r.costs.trial_pairs / 1e9);
  std::printf("%s_trace=%.6e\n%s_peak_rss_mib=%.1f\n", name, trace, name, peak_rss_mib());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    rl::Cli cli("bench_rnn", "Time one training iteration (Neurogym RNN, sMNIST RNN, Fig. 4B ReLU network) and the RNN tangent kernels (one thread).");
    cli.add_int("seed", 1, "seed of the random weights and data", 0);
    cli.add_string("part", "all", "what to time",
                   {"all", "train", "smnist", "relu", "f32", "relu_f32", "linrnn", "ntk2af", "ntksmnist"});
    cli.add_int("iters", 1000, "training iterations to time", 5, 1000000);
    cli.add_string("path", "auto", "kernel contraction order",
                   {"auto", "error_gram", "jacobian_blocks", "trial_pairs"});
    if (!cli.parse_or_exit(argc, argv)) return 0;
    const auto seed = static_cast<std::uint64_t>(cli.get_int("seed"));
    const std::string part = cli.get_string("part");
    const rl::NtkPath path = path_from_name(cli.get_string("path"));
    std::printf("seed=%llu\n", static_cast<unsigned long long>(seed));
    const int iters = static_cast<int>(cli.get_int("iters"));
    if (part == "all" || part == "train") bench_train(seed, iters);
    if (part == "all" || part == "smnist") bench_smnist_train(seed, iters);
    if (part == "all" || part == "relu") bench_relu_train(seed, iters);
    // The training steps as the programs take them, float64 and float32 (docs/precision.md).
    if (part == "all" || part == "f32") {
      const rl::RnnConfig neurogym{3, 300, 3, 1.0, rl::Activation::kRelu}, smnist{28, 300, 10, 1.0, rl::Activation::kRelu};
      for (const rl::Precision precision : {rl::Precision::kF64, rl::Precision::kF32}) {
        bench_trainer("trainer", neurogym, 8, 32, false, precision, seed, iters);
        bench_trainer("smnist_trainer", smnist, 28, 200, true, precision, seed, std::max(5, iters / 20));
      }
      bench_relu_train_f32(seed, iters);
    }
    if (part == "relu_f32") bench_relu_train_f32(seed, iters);  // the float32 ReLU step alone
    if (part == "all" || part == "linrnn") bench_linrnn_train(seed, iters);
    if (part == "all" || part == "ntk2af")
      bench_kernel("ntk2af", rl::RnnConfig{3, 300, 3, 1.0, rl::Activation::kRelu}, 8, 32,
                   rl::Steps::kAll, path, seed);
    if (part == "all" || part == "ntksmnist")
      bench_kernel("ntksmnist", rl::RnnConfig{28, 300, 10, 1.0, rl::Activation::kRelu}, 28, 200,
                   rl::Steps::kLast, path, seed);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_rnn: %s\n", e.what());
    return 1;
  }
}
