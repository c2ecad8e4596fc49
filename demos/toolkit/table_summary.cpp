#include "demos/toolkit/table_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "demos/toolkit/stats.h"

namespace rl {

std::vector<double> values_of(const ResultTable& table, const std::vector<std::size_t>& rows, const char* column) {
  std::vector<double> v;
  for (std::size_t i : rows) v.push_back(table.number(i, column));
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

namespace {

bool both_finite(double a, double b) { return std::isfinite(a) && std::isfinite(b); }

}  // namespace

Comparison is_larger(double a, double b) {
  if (!both_finite(a, b)) return Comparison::kUndefined;
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
  char buf[128];
  if (n_finite == 0) {
    std::snprintf(buf, sizeof buf, "undefined (no run has a finite value; %zu left out)", n_left_out);
  } else if (n_left_out) {
    std::snprintf(buf, sizeof buf, "%.3e (%zu run%s without a finite value left out)", largest, n_left_out,
                  n_left_out == 1 ? "" : "s");
  } else {
    std::snprintf(buf, sizeof buf, "%.3e", largest);
  }
  return buf;
}

}  // namespace rl
