#include "demos/toolkit/table_summary.h"

#include <cmath>
#include <cstdio>

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

}  // namespace rl
