// A tiny sequence-classification task for the Fig. 3C tests (tests/test_teacher_labels.cpp,
// tests/test_teacher_cache.cpp): T = 3 steps, 2 inputs, 3 classes, nonnegative inputs.
#pragma once

#include <cstddef>
#include <cstdint>

#include "linalg/rng.h"
#include "nn/init.h"
#include "nn/rnn.h"
#include "nn/rnn_experiment.h"
#include "nn/sequence.h"

namespace rl {
namespace testing {

constexpr std::size_t kT = 3, kIn = 2, kOut = 3;

inline SeqBatch tiny_batch(std::size_t B, Rng& rng) {
  SeqBatch b;
  b.T = kT;
  b.B = B;
  b.x = Matrix(kT * B, kIn);
  for (double& v : b.x.values()) v = rng.uniform();
  b.labels.resize(kT * B);
  for (std::size_t i = 0; i < B; ++i) {
    const int c = static_cast<int>(rng.below(kOut));
    for (std::size_t t = 0; t < kT; ++t) b.labels[b.row(t, i)] = c;
  }
  return b;
}

inline RnnConfig tiny_net(std::size_t N) { return {kIn, N, kOut, 1.0, Activation::kRelu}; }

inline RnnParams random_params(std::size_t N, std::uint64_t seed) {
  Rng rng(seed);
  RnnParams p = paper_io_init(kIn, N, kOut, rng);
  p.W_h = gaussian_init(N, N, 0.8, rng);
  return p;
}

}  // namespace testing
}  // namespace rl
