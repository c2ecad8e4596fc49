#include "nn/plasticity_cost.h"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace rl {

double rms_magnitude(const Matrix& W) {
  if (W.empty()) throw std::invalid_argument("rms_magnitude: empty matrix");
  double sum_sq = 0.0;
  for (double w : W.values()) sum_sq += w * w;
  return std::sqrt(sum_sq / static_cast<double>(W.size()));
}

double l1_change(const Matrix& W0, const Matrix& Wf) {
  require_same_shape(W0, Wf, "l1_change");
  double sum = 0.0;
  for (std::size_t i = 0; i < W0.size(); ++i) sum += std::fabs(Wf.data()[i] - W0.data()[i]);
  return sum;
}

namespace {

// Entries of Wf whose change from W0 exceeds relative_threshold * RMS(W0).
std::size_t count_changed(const Matrix& W0, const Matrix& Wf, double relative_threshold) {
  const double threshold = relative_threshold * rms_magnitude(W0);
  std::size_t count = 0;
  for (std::size_t i = 0; i < W0.size(); ++i)
    if (std::fabs(Wf.data()[i] - W0.data()[i]) > threshold) ++count;
  return count;
}

double squared_distance(const Matrix& a, const Matrix& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = a.data()[i] - b.data()[i];
    s += d * d;
  }
  return s;
}

struct StepDistance {
  double sum_sq = 0.0;  // sum_k (w_k - p_k)^2
  double sum_abs = 0.0; // sum_k |w_k - p_k|
};

// GCC/Clang vector extension, as in linalg/gemm.cpp: eight doubles, one AVX-512 register with
// -march=native (split into narrower registers otherwise).  No intrinsics.
typedef double Vec8 __attribute__((vector_size(64)));
constexpr std::size_t kLanes = 8;

// Both distances of w from p, then p <- w: one pass.  Written with explicit 8-wide vectors because
// the compiler may not reorder a floating-point sum without -ffast-math: the plain loop is a chain of
// dependent scalar adds and ran at 0.29 ms for W_h at N = 300 (a 6 % tax on a 4.5 ms training
// iteration); this runs at about 0.09 ms, close to a copy of the same bytes (0.055 ms).  The sums
// are taken in eight interleaved lanes, so they differ from the plain loop's order by rounding only.
StepDistance distance_then_copy(const double* __restrict w, double* __restrict p, std::size_t n) {
  Vec8 sq = {}, ab = {};
  std::size_t k = 0;
  for (; k + kLanes <= n; k += kLanes) {
    Vec8 now, before;
    std::memcpy(&now, w + k, sizeof(Vec8));
    std::memcpy(&before, p + k, sizeof(Vec8));
    const Vec8 d = now - before;
    sq += d * d;
    ab += d < 0 ? -d : d;
    std::memcpy(p + k, &now, sizeof(Vec8));
  }
  StepDistance out;
  for (std::size_t l = 0; l < kLanes; ++l) {
    out.sum_sq += sq[l];
    out.sum_abs += ab[l];
  }
  for (; k < n; ++k) {
    const double d = w[k] - p[k];
    out.sum_sq += d * d;
    out.sum_abs += std::fabs(d);
    p[k] = w[k];
  }
  return out;
}

}  // namespace

double fraction_changed(const Matrix& W0, const Matrix& Wf, double relative_threshold) {
  require_same_shape(W0, Wf, "fraction_changed");
  if (!(relative_threshold >= 0.0))
    throw std::invalid_argument("fraction_changed: relative_threshold = " +
                                std::to_string(relative_threshold) + " must be >= 0");
  return static_cast<double>(count_changed(W0, Wf, relative_threshold)) /
         static_cast<double>(W0.size());
}

double path_length(const std::vector<Matrix>& trajectory) {
  if (trajectory.empty()) throw std::invalid_argument("path_length: empty trajectory");
  double length = 0.0;
  for (std::size_t t = 0; t + 1 < trajectory.size(); ++t) {
    require_same_shape(trajectory[t], trajectory[t + 1], "path_length step " + std::to_string(t));
    length += std::sqrt(squared_distance(trajectory[t + 1], trajectory[t]));
  }
  return length;
}

double path_length(const std::vector<std::vector<Matrix>>& trajectory) {
  if (trajectory.empty()) throw std::invalid_argument("path_length: empty trajectory");
  double length = 0.0;
  for (std::size_t t = 0; t + 1 < trajectory.size(); ++t) {
    if (trajectory[t].size() != trajectory[t + 1].size())
      throw std::invalid_argument("path_length: step " + std::to_string(t) +
                                  " changes the number of matrices");
    double sum_sq = 0.0;
    for (std::size_t i = 0; i < trajectory[t].size(); ++i) {
      require_same_shape(trajectory[t][i], trajectory[t + 1][i],
                         "path_length step " + std::to_string(t));
      sum_sq += squared_distance(trajectory[t + 1][i], trajectory[t][i]);
    }
    length += std::sqrt(sum_sq);
  }
  return length;
}

