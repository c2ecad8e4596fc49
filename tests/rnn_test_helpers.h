// Random CT-RNNs and input sequences shared by the RNN, BPTT, tangent-kernel, JVP and linearised-model
// tests (fixed seeds, so every test sees the same network on every run).
#pragma once

#include <cmath>
#include <cstdint>

#include "nn/rnn.h"
#include "nn/sequence.h"
#include "tests/test_helpers.h"

namespace rl::testing {

// A random network with O(1) activity: W_in and W_out at 1/sqrt(fan-in), W_h at gain 1.2 (near the
// chaotic edge, as the paper's g = 1.25); `scale` multiplies all three.
inline RnnParams random_rnn_params(const RnnConfig& c, std::uint64_t seed, double scale = 1.0) {
  RnnParams p{random_matrix(c.N, c.n_in, seed), random_matrix(c.N, c.N, seed + 1),
              random_matrix(c.K, c.N, seed + 2)};
  p.W_in *= scale / std::sqrt(static_cast<double>(c.n_in));
  p.W_h *= 1.2 * scale / std::sqrt(static_cast<double>(c.N));
  p.W_out *= scale / std::sqrt(static_cast<double>(c.N));
  return p;
}

// T steps x B trials of iid N(0, 1) inputs, time-major rows (t B + b), no labels.
inline SeqBatch random_inputs(std::size_t T, std::size_t B, std::size_t n_in, std::uint64_t seed) {
  return SeqBatch{T, B, random_matrix(T * B, n_in, seed), {}};
}

}  // namespace rl::testing
