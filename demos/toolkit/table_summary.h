// Summaries of a result table for the programs' printed tables (plumbing; a first reading can skip it).
//
//   const auto dW = values_of(table, rows, "weight_change");   // one column over some rows
//   std::printf("%-17s", mean_sd(dW, 3).c_str());              // "0.290 ± 0.089" (sd over seeds)
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "demos/toolkit/csv.h"

namespace rl {

// The numbers in `column` at `rows`, in that order.
std::vector<double> values_of(const ResultTable& table, const std::vector<std::size_t>& rows, const char* column);

// "mean ± sd" of the finite values with `precision` decimals, or "nan" when none is finite.  Non-finite
// values (diverged runs) are excluded and counted: "0.918 ± 0.039 (1 nan)", "nan (2 nan)".
std::string mean_sd(const std::vector<double>& values, int precision);

// Mean of the finite values, or NaN when there is none (a summary never throws on diverged runs).
double mean_or_nan(const std::vector<double>& values);

// Rows of `table` grouped by setting, in order of first appearance: `make(i)` builds row i's group
// (its setting, empty `rows`); rows whose groups have equal `key()` share one group.  Each program keeps
// its own typed Group, e.g. struct Group { std::string task; double rank; std::vector<std::size_t> rows;
// auto key() const { return std::tie(task, rank); } };
template <class Group, class MakeGroup>
std::vector<Group> group_rows_by(const ResultTable& table, MakeGroup make) {
  std::vector<Group> groups;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    Group g = make(i);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& h) { return h.key() == g.key(); });
    if (it == groups.end()) it = groups.insert(groups.end(), std::move(g));
    it->rows.push_back(i);
  }
  return groups;
}

// The distinct values of field(g) over `groups`, in order of first appearance: the rows or the curves
// of a figure, e.g. distinct_values(groups, [](const Group& g) { return g.task; }).
template <class Group, class Field>
auto distinct_values(const std::vector<Group>& groups, Field field) {
  std::vector<std::decay_t<decltype(field(groups.front()))>> values;
  for (const Group& g : groups)
    if (std::find(values.begin(), values.end(), field(g)) == values.end()) values.push_back(field(g));
  return values;
}

}  // namespace rl
