#include "demos/toolkit/csv.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "demos/toolkit/atomic_file.h"

namespace rl {

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";  // glibc would print "-nan" for a negative NaN
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string compact_exponent(const std::string& s) {
  const std::size_t e = s.find('e');
  if (e == std::string::npos) return s;
  std::string exponent = s.substr(e + 1);
  const bool negative = exponent[0] == '-';
  if (exponent[0] == '-' || exponent[0] == '+') exponent.erase(0, 1);
  while (exponent.size() > 1 && exponent[0] == '0') exponent.erase(0, 1);
  return s.substr(0, e) + "e" + (negative ? "-" : "") + exponent;
}

std::string format_number_short(double v) {
  std::string best = format_number(v);  // nan and inf too: no shorter text reads back to them
  char buf[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    const double back = std::strtod(buf, nullptr);
    if (back != v || std::signbit(back) != std::signbit(v)) continue;
    const std::string text = compact_exponent(buf);
    if (text.size() < best.size()) best = text;
  }
  return best;
}

double parse_number(const std::string& text, const std::string& what) {
  if (text.empty()) throw std::invalid_argument(what + ": empty cell where a number was expected");
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(begin, &end);
  if (end == begin || *end != '\0' || std::isspace(static_cast<unsigned char>(text[0])))
    throw std::invalid_argument(what + ": '" + text + "' is not a number");
  // ERANGE on underflow still returns the correctly rounded subnormal (or zero): accept it.
  // ERANGE with an infinite result means a finite literal overflowed: reject it.
  if (errno == ERANGE && std::isinf(v))
    throw std::invalid_argument(what + ": '" + text + "' overflows a double");
  return v;
}

long long parse_integer(const std::string& text, const std::string& what) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(begin, &end, 10);
  if (text.empty() || end == begin || *end != '\0' || std::isspace(static_cast<unsigned char>(text[0])))
    throw std::invalid_argument(what + ": '" + text + "' is not an integer");
  if (errno == ERANGE) throw std::invalid_argument(what + ": '" + text + "' is out of the 64-bit integer range");
  return v;
}

CsvCell::CsvCell(double v) : text(format_number(v)) {}

CsvRecord& CsvRecord::add(const std::string& name, const CsvCell& cell) {
  names_.push_back(name);
  cells_.push_back(cell);
  return *this;
}

CsvRecord& CsvRecord::add(const CsvRecord& more) {
  names_.insert(names_.end(), more.names_.begin(), more.names_.end());
  cells_.insert(cells_.end(), more.cells_.begin(), more.cells_.end());
  return *this;
}

CsvWriter CsvRecord::table() const {
  CsvWriter w(names_);
  w.add_row(cells_);
  return w;
}

