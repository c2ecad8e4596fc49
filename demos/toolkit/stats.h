// Summary statistics for plots and tables: mean, spread, quantiles, box-plot statistics.
//
// Every function skips non-finite values (NaN, +-inf); the results say how many finite ones they used
// (n) and count_non_finite counts the rest, so that a diverged run is counted, never silently averaged
// in or drawn at 0.
//
// Conventions (stated here once, and in the plot legends):
//   sample_mean the arithmetic mean of the finite values.
//   sample_sd   the n - 1 (Bessel-corrected) standard deviation; 0 for a single value.
//   sem         sample_sd / sqrt(n).
//   quantile    linear interpolation between order statistics, h = (n - 1) p ("type 7" of
//               Hyndman & Fan 1996, the default of R and NumPy).
//   box_stats   Tukey's box plot (Tukey 1977, "Exploratory Data Analysis", ch. 2): box from the
//               first to the third quartile, line at the median, whiskers to the most extreme data
//               point within 1.5 IQR of the box, every point beyond them an outlier.
#pragma once

#include <cstddef>
#include <vector>

namespace rl {

// The finite entries of `values`, in their original order.
std::vector<double> finite_values(const std::vector<double>& values);
std::size_t count_non_finite(const std::vector<double>& values);

// Both throw std::invalid_argument if `values` has no finite entry.
double sample_mean(const std::vector<double>& values);
double sample_sd(const std::vector<double>& values);

// p in [0, 1] of the finite entries (type 7).  Throws std::invalid_argument if there is no finite
// entry or p is outside [0, 1].
double quantile(const std::vector<double>& values, double p);

enum class ErrorBar { kSd, kSem };
const char* error_bar_name(ErrorBar kind);  // "sd" or "sem", used in legends

struct MeanSpread {
  double mean = 0.0;
  double spread = 0.0;         // sd or sem, as requested
  std::size_t n = 0;           // finite values used
};
// Mean and sd/sem of the finite entries.  Throws std::invalid_argument if there is none.
MeanSpread mean_spread(const std::vector<double>& values, ErrorBar kind);

struct BoxStats {
  double q1 = 0.0, median = 0.0, q3 = 0.0;
  double whisker_low = 0.0, whisker_high = 0.0;  // most extreme data within 1.5 IQR of the box
  std::vector<double> outliers;                  // ascending
  std::size_t n = 0;                             // finite values used
};
constexpr double kTukeyWhiskerIqr = 1.5;  // Tukey's fence, in IQRs beyond the quartiles

// Tukey box-plot statistics of the finite entries.  Throws std::invalid_argument if there is none.
BoxStats box_stats(const std::vector<double>& values);

}  // namespace rl
