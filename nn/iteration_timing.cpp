#include "nn/iteration_timing.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <functional>
#include <stdexcept>
#include <vector>

#include "linalg/rng.h"
#include "nn/linearised_rnn.h"
#include "nn/loss.h"
#include "nn/optim.h"
#include "nn/plasticity_cost.h"

namespace rl {

namespace {

Matrix random_normal(std::size_t rows, std::size_t cols, double scale, Rng& rng) {
  Matrix m(rows, cols);
  for (double& v : m.values()) v = scale * rng.normal();
  return m;
}

SeqBatch random_batch(const RnnConfig& c, std::size_t T, std::size_t B, Rng& rng) {
  SeqBatch batch{T, B, random_normal(T * B, c.n_in, 1.0, rng), std::vector<int>(T * B)};
  for (int& label : batch.labels) label = static_cast<int>(rng.below(c.K));
  return batch;
}

struct RoundTime {
  double wall_ms, cpu_ms;  // per iteration
};

// Wall-clock and CPU milliseconds per iteration of `iteration` run `iterations` times.
RoundTime time_round(const std::function<void(std::size_t)>& iteration, std::size_t iterations) {
  const std::clock_t cpu_start = std::clock();
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < iterations; ++i) iteration(i);
  const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
  const double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const double n = static_cast<double>(iterations);
  return RoundTime{elapsed.count() / n, cpu_ms / n};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

VariantTiming summarise(const std::vector<RoundTime>& rounds) {
  std::vector<double> wall, cpu;
  for (const RoundTime& r : rounds) {
    wall.push_back(r.wall_ms);
    cpu.push_back(r.cpu_ms);
  }
  return VariantTiming{*std::min_element(wall.begin(), wall.end()), median(wall), median(cpu)};
}

}  // namespace

IterationTiming time_training_iterations(const RnnConfig& config, std::size_t T, std::size_t B,
                                         std::size_t iterations, std::size_t rounds,
                                         std::uint64_t seed) {
  config.validate();
  if (T == 0 || B == 0 || iterations == 0 || rounds == 0)
    throw std::invalid_argument("time_training_iterations: T, B, iterations and rounds must be positive");
  Rng rng(seed);
  const RnnParams theta0{random_normal(config.N, config.n_in, 1.0 / std::sqrt(double(config.n_in)), rng),
                         random_normal(config.N, config.N, 1.0 / std::sqrt(double(config.N)), rng),
                         random_normal(config.K, config.N, 1.0 / std::sqrt(double(config.N)), rng)};
  std::vector<SeqBatch> batches;
  for (int i = 0; i < 4; ++i) batches.push_back(random_batch(config, T, B, rng));
  const SgdOptions sgd_options;  // lr 0.003, momentum 0.9

  RnnParams params = theta0, grads = zero_params(config);
  Sgd sgd(make_slots(parameter_list(params), parameter_list(grads)), sgd_options);
  RnnTrace trace;
  auto plain = [&](std::size_t i) {
    const SeqBatch& batch = batches[i % batches.size()];
    rnn_forward(params, config, batch, trace);
    const LossResult loss = cross_entropy_all_steps(trace.y, batch);
    zero_grads(grads);
    rnn_backward(params, config, batch, trace, loss.dY, grads);
    sgd.step();
  };
  PlasticityMeter meter = rnn_plasticity_meter(params);
  auto with_meter = [&](std::size_t i) {
    plain(i);
    meter.record();
  };
  auto meter_alone = [&](std::size_t) { meter.record(); };
  LinearisedTrainer linearised(theta0, config, sgd_options, Steps::kAll);
  auto linearised_step = [&](std::size_t i) { linearised.step(batches[i % batches.size()]); };

  for (std::size_t i = 0; i < 3; ++i) {  // warm up caches and scratch buffers
    with_meter(i);
    linearised_step(i);
  }
  std::vector<RoundTime> plain_ms, meter_ms, alone_ms, linearised_ms;
  for (std::size_t r = 0; r < rounds; ++r) {
    plain_ms.push_back(time_round(plain, iterations));
    meter_ms.push_back(time_round(with_meter, iterations));
    alone_ms.push_back(time_round(meter_alone, iterations));
    linearised_ms.push_back(time_round(linearised_step, iterations));
  }
  return IterationTiming{summarise(plain_ms), summarise(meter_ms), summarise(alone_ms),
                         summarise(linearised_ms)};
}

}  // namespace rl
