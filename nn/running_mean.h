#pragma once
// The mean of the last `window` values added (the training log's 100-iteration running mean,
// docs/paper.md#training: the released log, without its off-by-one first entry and with the sum reset per
// run), and the mean of the first `window` values.
//
// Each mean is summed afresh over its window.  A running sum (add the new value, subtract the one
// leaving the window) cancels catastrophically when the values fall by many orders of magnitude:
// after 100 losses of 1e17 it keeps an error of order 1e17 * eps * 100 ~ 1e3, and a diverging start
// that settles at a loss of 0.03 could then report 0 or a negative mean.

#include <algorithm>
#include <cstddef>
#include <vector>

namespace rl {

class RunningMean {
 public:
  explicit RunningMean(std::size_t window) : window_(window) {}
  void add(double v) { values_.push_back(v); }
  std::size_t count() const { return values_.size(); }
  // Mean of the last min(window, count) values; 0 when empty.
  double mean() const {
    const std::size_t n = std::min(window_, values_.size());
    return average(values_.size() - n, n);
  }
  // Mean of the first min(window, count) values; 0 when empty.
  double first_mean() const { return average(0, std::min(window_, values_.size())); }

 private:
  double average(std::size_t from, std::size_t n) const {
    double s = 0;
    for (std::size_t i = from; i < from + n; ++i) s += values_[i];
    return n ? s / static_cast<double>(n) : 0.0;
  }

  std::size_t window_;
  std::vector<double> values_;
};

}  // namespace rl
