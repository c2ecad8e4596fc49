#include "nn/connectivity/connectivity_csv.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

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
  return rows.at(row).at(col);
}

std::string CsvTable::where(std::size_t row) const {
  return source + ":" + std::to_string(line.at(row));
}

double CsvTable::number(std::size_t row, std::size_t col) const {
  const std::string& s = text(row, col);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    fail(source, line.at(row), "column '" + header[col] + "': '" + s + "' is not a finite number");
  return v;
}

long long CsvTable::integer(std::size_t row, std::size_t col) const {
  const std::string& s = text(row, col);
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (end == s.c_str() || *end != '\0' || errno == ERANGE)
    fail(source, line.at(row), "column '" + header[col] + "': '" + s + "' is not an integer");
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
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open CSV file '" + path + "'");
  return parse_csv(in, path);
}

}  // namespace rl
