#include "demos/toolkit/stats.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rl {

std::vector<double> finite_values(const std::vector<double>& values) {
  std::vector<double> out;
  out.reserve(values.size());
  for (double v : values)
    if (std::isfinite(v)) out.push_back(v);
  return out;
}

std::size_t count_non_finite(const std::vector<double>& values) {
  return static_cast<std::size_t>(
      std::count_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }));
}

namespace {

std::vector<double> finite_or_throw(const std::vector<double>& values, const char* who) {
  std::vector<double> f = finite_values(values);
  if (f.empty())
    throw std::invalid_argument(std::string(who) + ": no finite values among " + std::to_string(values.size()));
  return f;
}

// Type-7 quantile of already sorted, finite, non-empty data.
double sorted_quantile(const std::vector<double>& s, double p) {
  const double h = (static_cast<double>(s.size()) - 1.0) * p;
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, s.size() - 1);
  return s[lo] + (h - static_cast<double>(lo)) * (s[hi] - s[lo]);
}

}  // namespace

double sample_mean(const std::vector<double>& values) {
  const std::vector<double> f = finite_or_throw(values, "mean");
  double sum = 0.0;
  for (double v : f) sum += v;
  return sum / static_cast<double>(f.size());
}

double sample_sd(const std::vector<double>& values) {
  const std::vector<double> f = finite_or_throw(values, "sample_sd");
  if (f.size() < 2) return 0.0;
  const double m = sample_mean(f);
  double ss = 0.0;  // two-pass: no cancellation from sum(x^2) - n m^2
  for (double v : f) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(f.size() - 1));
}

double quantile(const std::vector<double>& values, double p) {
  if (!(p >= 0.0 && p <= 1.0)) throw std::invalid_argument("quantile: p = " + std::to_string(p) + " not in [0, 1]");
  std::vector<double> s = finite_or_throw(values, "quantile");
  std::sort(s.begin(), s.end());
  return sorted_quantile(s, p);
}

const char* error_bar_name(ErrorBar kind) { return kind == ErrorBar::kSd ? "sd" : "sem"; }

MeanSpread mean_spread(const std::vector<double>& values, ErrorBar kind) {
  MeanSpread r;
  const std::vector<double> f = finite_or_throw(values, "mean_spread");
  r.n = f.size();
  r.mean = sample_mean(f);
  const double sd = sample_sd(f);
  r.spread = kind == ErrorBar::kSd ? sd : sd / std::sqrt(static_cast<double>(r.n));
  return r;
}

BoxStats box_stats(const std::vector<double>& values) {
  BoxStats b;
  std::vector<double> s = finite_or_throw(values, "box_stats");
  std::sort(s.begin(), s.end());
  b.n = s.size();
  b.q1 = sorted_quantile(s, 0.25);
  b.median = sorted_quantile(s, 0.5);
  b.q3 = sorted_quantile(s, 0.75);
  const double iqr = b.q3 - b.q1;
  const double fence_low = b.q1 - kTukeyWhiskerIqr * iqr;
  const double fence_high = b.q3 + kTukeyWhiskerIqr * iqr;
  b.whisker_low = b.q1;
  b.whisker_high = b.q3;
  for (double v : s) {
    if (v < fence_low || v > fence_high) {
      b.outliers.push_back(v);
      continue;
    }
    b.whisker_low = std::min(b.whisker_low, v);
    b.whisker_high = std::max(b.whisker_high, v);
  }
  return b;
}

}  // namespace rl