double l1_path_length(const std::vector<Matrix>& trajectory) {
  if (trajectory.empty()) throw std::invalid_argument("l1_path_length: empty trajectory");
  double length = 0.0;
  for (std::size_t t = 0; t + 1 < trajectory.size(); ++t) length += l1_change(trajectory[t], trajectory[t + 1]);
  return length;
}

PlasticityMeter::PlasticityMeter(std::vector<const Matrix*> params) : params_(std::move(params)) {
  if (params_.empty()) throw std::invalid_argument("PlasticityMeter: no parameters to watch");
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (params_[i] == nullptr || params_[i]->empty())
      throw std::invalid_argument("PlasticityMeter: parameter " + std::to_string(i) +
                                  " is null or empty");
    initial_.push_back(*params_[i]);
  }
  previous_ = initial_;
  path_.assign(params_.size(), 0.0);
  l1_path_.assign(params_.size(), 0.0);
}

void PlasticityMeter::record() {
  double sum_sq_all = 0.0;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const Matrix& now = *params_[i];
    Matrix& prev = previous_[i];
    if (now.rows() != prev.rows() || now.cols() != prev.cols())
      throw std::invalid_argument("PlasticityMeter::record: parameter " + std::to_string(i) +
                                  " changed shape from " + shape_str(prev) + " to " +
                                  shape_str(now));
    const StepDistance step = distance_then_copy(now.data(), prev.data(), now.size());
    path_[i] += std::sqrt(step.sum_sq);
    l1_path_[i] += step.sum_abs;
    sum_sq_all += step.sum_sq;
  }
  path_all_ += std::sqrt(sum_sq_all);
  ++steps_;
}

PlasticityCost PlasticityMeter::cost(std::size_t i) const {
  const Matrix& W0 = initial_.at(i);
  const Matrix& Wf = *params_[i];
  require_same_shape(W0, Wf, "PlasticityMeter::cost parameter " + std::to_string(i));
  PlasticityCost c;
  c.change = std::sqrt(squared_distance(Wf, W0));
  c.path_length = path_[i];
  c.l1_change = l1_change(W0, Wf);
  c.l1_path_length = l1_path_[i];
  c.fraction_changed = fraction_changed(W0, Wf);
  c.entries = W0.size();
  return c;
}

PlasticityCost PlasticityMeter::cost_all() const {
  PlasticityCost c;
  double sum_sq = 0.0;
  std::size_t changed = 0;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const Matrix& W0 = initial_[i];
    const Matrix& Wf = *params_[i];
    require_same_shape(W0, Wf, "PlasticityMeter::cost_all parameter " + std::to_string(i));
    sum_sq += squared_distance(Wf, W0);
    c.l1_change += l1_change(W0, Wf);
    c.l1_path_length += l1_path_[i];
    changed += count_changed(W0, Wf, kPlasticityRelativeThreshold);  // own matrix's RMS
    c.entries += W0.size();
  }
  c.change = std::sqrt(sum_sq);
  c.path_length = path_all_;
  c.fraction_changed = static_cast<double>(changed) / static_cast<double>(c.entries);
  return c;
}

PlasticityMeter rnn_plasticity_meter(const RnnParams& params) {
  return PlasticityMeter({&params.W_in, &params.W_h, &params.W_out});
}

RnnPlasticity rnn_plasticity(const PlasticityMeter& meter) {
  if (meter.size() != 3)
    throw std::invalid_argument("rnn_plasticity: the meter watches " + std::to_string(meter.size()) +
                                " matrices, expected 3 (W_in, W_h, W_out)");
  return RnnPlasticity{meter.cost(1), meter.cost_all()};
}

const std::vector<std::string>& rnn_plasticity_columns() {
  static const std::vector<std::string> columns = {
      "W_h_path_length", "W_h_l1_change",   "W_h_l1_path_length", "W_h_fraction_changed", "all_change",
      "all_path_length", "all_l1_change",   "all_l1_path_length", "all_fraction_changed"};
  return columns;
}

std::vector<double> rnn_plasticity_values(const RnnPlasticity& p) {
  return {p.W_h.path_length, p.W_h.l1_change,  p.W_h.l1_path_length, p.W_h.fraction_changed,
          p.all.change,      p.all.path_length, p.all.l1_change,     p.all.l1_path_length,
          p.all.fraction_changed};
}

}  // namespace rl
