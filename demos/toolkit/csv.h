// CSV tables for demo results (ResultTable / read_result_csv: nn/connectivity has its own simpler
// rl::CsvTable for the shipped data files).  The format and its guarantees (numbers in "%.17g", which
// round-trips every double; quoting; one record per line; "<file>:<line>: <problem>" on a bad row):
// docs/demos.md#where-outputs-go, bullet "CSV".
//
//   rl::CsvWriter w({"task", "rank", "dW"});  w.add_row({"2af", 30, 0.125});  w.write(path);  // atomic
//   double dW = rl::read_result_csv(path).number(0, "dW");                                   // row 0
#pragma once

#include <string>
#include <type_traits>
#include <vector>

namespace rl {

// One cell, converted to text on construction.  Implicit on purpose: w.add_row({"2af", 30, 0.5}).
struct CsvCell {
  std::string text;
  CsvCell(double v);              // "%.17g", nan/inf/-inf
  template <class Int, class = std::enable_if_t<std::is_integral_v<Int>>>
  CsvCell(Int v) : text(std::to_string(v)) {}  // exact
  CsvCell(const char* s) : text(s) {}
  CsvCell(const std::string& s) : text(s) {}
};

// The exact CSV text of a double: "%.17g", or nan / inf / -inf.
std::string format_number(double v);

// The shortest text "%.<p>g" (p = 1..17, exponent written "1e6" / "1e-5") that reads back to
// the same bits: "0.05", not "0.050000000000000003"; "100"; "1e6".  For text people read (flag
// values, run names, manifest); result tables use format_number.
std::string format_number_short(double v);
// The exponent of "%g" text without sign clutter: "1e+06" -> "1e6", "1e-05" -> "1e-5".
std::string compact_exponent(const std::string& text);

// Parses a number written by format_number (also plain integers, "1e5", "-0", "nan", "inf").
// Throws std::invalid_argument naming `what` if `text` is not a whole number literal or overflows.
double parse_number(const std::string& text, const std::string& what = "value");
// A base-10 whole number ("30"; not "30.5", "3e1" or " 30").  Throws std::invalid_argument naming `what`
// ("<what>: 'x' is not an integer", or "... is out of the 64-bit integer range").
long long parse_integer(const std::string& text, const std::string& what);

class CsvWriter {
 public:
  // Column names: non-empty, unique.  Throws std::invalid_argument otherwise.
  explicit CsvWriter(const std::vector<std::string>& header);

  // Appends one record; throws std::invalid_argument if the cell count differs from the header or
  // a cell contains a newline.
  void add_row(const std::vector<CsvCell>& cells);
  // Appends column `name` with `value` in every row; throws as the constructor and add_row do.
  void add_column(const std::string& name, const std::string& value);

  std::size_t row_count() const { return rows_.size(); }
  std::string to_string() const;  // header line + records, each ending in '\n'
  void write(const std::string& path) const;  // atomic: temporary file + rename

 private:
  std::vector<std::string> header_;
  std::vector<std::string> rows_;  // each record's line, quoted, without its '\n'
};

// One record as (column name, cell) pairs in column order: the header and the row are one list, so
// a run's column list and its row cannot drift apart.
//   rl::CsvRecord rec;
//   rec.add("task", "2af").add("rank", 30).add("dW", 0.125);
//   rec.add(more);                 // another record's cells, appended in order
//   rec.table().write(path);       // header task,rank,dW,... and the one row
class CsvRecord {
 public:
  CsvRecord& add(const std::string& name, const CsvCell& cell);
  CsvRecord& add(const CsvRecord& more);
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<CsvCell>& cells() const { return cells_; }
  // The one-row table; throws std::invalid_argument (as CsvWriter) on a repeated or empty name.
  CsvWriter table() const;

 private:
  std::vector<std::string> names_;
  std::vector<CsvCell> cells_;
};

struct ResultTable {
  std::string source;                          // file name used in error messages
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // every row has header.size() cells
  std::vector<std::size_t> line_numbers;       // 1-based file line of each row (for messages)

  // Index of a column; throws std::out_of_range naming the column and the file if absent.
  std::size_t column(const std::string& name) const;
  bool has_column(const std::string& name) const;
  const std::string& cell(std::size_t row, const std::string& column_name) const;
  // The cell parsed as a number; throws naming file, line and column if it is not one.
  double number(std::size_t row, const std::string& column_name) const;
  // The cell as a whole number ("30"; not "30.5" or "3e1"), e.g. a rank: it stays an integer from
  // the command line to the summary.  Throws as number() does.
  long long integer(std::size_t row, const std::string& column_name) const;
  std::vector<double> numbers(const std::string& column_name) const;  // the whole column, as number() reads it
};

// Parses CSV text; `source` names it in error messages ("<source>:<line>: ...").
ResultTable parse_result_csv(const std::string& text, const std::string& source);

// Reads and parses a CSV file; throws std::runtime_error naming the file on any problem.
ResultTable read_result_csv(const std::string& path);

}  // namespace rl
