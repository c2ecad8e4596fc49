// A batch of sequences in time-major layout, flattened into one matrix so that a whole batch
// (or all time steps at once) is a single GEMM operand.
//
//   row index = t * B + b      (t = time step 0..T-1, b = trial 0..B-1)
//
// Dimension letters used throughout nn/ and tasks/: N hidden units, B batch, T time steps,
// K outputs (classes), d or n_in inputs.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "linalg/matrix.h"

namespace rl {

// Which steps' outputs a loss, a kernel or a gap looks at: every step (the Neurogym tasks) or the
// last step only (sMNIST): docs/paper.md#training.
enum class Steps { kAll, kLast };

struct SeqBatch {
  std::size_t T = 0;        // time steps
  std::size_t B = 0;        // trials (batch columns)
  Matrix x;                 // (T*B, n_in) inputs, row t*B + b
  std::vector<int> labels;  // (T*B) class index per step, row t*B + b; may be empty (regression)

  std::size_t n_in() const { return x.cols(); }
  std::size_t row(std::size_t t, std::size_t b) const { return t * B + b; }
  int label(std::size_t t, std::size_t b) const { return labels[t * B + b]; }

  // Throws std::invalid_argument naming `what` when the shapes disagree.
  void validate(const std::string& what) const {
    if (x.rows() != T * B)
      throw std::invalid_argument(what + ": inputs have " + std::to_string(x.rows()) +
                                  " rows, expected T*B = " + std::to_string(T * B));
    if (!labels.empty() && labels.size() != T * B)
      throw std::invalid_argument(what + ": " + std::to_string(labels.size()) +
                                  " labels, expected T*B = " + std::to_string(T * B));
  }
};

// A batch of flat inputs, one example per row (e.g. MNIST images for the two-layer network), in
// double (FlatBatch) or, for a float32 training loop, already in float (FlatBatchF).
template <class T>
struct BasicFlatBatch {
  BasicMatrix<T> x;         // (B, d) inputs, e.g. d = 784 pixels
  std::vector<int> labels;  // (B) class index per row
};
using FlatBatch = BasicFlatBatch<double>;
using FlatBatchF = BasicFlatBatch<float>;

}  // namespace rl
