// Summaries for the programs' printed tables, plots and verdict lines: mean, spread, quantiles and box
// statistics; result rows grouped by setting; verdict lines, which say "undefined" rather than "NO" or a
// largest error of 0 when a compared group has no finite value (docs/demos.md#where-outputs-go,
// bullet "Verdicts": a comparison with NaN is false, and std::max skips NaN).
//
//   const auto dW = values_of(table, rows, "weight_change");   // one column over some rows
//   std::printf("%-17s", mean_sd(dW, 3).c_str());              // "0.290 ± 0.089" (sd over seeds)
//   paper_verdict({is_larger(lo_dW, hi_dW), is_smaller(lo_KA, hi_KA)}, "Fig. 1")
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "demos/toolkit/csv.h"

namespace rl {

// ---------------------------------------------------------------- statistics
// Every function skips non-finite values (NaN, +-inf) and says how many finite ones it used (n), so that
// a diverged run is counted, never silently averaged in or drawn at 0.  Conventions (also in the plot
// legends, docs/demos.md#reading-the-plots): sd is n - 1 normalised (0 for one value), sem = sd / sqrt(n);
// quantiles are "type 7" (Hyndman & Fan 1996, R's and NumPy's default); boxes are Tukey's (Tukey 1977,
// "Exploratory Data Analysis", ch. 2).

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

// ---------------------------------------------------------------- result tables

// The numbers in `column` at `rows`, in that order; NaN for a run flagged `diverged`, whose overflowed
// weights make a finite dW of 1e252 no measurement (the flags `diverged` and `silent` stay as written).
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

// ---------------------------------------------------------------- verdict lines

enum class Comparison { kYes, kNo, kUndefined };

// a > b (is_larger) or a < b (is_smaller); undefined when a or b is not finite.
Comparison is_larger(double a, double b);
Comparison is_smaller(double a, double b);

const char* yes_no(Comparison c);  // "yes", "NO" or "undefined"

// "undefined (a compared group has no finite value, or most of its runs failed)" when any check is
// undefined, else "matches the paper (<figure>)" when every check is yes, else "differs from the paper".
std::string paper_verdict(const std::vector<Comparison>& checks, const std::string& figure);

// How many of a group's runs failed (diverged, or silent on the probe).  A mean or median over a group
// most of whose runs failed describes the few that survived, not the group: at equal Frobenius norm,
// 7 of Fig. 2's 10 SONET-chain runs overflow and the median of the other 3 looked "richer"
// (docs/reproducing.md#at-the-papers-settings-record-docsrecordsfig2_frobenius).
struct GroupHealth {
  std::size_t runs = 0, failed = 0;
  // True when more than half the runs failed, or there are none.
  bool mostly_failed() const { return runs == 0 || 2 * failed > runs; }
};

// From a group's per-run 0/1 columns (a run failed when either is nonzero; `silent` may be empty).
GroupHealth group_health(const std::vector<double>& diverged, const std::vector<double>& silent);

// c, or undefined when any of the compared groups mostly failed.
Comparison unless_mostly_failed(Comparison c, const std::vector<GroupHealth>& groups);

// The paper's rich-versus-lazy claim on two groups of runs of one table, `lo` at the lower rank: larger
// mean weight change, lower mean RA and KA (columns weight_change, representation_alignment,
// kernel_alignment; diverged and silent for the groups' health).  Each check is undefined when a mean
// is not finite or most of a group's runs failed.  Fig. 1 and Fig. 4B print it as their headline.
struct RichLazyChecks {
  Comparison larger_dw, lower_ra, lower_ka;
};
RichLazyChecks rich_lazy_checks(const ResultTable& t, const std::vector<std::size_t>& lo,
                                const std::vector<std::size_t>& hi);

// The largest |error| over the finite errors added, and how many runs were left out (a non-finite
// error, or leave_out() for a diverged run).
struct LargestError {
  double largest = 0;
  std::size_t n_finite = 0, n_left_out = 0;

  void add(double error);
  void leave_out() { ++n_left_out; }
  // The largest |error|, or NaN when no run had a finite error.
  double value() const;
  // "%.3e" of value(), then " (k runs without a finite value left out)" when k > 0; or
  // "undefined (no run has a finite value; k left out)".
  std::string text() const;
};

}  // namespace rl
