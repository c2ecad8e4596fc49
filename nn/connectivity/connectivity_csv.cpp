#include "nn/connectivity/connectivity_csv.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "nn/input_file.h"

namespace rl {
namespace {

std::string current_directory() {
  char buf[4096];
  if (getcwd(buf, sizeof buf) == nullptr) return "(unknown)";
  return buf;
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return fields;
}

[[noreturn]] void fail(const std::string& source, std::size_t line, const std::string& problem) {
  throw std::runtime_error(source + ":" + std::to_string(line) + ": " + problem);
}

// A field for an error message: control bytes (NUL, escape sequences) shown as \xHH, long text cut.
std::string printable(const std::string& s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (char ch : s.substr(0, 80)) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) out += std::string("\\x") + hex[u >> 4] + hex[u & 15];
    else out += ch;
  }
  return s.size() > 80 ? out + "..." : out;
}

std::string format_bound(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

std::string connectivity_data_path(const std::string& data_dir, const std::string& relative) {
  const std::string path = data_dir.empty() ? relative : data_dir + "/" + relative;
  std::ifstream probe(path);
  if (!probe)
    throw std::runtime_error("connectivity data file not found: tried '" + path +
                             "' (relative to the current directory '" + current_directory() +
                             "'). Run from the repository root, or pass the folder that holds the "
                             "shipped copies (the data_dir argument; demos: --data-dir <repo>/" +
                             std::string(kDefaultConnectivityDataDir) + ")");
  return path;
}

std::size_t CsvTable::column(const std::string& name) const {
  for (std::size_t c = 0; c < header.size(); ++c)
    if (header[c] == name) return c;
  throw std::runtime_error(source + ": no column named '" + name + "' in the header");
}

const std::string& CsvTable::text(std::size_t row, std::size_t col) const {
  if (row >= rows.size() || col >= rows[row].size())
    throw std::out_of_range(source + ": asked for row " + std::to_string(row) + ", column " + std::to_string(col) +
                            " of a table with " + std::to_string(rows.size()) + " rows and " +
                            std::to_string(header.size()) + " columns");
  return rows[row][col];
}

std::string CsvTable::where(std::size_t row) const {
  return source + ":" + std::to_string(line.at(row));
}

double CsvTable::number(std::size_t row, std::size_t col) const {
  const std::string& s = text(row, col);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  // The whole field must be the number: strtod stops at an embedded NUL, which must not pass as the end.
  if (end == s.c_str() || end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v))
    fail(source, line.at(row), "column '" + header[col] + "': '" + printable(s) + "' is not a finite number");
  return v;
}

double CsvTable::number_in(std::size_t row, std::size_t col, double lo, double hi) const {
  const double v = number(row, col);
  if (!(v >= lo && v <= hi))
    fail(source, line.at(row), header[col] + " = " + text(row, col) + " is outside [" + format_bound(lo) + ", " +
                                   format_bound(hi) + "]");
  return v;
}

long long CsvTable::integer_in(std::size_t row, std::size_t col, long long lo, long long hi) const {
  const long long v = integer(row, col);
  if (v < lo || v > hi)
    fail(source, line.at(row), header[col] + " = " + text(row, col) + " is outside [" + std::to_string(lo) + ", " +
                                   std::to_string(hi) + "]");
  return v;
}

int CsvTable::sign(std::size_t row, std::size_t col) const {
  const long long v = integer(row, col);
  if (v != 1 && v != -1) fail(source, line.at(row), header[col] + " = " + text(row, col) + " must be 1 or -1");
  return static_cast<int>(v);
}

long long CsvTable::integer(std::size_t row, std::size_t col) const {
  const std::string& s = text(row, col);
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (end == s.c_str() || end != s.c_str() + s.size() || errno == ERANGE)
    fail(source, line.at(row), "column '" + header[col] + "': '" + printable(s) + "' is not an integer");
  return v;
}

CsvTable parse_csv(std::istream& in, const std::string& source) {
  CsvTable table;
  table.source = source;
  std::string text;
  std::size_t line_no = 0;
  bool have_header = false;
  while (std::getline(in, text)) {
    ++line_no;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find('\0') != std::string::npos)
      fail(source, line_no, "contains a NUL byte at column " + std::to_string(text.find('\0') + 1) +
                                " (binary data in a text file?)");
    if (text.empty()) continue;
    std::vector<std::string> fields = split_fields(text);
    if (!have_header) {
      for (const std::string& f : fields)
        if (f.empty()) fail(source, line_no, "empty column name in the header");
      table.header = std::move(fields);
      have_header = true;
      continue;
    }
    if (fields.size() != table.header.size())
      fail(source, line_no, "malformed row: " + std::to_string(fields.size()) + " fields, header has " +
                                std::to_string(table.header.size()));
    for (std::size_t c = 0; c < fields.size(); ++c)
      if (fields[c].empty()) fail(source, line_no, "malformed row: empty field '" + table.header[c] + "'");
    table.rows.push_back(std::move(fields));
    table.line.push_back(line_no);
  }
  if (!have_header) throw std::runtime_error(source + ": empty file (no header row)");
  return table;
}

CsvTable read_csv(const std::string& path) {
  std::istringstream in(read_input_file(path, "CSV file", kMaxCsvFileBytes));
  return parse_csv(in, path);
}

}  // namespace rl
