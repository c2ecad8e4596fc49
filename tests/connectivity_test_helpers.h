// Shared helpers for the connectivity and reader tests: the message of a thrown exception, and a
// private copy of the shipped data folder (nn/connectivity/data) that a test may corrupt.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/connectivity/connectivity_csv.h"

namespace rl::testing {

// The what() of the exception f throws, or "(no exception)".
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

// EXPECT that `message` contains every fragment, printing the message when it does not.
inline ::testing::AssertionResult Mentions(const std::string& message, const std::vector<std::string>& fragments) {
  for (const std::string& f : fragments)
    if (message.find(f) == std::string::npos)
      return ::testing::AssertionFailure() << "message lacks '" << f << "': " << message;
  return ::testing::AssertionSuccess();
}

// A fresh, empty temporary folder, removed with its contents when the object goes.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "richlazy_" + tag;
    if (info) name += std::string("_") + info->test_suite_name() + "_" + info->name();
    for (char& c : name)
      if (c == '/') c = '_';
    path_ = std::filesystem::path(::testing::TempDir()) / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string str() const { return path_.string(); }
  std::string file(const std::string& relative) const { return (path_ / relative).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("test helper: cannot read " + path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void write_text(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::runtime_error("test helper: cannot write " + path);
}

// A copy of the shipped connectivity data folder, to corrupt one field or line at a time:
//   DataCopy d;  d.set_field("celltypes/celltype_proportions_l23_l4.csv", "L2/3,i23Vip,",
//                            "relative_fraction_within_ei", "-0.5");
//   cell_type_connectivity(params with data_dir = d.dir(), rng)  // must throw naming the line
class DataCopy {
 public:
  DataCopy() : tmp_("data") {
    std::filesystem::copy(kDefaultConnectivityDataDir, tmp_.str(), std::filesystem::copy_options::recursive);
  }
  std::string dir() const { return tmp_.str(); }
  std::string path(const std::string& relative) const { return tmp_.file(relative); }
  // The 1-based line of the first line of `relative` that starts with row_prefix.
  std::size_t line_of(const std::string& relative, const std::string& row_prefix) const {
    std::istringstream in(read_text(path(relative)));
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n)
      if (line.rfind(row_prefix, 0) == 0) return n;
    throw std::runtime_error("DataCopy: no line of " + relative + " starts with '" + row_prefix + "'");
  }
  // Replaces the field `column` of the first line that starts with row_prefix by `value`.
  void set_field(const std::string& relative, const std::string& row_prefix, const std::string& column,
                 const std::string& value) const {
    std::istringstream in(read_text(path(relative)));
    std::string line, out, header;
    bool done = false;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
      const bool crlf = !line.empty() && line.back() == '\r';  // the shipped files end lines with \r\n
      if (crlf) line.pop_back();
      if (n == 1) header = line;
      if (!done && n > 1 && line.rfind(row_prefix, 0) == 0) {
        const std::vector<std::string> names = split(header), fields = split(line);
        std::string rebuilt;
        bool found = false;
        for (std::size_t c = 0; c < fields.size(); ++c) {
          const bool hit = c < names.size() && names[c] == column;
          found = found || hit;
          rebuilt += (c ? "," : "") + (hit ? value : fields[c]);
        }
        if (!found) throw std::runtime_error("DataCopy: no column '" + column + "' in " + relative);
        line = rebuilt;
        done = true;
      }
      out += line + (crlf ? "\r\n" : "\n");
    }
    if (!done) throw std::runtime_error("DataCopy: no line of " + relative + " starts with '" + row_prefix + "'");
    write_text(path(relative), out);
  }
  // Replaces the first occurrence of `from` in the file by `to`.
  void replace(const std::string& relative, const std::string& from, const std::string& to) const {
    std::string text = read_text(path(relative));
    const std::size_t at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error("DataCopy: '" + from + "' not in " + relative);
    write_text(path(relative), text.replace(at, from.size(), to));
  }
  void write(const std::string& relative, const std::string& text) const { write_text(path(relative), text); }

 private:
  static std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, ',')) out.push_back(field);
    return out;
  }
  TempDir tmp_;
};

}  // namespace rl::testing
