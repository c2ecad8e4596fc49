#include "demos/toolkit/table_summary.h"

#include <cmath>
#include <cstdio>
#include <limits>
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
  const std::vector<double> f = finite_or_throw(values, "mean_spread");
  const double sd = sample_sd(f);
  return {sample_mean(f), kind == ErrorBar::kSd ? sd : sd / std::sqrt(static_cast<double>(f.size())), f.size()};
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
  const double fence_low = b.q1 - kTukeyWhiskerIqr * iqr, fence_high = b.q3 + kTukeyWhiskerIqr * iqr;
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

std::vector<double> values_of(const ResultTable& table, const std::vector<std::size_t>& rows, const char* column) {
  const std::string c = column;
  const bool measured = c != "diverged" && c != "silent" && table.has_column("diverged");
  std::vector<double> v;
  for (std::size_t i : rows)
    v.push_back(measured && table.number(i, "diverged") != 0 ? std::nan("") : table.number(i, column));
  return v;
}

std::string mean_sd(const std::vector<double>& values, int precision) {
  const std::size_t bad = count_non_finite(values);
  const std::string excluded = bad ? " (" + std::to_string(bad) + " nan)" : "";
  if (bad == values.size()) return "nan" + excluded;
  const MeanSpread m = mean_spread(values, ErrorBar::kSd);
  char buf[96];
  // Fixed decimals as always; a blown-up magnitude (a diverged run's dW of 1e62) in exponent form.
  const bool huge = std::fabs(m.mean) >= 1e6 || m.spread >= 1e6;
  std::snprintf(buf, sizeof buf, huge ? "%.*e ± %.*e" : "%.*f ± %.*f", precision, m.mean, precision, m.spread);
  return buf + excluded;
}

double mean_or_nan(const std::vector<double>& values) {
  return finite_values(values).empty() ? std::nan("") : sample_mean(values);
}

Comparison is_larger(double a, double b) {
  if (!std::isfinite(a) || !std::isfinite(b)) return Comparison::kUndefined;
  return a > b ? Comparison::kYes : Comparison::kNo;
}

Comparison is_smaller(double a, double b) { return is_larger(b, a); }

const char* yes_no(Comparison c) {
  return c == Comparison::kYes ? "yes" : c == Comparison::kNo ? "NO" : "undefined";
}

std::string paper_verdict(const std::vector<Comparison>& checks, const std::string& figure) {
  bool all_yes = true;
  for (Comparison c : checks) {
    if (c == Comparison::kUndefined) return "undefined (a compared group has no finite value, or most of its runs failed)";
    all_yes = all_yes && c == Comparison::kYes;
  }
  return all_yes ? "matches the paper (" + figure + ")" : "differs from the paper";
}

GroupHealth group_health(const std::vector<double>& diverged, const std::vector<double>& silent) {
  GroupHealth h;
  h.runs = diverged.size();
  for (std::size_t i = 0; i < diverged.size(); ++i)
    if (diverged[i] != 0 || (i < silent.size() && silent[i] != 0)) ++h.failed;
  return h;
}

Comparison unless_mostly_failed(Comparison c, const std::vector<GroupHealth>& groups) {
  for (const GroupHealth& g : groups)
    if (g.mostly_failed()) return Comparison::kUndefined;
  return c;
}

RichLazyChecks rich_lazy_checks(const ResultTable& t, const std::vector<std::size_t>& lo,
                                const std::vector<std::size_t>& hi) {
  auto mean = [&](const std::vector<std::size_t>& rows, const char* c) { return mean_or_nan(values_of(t, rows, c)); };
  auto health = [&](const std::vector<std::size_t>& rows) {
    return group_health(values_of(t, rows, "diverged"), values_of(t, rows, "silent"));
  };
  const std::vector<GroupHealth> compared = {health(lo), health(hi)};
  auto judged = [&](Comparison c) { return unless_mostly_failed(c, compared); };
  return {judged(is_larger(mean(lo, "weight_change"), mean(hi, "weight_change"))),
          judged(is_smaller(mean(lo, "representation_alignment"), mean(hi, "representation_alignment"))),
          judged(is_smaller(mean(lo, "kernel_alignment"), mean(hi, "kernel_alignment")))};
}

void LargestError::add(double error) {
  if (!std::isfinite(error)) {
    ++n_left_out;
    return;
  }
  ++n_finite;
  largest = std::max(largest, std::fabs(error));
}

double LargestError::value() const { return n_finite ? largest : std::numeric_limits<double>::quiet_NaN(); }

std::string LargestError::text() const {
  if (n_finite == 0) return "undefined (no run has a finite value; " + std::to_string(n_left_out) + " left out)";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", largest);
  if (n_left_out == 0) return buf;
  const std::string runs = std::to_string(n_left_out) + (n_left_out == 1 ? " run" : " runs");
  return buf + (" (" + runs + " without a finite value left out)");
}

}  // namespace rl