namespace {

// RFC 4180 quoting, restricted to one line per record.
std::string quote_if_needed(const std::string& s, const std::string& where) {
  if (s.find_first_of("\r\n") != std::string::npos)
    throw std::invalid_argument("CSV " + where + ": cell contains a newline: '" + s + "'");
  if (s.find_first_of(",\"") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// One record's line, without its '\n'.
std::string record_line(const std::vector<CsvCell>& cells, const std::string& where) {
  std::string line;
  for (std::size_t j = 0; j < cells.size(); ++j) line += (j ? "," : "") + quote_if_needed(cells[j].text, where);
  return line;
}

// Splits one line into cells; throws std::runtime_error "<source>:<line>: ..." on a bad quote.
std::vector<std::string> split_record(const std::string& line, const std::string& where) {
  std::vector<std::string> cells(1);
  bool quoted = false;  // inside a quoted cell, where a quote is doubled
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const bool next_is_quote = i + 1 < line.size() && line[i + 1] == '"';
    if (quoted && c == '"' && next_is_quote) {
      cells.back() += '"';
      ++i;
    } else if (quoted && c == '"') {
      quoted = false;
      if (i + 1 < line.size() && line[i + 1] != ',')
        throw std::runtime_error(where + ": text after a closing quote");
    } else if (quoted || (c != ',' && c != '"')) {
      cells.back() += c;
    } else if (c == ',') {
      cells.emplace_back();
    } else if (cells.back().empty()) {
      quoted = true;
    } else {
      throw std::runtime_error(where + ": quote inside an unquoted cell");
    }
  }
  if (quoted) throw std::runtime_error(where + ": unterminated quoted cell");
  return cells;
}

// The cell read by parse(text, what); a bad one throws std::runtime_error naming the file, line and column.
template <class Parse>
auto parsed_cell(const ResultTable& t, std::size_t row, const std::string& column_name, Parse parse) {
  try {
    return parse(t.cell(row, column_name), "column '" + column_name + "'");
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(t.source + ":" + std::to_string(t.line_numbers[row]) + ": " + e.what());
  }
}

}  // namespace

CsvWriter::CsvWriter(const std::vector<std::string>& header) {
  if (header.empty()) throw std::invalid_argument("CsvWriter: header has no columns");
  for (const std::string& name : header) add_column(name, "");  // no rows yet: checks and appends the name
}

void CsvWriter::add_row(const std::vector<CsvCell>& cells) {
  if (cells.size() != header_.size())
    throw std::invalid_argument("CsvWriter::add_row: " + std::to_string(cells.size()) + " cells for " +
                                std::to_string(header_.size()) + " columns");
  rows_.push_back(record_line(cells, "row " + std::to_string(rows_.size() + 1)));
}

void CsvWriter::add_column(const std::string& name, const std::string& value) {
  if (name.empty()) throw std::invalid_argument("CsvWriter: header has an empty column name");
  if (std::find(header_.begin(), header_.end(), name) != header_.end())
    throw std::invalid_argument("CsvWriter: column '" + name + "' appears twice in the header");
  const std::string cell = "," + quote_if_needed(value, "column " + name);
  header_.push_back(name);
  for (std::string& row : rows_) row += cell;
}

std::string CsvWriter::to_string() const {
  std::string out = record_line(std::vector<CsvCell>(header_.begin(), header_.end()), "header") + "\n";
  for (const std::string& row : rows_) out += row + "\n";
  return out;
}

void CsvWriter::write(const std::string& path) const { write_text_atomic(path, to_string()); }

std::size_t ResultTable::column(const std::string& name) const {
  for (std::size_t j = 0; j < header.size(); ++j)
    if (header[j] == name) return j;
  throw std::out_of_range(source + ": no column '" + name + "'");
}

bool ResultTable::has_column(const std::string& name) const {
  return std::find(header.begin(), header.end(), name) != header.end();
}

const std::string& ResultTable::cell(std::size_t row, const std::string& column_name) const {
  if (row >= rows.size())
    throw std::out_of_range(source + ": row " + std::to_string(row) + " of " + std::to_string(rows.size()));
  return rows[row][column(column_name)];
}

double ResultTable::number(std::size_t row, const std::string& name) const { return parsed_cell(*this, row, name, parse_number); }
long long ResultTable::integer(std::size_t row, const std::string& name) const {
  return parsed_cell(*this, row, name, parse_integer);
}

std::vector<double> ResultTable::numbers(const std::string& column_name) const {
  std::vector<double> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(number(i, column_name));
  return out;
}

ResultTable parse_result_csv(const std::string& text, const std::string& source) {
  ResultTable t;
  t.source = source;
  std::istringstream in(text);
  std::string line;
  for (std::size_t line_no = 1; std::getline(in, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string where = source + ":" + std::to_string(line_no);
    if (line.empty()) {
      if (in.peek() == std::char_traits<char>::eof()) break;  // tolerate one trailing empty line only
      throw std::runtime_error(where + ": empty line");
    }
    std::vector<std::string> cells = split_record(line, where);
    if (t.header.empty()) {
      for (const std::string& h : cells)
        if (h.empty()) throw std::runtime_error(where + ": header has an empty column name");
      t.header = std::move(cells);
      continue;
    }
    if (cells.size() != t.header.size())
      throw std::runtime_error(where + ": " + std::to_string(cells.size()) + " cells, header has " +
                               std::to_string(t.header.size()));
    t.rows.push_back(std::move(cells));
    t.line_numbers.push_back(line_no);
  }
  if (t.header.empty()) throw std::runtime_error(source + ": empty file (no header row)");
  return t;
}

ResultTable read_result_csv(const std::string& path) { return parse_result_csv(read_text_file(path), path); }

}  // namespace rl
