#include "nn/loss.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace rl {

LossResult softmax_cross_entropy(const Matrix& logits, const std::vector<int>& labels,
                                 const std::vector<unsigned char>& keep) {
  const std::size_t R = logits.rows(), K = logits.cols();
  if (K == 0) throw std::invalid_argument("softmax_cross_entropy: logits have 0 columns");
  if (labels.size() != R)
    throw std::invalid_argument("softmax_cross_entropy: " + std::to_string(labels.size()) +
                                " labels for " + std::to_string(R) + " logit rows");
  if (keep.size() != R)
    throw std::invalid_argument("softmax_cross_entropy: keep mask has " +
                                std::to_string(keep.size()) + " entries for " + std::to_string(R) +
                                " logit rows");
  require_finite(logits, "softmax_cross_entropy logits");
  const std::size_t n_kept = static_cast<std::size_t>(std::count_if(
      keep.begin(), keep.end(), [](unsigned char k) { return k != 0; }));
  if (n_kept == 0) throw std::invalid_argument("softmax_cross_entropy: the mask keeps no rows");
  const double inv_n = 1.0 / static_cast<double>(n_kept);

  LossResult out{0.0, Matrix(R, K)};
  for (std::size_t r = 0; r < R; ++r) {
    if (!keep[r]) continue;
    const int c = labels[r];
    if (c < 0 || static_cast<std::size_t>(c) >= K)
      throw std::invalid_argument("softmax_cross_entropy: label " + std::to_string(c) +
                                  " at row " + std::to_string(r) + " outside [0, " +
                                  std::to_string(K) + ")");
    const double* z = logits.row(r);
    double* g = out.dY.row(r);
    const double m = *std::max_element(z, z + K);
    double sum = 0.0;
    for (std::size_t k = 0; k < K; ++k) {
      g[k] = std::exp(z[k] - m);
      sum += g[k];
    }
    out.loss += ((m - z[c]) + std::log(sum)) * inv_n;  // m - z_c first: no cancellation at large m
    for (std::size_t k = 0; k < K; ++k) g[k] *= inv_n / sum;  // softmax / n
    g[c] -= inv_n;
  }
  return out;
}

LossResult cross_entropy_all_steps(const Matrix& logits, const SeqBatch& batch) {
  batch.validate("cross_entropy_all_steps");
  return softmax_cross_entropy(logits, batch.labels,
                               std::vector<unsigned char>(batch.T * batch.B, 1));
}

std::vector<unsigned char> rows_of_step(std::size_t T, std::size_t B, std::size_t t_keep) {
  if (t_keep >= T)
    throw std::invalid_argument("rows_of_step: step " + std::to_string(t_keep) + " of T = " +
                                std::to_string(T));
  std::vector<unsigned char> keep(T * B, 0);
  std::fill(keep.begin() + static_cast<std::ptrdiff_t>(t_keep * B),
            keep.begin() + static_cast<std::ptrdiff_t>((t_keep + 1) * B), 1);
  return keep;
}

LossResult cross_entropy_last_step(const Matrix& logits, const SeqBatch& batch) {
  batch.validate("cross_entropy_last_step");
  if (batch.T == 0) throw std::invalid_argument("cross_entropy_last_step: T = 0");
  return softmax_cross_entropy(logits, batch.labels, rows_of_step(batch.T, batch.B, batch.T - 1));
}

LossResult cross_entropy_masked_steps(const Matrix& logits, const SeqBatch& batch,
                                      const std::vector<unsigned char>& step_mask) {
  batch.validate("cross_entropy_masked_steps");
  if (step_mask.size() != batch.T)
    throw std::invalid_argument("cross_entropy_masked_steps: step mask has " +
                                std::to_string(step_mask.size()) + " entries, expected T = " +
                                std::to_string(batch.T));
  std::vector<unsigned char> keep(batch.T * batch.B, 0);
  for (std::size_t t = 0; t < batch.T; ++t)
    for (std::size_t b = 0; b < batch.B; ++b) keep[t * batch.B + b] = step_mask[t] ? 1 : 0;
  return softmax_cross_entropy(logits, batch.labels, keep);
}

LossResult mse(const Matrix& predictions, const Matrix& targets) {
  require_same_shape(predictions, targets, "mse predictions vs targets");
  if (predictions.empty()) throw std::invalid_argument("mse: empty predictions");
  require_finite(predictions, "mse predictions");
  require_finite(targets, "mse targets");
  const double inv_n = 1.0 / static_cast<double>(predictions.size());
  LossResult out{0.0, Matrix(predictions.rows(), predictions.cols())};
  const double* p = predictions.data();
  const double* y = targets.data();
  double* g = out.dY.data();
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    const double r = p[i] - y[i];
    out.loss += r * r * inv_n;
    g[i] = 2.0 * r * inv_n;
  }
  return out;
}

}  // namespace rl
