// Summaries of a result table for the programs' printed tables (plumbing; a first reading can skip it).
//
//   const auto dW = values_of(table, rows, "weight_change");   // one column over some rows
//   std::printf("%-17s", mean_sd(dW, 3).c_str());              // "0.290 ± 0.089" (sd over seeds)
#pragma once

#include <cstddef>
#include <string>
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

}  // namespace rl
