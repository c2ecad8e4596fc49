// Recorder: named scalar measures logged every k training steps, so that their evolution over
// training can be plotted (reviewers asked for it; docs/paper.md#measures [REV/OURS]).
//
// Storage is long format, one (step, name, value) row per record, in the order recorded.  It can be
// written as CSV ("step,name,value" header) to a stream, handed row by row to a caller-provided
// writer (e.g. the demos' CSV helper), or returned as a wide table (one row per step, one column
// per name).  Non-finite values are kept (a diverging run must stay visible) and print as nan/inf.
//
//   Recorder rec(100);                     // every 100 steps
//   for (step = 0; step <= steps; ++step) {
//     if (rec.due(step, steps)) rec.record(step, "KA", kernel_alignment(K0, K_now));
//     ...train one step...
//   }
#pragma once

#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace rl {

struct MeasureRow {
  std::size_t step = 0;
  std::string name;
  double value = 0.0;
};

// Wide form: steps ascending; values[i][j] is column names[j] at steps[i] (NaN when not recorded).
struct MeasureTable {
  std::vector<std::size_t> steps;
  std::vector<std::string> names;  // in order of first appearance
  std::vector<std::vector<double>> values;
};

class Recorder {
 public:
  // Logs at steps 0, every, 2 every, ...  every >= 1.
  explicit Recorder(std::size_t every);

  std::size_t every() const { return every_; }
  // True when step is a multiple of every.
  bool due(std::size_t step) const { return step % every_ == 0; }
  // The same, and also at the final step (so the end point is always logged).
  bool due(std::size_t step, std::size_t final_step) const { return due(step) || step == final_step; }

  // Appends one row.  Names must be non-empty and contain no comma, quote or newline (CSV-safe).
  // A second value for the same (step, name) is an error.
  void record(std::size_t step, const std::string& name, double value);

  const std::vector<MeasureRow>& rows() const { return rows_; }
  // The (step, value) series of one name, in recording order; empty when never recorded.
  std::vector<std::size_t> steps_of(const std::string& name) const;
  std::vector<double> values_of(const std::string& name) const;
  MeasureTable table() const;

  // "step,name,value" then one line per row; values with 17 significant digits (round-trip).
  void write_csv(std::ostream& out) const;
  // Calls write_row(step, name, value) once per row, in recording order.
  void write_rows(const std::function<void(std::size_t, const std::string&, double)>& write_row) const;

 private:
  std::size_t every_;
  std::vector<MeasureRow> rows_;
};

}  // namespace rl
