#include "demos/toolkit/table_summary.h"

#include <cstdio>

#include "demos/toolkit/stats.h"

namespace rl {

std::vector<double> values_of(const ResultTable& table, const std::vector<std::size_t>& rows, const char* column) {
  std::vector<double> v;
  for (std::size_t i : rows) v.push_back(table.number(i, column));
  return v;
}

std::string mean_sd(const std::vector<double>& values, int precision) {
  if (finite_values(values).empty()) return "nan";
  const MeanSpread m = mean_spread(values, ErrorBar::kSd);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f ± %.*f", precision, m.mean, precision, m.spread);
  return buf;
}

}  // namespace rl
