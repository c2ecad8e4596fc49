// Losses over time-major logits (T*B, K), each returning the loss and dL/dlogits for rnn_backward.
//
// Softmax cross-entropy (PyTorch CrossEntropyLoss, reduction = mean): for every kept row r with label c,
//   l_r = logsumexp(z_r) - z_{r,c},   L = (1 / #kept) sum_r l_r,
//   dL/dz_r = (softmax(z_r) - onehot(c)) / #kept for kept rows, 0 for the others.
// logsumexp is computed as m + log sum exp(z - m), m = max z (no overflow; Goodfellow et al. 2016, 4.1).
// Row selections: every step (Neurogym: 8 x 32 = 256 terms), the last step only (sMNIST), or any mask.
//
// MSE (PyTorch MSELoss, reduction = mean over all entries): L = (1 / n) sum (p - y)^2, dL/dp = 2 (p - y) / n.
//
// Non-finite logits, labels outside [0, K) and shape mismatches throw std::invalid_argument.
#pragma once

#include <cstddef>
#include <vector>

#include "linalg/matrix.h"
#include "nn/sequence.h"

namespace rl {

struct LossResult {
  double loss = 0.0;
  Matrix dY;  // same shape as the predictions
};

// Mean over the rows r with keep[r] != 0 (keep.size() == logits.rows(); at least one row kept).
LossResult softmax_cross_entropy(const Matrix& logits, const std::vector<int>& labels,
                                 const std::vector<unsigned char>& keep);

// Mean over all T*B rows of batch.labels.
LossResult cross_entropy_all_steps(const Matrix& logits, const SeqBatch& batch);
// Mean over the B rows of the last step.
LossResult cross_entropy_last_step(const Matrix& logits, const SeqBatch& batch);
// Mean over the rows with step_mask[t] != 0 (step_mask.size() == T), every trial of those steps.
LossResult cross_entropy_masked_steps(const Matrix& logits, const SeqBatch& batch,
                                      const std::vector<unsigned char>& step_mask);

// keep-vector selecting the rows of step t_keep only, in a (T*B) time-major layout.
std::vector<unsigned char> rows_of_step(std::size_t T, std::size_t B, std::size_t t_keep);

LossResult mse(const Matrix& predictions, const Matrix& targets);

}  // namespace rl
