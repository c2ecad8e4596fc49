// A small reader for the comma-separated data files shipped in nn/connectivity/data/.
//
// Accepted format: one header row, then rows with exactly as many fields as the header; no quoting
// (none of the shipped files quotes); '\r\n' or '\n' line ends; blank lines are skipped; no NUL bytes.
// The file must be a regular file of at most kMaxCsvFileBytes (nn/input_file.h).  Every error names
// the file and the 1-based line ("<file>:<line>: ..."), so a corrupt copy is found at once.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

namespace rl {

// Where the builders look for their data, relative to the current directory (the repository root
// when run as `build/bin/...` or `make test`).  Every loader takes a data_dir argument to override it.
inline const char* const kDefaultConnectivityDataDir = "nn/connectivity/data";

// data_dir + "/" + relative, after checking that the file exists.  A missing file raises
// std::runtime_error naming the path tried, the current directory, and how to point elsewhere.
std::string connectivity_data_path(const std::string& data_dir, const std::string& relative);

struct CsvTable {
  std::string source;                         // file name used in error messages
  std::vector<std::string> header;            // column names
  std::vector<std::vector<std::string>> rows;  // each the size of header
  std::vector<std::size_t> line;              // 1-based file line of each row

  std::size_t num_rows() const { return rows.size(); }
  // Index of a column; throws naming the file and the missing column.
  std::size_t column(const std::string& name) const;
  const std::string& text(std::size_t row, std::size_t col) const;
  // The field parsed as a finite double / an integer; throws naming file, line, column and text.
  double number(std::size_t row, std::size_t col) const;
  long long integer(std::size_t row, std::size_t col) const;
  // The same, range-checked: "<file>:<line>: <column> = <text> is outside [lo, hi]".
  double number_in(std::size_t row, std::size_t col, double lo, double hi) const;
  long long integer_in(std::size_t row, std::size_t col, long long lo, long long hi) const;
  // An integer that must be +1 or -1 (a Dale sign).
  int sign(std::size_t row, std::size_t col) const;
  // "<file>:<line>" of a row, for callers' own error messages.
  std::string where(std::size_t row) const;
};

// Parses CSV text from a stream; `source` names it in errors.  Throws std::runtime_error on an empty
// input, an empty header field, a row with the wrong number of fields, an empty field, or a NUL byte.
CsvTable parse_csv(std::istream& in, const std::string& source);
// Opens and parses a file; a missing or unreadable file throws naming the path.
CsvTable read_csv(const std::string& path);

}  // namespace rl
