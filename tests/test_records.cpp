// The committed paper-scale records (docs/records/README.md) against their registry
// (docs/records/records.tsv), from the repository root as `make test` runs:
//
//   Records.RegistryNamesKnownProgramsOnce     every line names a built program, each record once
//   Records.RunFilesCarryTheRegistrysSettings  every run file's settings key holds each registry flag
//                                              that is a setting, and this build's results revision
//   Records.ResultsAreTheMergeOfTheRunFiles    results.csv = the run files in sweep order, settings
//                                              column dropped (recomputed here, not by merge_run_csvs)
//   Records.ManifestsParseAndNameTheirRecord   every manifest*.json is JSON with the fields the docs use
//   Records.DocsQuoteEachFinishedRecord        docs/reproducing.md quotes a finished record's command
//
// A record still being made (run files, no results.csv yet) is checked file by file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "demos/toolkit/csv.h"
#include "demos/toolkit/shard.h"
#include "nn/results_revision.h"

namespace rl {
namespace {

namespace fs = std::filesystem;

const char* const kRecordsDir = "docs/records";

struct RecordLine {
  std::string name, program;
  std::vector<std::pair<std::string, std::string>> flags;  // "--iters 10000" -> {"iters", "10000"}
  std::string flags_text;
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<RecordLine> registry() {
  std::vector<RecordLine> out;
  std::istringstream in(read_text(fs::path(kRecordsDir) / "records.tsv"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream cells(line);
    RecordLine r;
    std::getline(cells, r.name, '\t');
    std::getline(cells, r.program, '\t');
    std::getline(cells, r.flags_text);
    std::istringstream words(r.flags_text);
    std::string word;
    while (words >> word) {
      if (word.rfind("--", 0) == 0)
        r.flags.emplace_back(word.substr(2), "");
      else if (!r.flags.empty())
        r.flags.back().second = word;
    }
    out.push_back(r);
  }
  return out;
}

std::map<std::string, std::string> parse_key(const std::string& key) {
  std::map<std::string, std::string> m;
  std::istringstream in(key);
  std::string item;
  while (std::getline(in, item, ';')) {
    const std::size_t eq = item.find('=');
    m[item.substr(0, eq)] = eq == std::string::npos ? "" : item.substr(eq + 1);
  }
  return m;
}

// The run files of a record: runs/*.csv, except hidden temporaries and the per-run measure logs that
// --log-every writes beside them (runs/<run>_log.csv, demos/toolkit/evolution.h: measure_log_path).
bool is_measure_log(const fs::path& file) {
  const std::string name = file.filename().string();
  const std::string suffix = "_log.csv";
  return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<fs::path> run_files(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir / "runs")) return files;
  for (const auto& e : fs::directory_iterator(dir / "runs"))
    if (e.is_regular_file() && e.path().extension() == ".csv" && e.path().filename().string()[0] != '.' &&
        !is_measure_log(e.path()))
      files.push_back(e.path());
  std::sort(files.begin(), files.end());  // "00003_task-..." : file name order is sweep order
  return files;
}

bool numbers_equal_as_text(const std::string& a, const std::string& b) {
  if (a == b) return true;
  try {
    return std::stod(a) == std::stod(b);
  } catch (...) {
    return false;
  }
}

TEST(Records, RegistryNamesKnownProgramsOnce) {
  const std::vector<RecordLine> lines = registry();
  ASSERT_FALSE(lines.empty()) << "docs/records/records.tsv lists no record";
  std::set<std::string> names;
  for (const RecordLine& r : lines) {
    EXPECT_TRUE(names.insert(r.name).second) << "record " << r.name << " listed twice in docs/records/records.tsv";
    EXPECT_TRUE(fs::exists("demos/" + r.program + ".cpp"))
        << "record " << r.name << " names program " << r.program << ", but demos/" << r.program << ".cpp does not exist";
    for (const auto& [flag, value] : r.flags) EXPECT_FALSE(flag.empty()) << "record " << r.name << ": a bare --";
  }
}

TEST(Records, RunFilesCarryTheRegistrysSettings) {
  for (const RecordLine& r : registry()) {
    for (const fs::path& file : run_files(fs::path(kRecordsDir) / r.name)) {
      const ResultTable t = read_result_csv(file.string());
      ASSERT_TRUE(t.has_column(kSettingsColumn)) << file << " has no settings column";
      ASSERT_FALSE(t.rows.empty()) << file << " has no rows";
      const auto key = parse_key(t.cell(0, kSettingsColumn));
      const auto revision = key.find(kResultsRevisionKey);
      ASSERT_TRUE(revision != key.end() && revision->second == kResultsRevision)
          << file << " was computed by results revision "
          << (revision == key.end() ? "(none)" : revision->second) << ", this build computes " << kResultsRevision
          << ": the record is stale; rerun it (docs/records/README.md#results-revision)";
      for (const auto& [flag, value] : r.flags) {
        const auto it = key.find(flag);
        if (it == key.end()) continue;  // a sweep axis (in the file name) or a flag outside the settings
        EXPECT_TRUE(numbers_equal_as_text(it->second, value))
            << file << " was computed with --" << flag << " " << it->second << ", docs/records/records.tsv says --"
            << flag << " " << value;
      }
    }
  }
}

TEST(Records, ResultsAreTheMergeOfTheRunFiles) {
  for (const RecordLine& r : registry()) {
    const fs::path dir = fs::path(kRecordsDir) / r.name;
    const std::vector<fs::path> files = run_files(dir);
    if (files.empty() || !fs::exists(dir / "results.csv")) continue;
    const ResultTable merged = read_result_csv((dir / "results.csv").string());
    std::vector<std::vector<std::string>> expected;
    for (const fs::path& file : files) {
      const ResultTable t = read_result_csv(file.string());
      const std::size_t skip = t.column(kSettingsColumn);
      std::vector<std::string> header = t.header;
      header.erase(header.begin() + static_cast<std::ptrdiff_t>(skip));
      ASSERT_EQ(header, merged.header) << file << ": header differs from " << dir / "results.csv";
      for (auto row : t.rows) {
        row.erase(row.begin() + static_cast<std::ptrdiff_t>(skip));
        expected.push_back(row);
      }
    }
    ASSERT_EQ(expected.size(), merged.rows.size())
        << dir / "results.csv" << " has " << merged.rows.size() << " rows, its " << files.size() << " run files "
        << expected.size();
    for (std::size_t k = 0; k < expected.size(); ++k)
      EXPECT_EQ(expected[k], merged.rows[k]) << dir / "results.csv" << " row " << k + 1 << " is not the run files' row";
  }
}

// A small JSON syntax check (RFC 8259 values), enough to know a manifest parses.
class JsonChecker {
 public:
  explicit JsonChecker(const std::string& text) : s_(text) {}
  bool valid() {
    skip();
    if (!value()) return false;
    skip();
    return at_ == s_.size();
  }

 private:
  bool value() {
    skip();
    if (at_ >= s_.size()) return false;
    const char c = s_[at_];
    if (c == '{') return container('}', true);
    if (c == '[') return container(']', false);
    if (c == '"') return string();
    for (const char* word : {"true", "false", "null"})
      if (s_.compare(at_, std::string(word).size(), word) == 0) return (at_ += std::string(word).size()), true;
    const std::size_t start = at_;
    while (at_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[at_])) || std::string("+-.eE").find(s_[at_]) != std::string::npos)) ++at_;
    return at_ > start;
  }
  bool container(char close, bool object) {
    ++at_;
    skip();
    if (at_ < s_.size() && s_[at_] == close) return ++at_, true;
    while (true) {
      if (object) {
        skip();
        if (!string()) return false;
        skip();
        if (at_ >= s_.size() || s_[at_++] != ':') return false;
      }
      if (!value()) return false;
      skip();
      if (at_ >= s_.size()) return false;
      if (s_[at_] == close) return ++at_, true;
      if (s_[at_++] != ',') return false;
    }
  }
  bool string() {
    if (at_ >= s_.size() || s_[at_] != '"') return false;
    for (++at_; at_ < s_.size(); ++at_) {
      if (s_[at_] == '\\') ++at_;
      else if (s_[at_] == '"') return ++at_, true;
    }
    return false;
  }
  void skip() {
    while (at_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[at_]))) ++at_;
  }
  const std::string& s_;
  std::size_t at_ = 0;
};

TEST(Records, ManifestsParseAndNameTheirRecord) {
  EXPECT_TRUE(JsonChecker(R"({"a": [1, -2.5e3, "x\"y"], "b": {}, "c": true})").valid());  // the checker itself
  EXPECT_FALSE(JsonChecker(R"({"a": 1,})").valid());
  EXPECT_FALSE(JsonChecker(R"({"a" 1})").valid());
  for (const RecordLine& r : registry()) {
    const fs::path dir = fs::path(kRecordsDir) / r.name;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("manifest", 0) != 0 || e.path().extension() != ".json") continue;
      const std::string json = read_text(e.path());
      EXPECT_TRUE(JsonChecker(json).valid()) << e.path() << " is not valid JSON";
      EXPECT_NE(json.find("\"program\": \"" + r.program + "\""), std::string::npos)
          << e.path() << " does not name program " << r.program;
      for (const char* field : {"\"git_revision\"", "\"results_revision\"", "\"precision\"", "\"wall_seconds\"", "\"cpu_seconds\""})
        EXPECT_NE(json.find(field), std::string::npos) << e.path() << " lacks " << field;
      // The results revision and the registry's flags, for records without run files too (fig4a, fig3b).
      EXPECT_NE(json.find(std::string("\"results_revision\": \"") + kResultsRevision + "\""), std::string::npos)
          << e.path() << " was written by another results revision than this build's " << kResultsRevision
          << ": the record is stale; rerun it (docs/records/README.md#results-revision)";
      for (const auto& [flag, value] : r.flags)
        EXPECT_NE(json.find("\"" + flag + "\": \"" + value + "\""), std::string::npos)
            << e.path() << " does not record --" << flag << " " << value << " as docs/records/records.tsv says";
    }
  }
}

// Finished: the merged table is written (results.csv for a sweep; runs.csv for fig4a and fig3b, which
// run in seconds without run files).
bool finished(const RecordLine& r) {
  const fs::path dir = fs::path(kRecordsDir) / r.name;
  return fs::exists(dir / "results.csv") || fs::exists(dir / "runs.csv");
}

TEST(Records, DocsQuoteEachFinishedRecord) {
  const std::string doc = read_text("docs/reproducing.md");
  for (const RecordLine& r : registry()) {
    if (!finished(r)) continue;
    std::string command = r.program + (r.flags_text.empty() ? "" : " " + r.flags_text);
    EXPECT_NE(doc.find("`" + command + "`"), std::string::npos)
        << "docs/reproducing.md does not quote the finished record " << r.name << "'s command `" << command << "`";
    EXPECT_NE(doc.find("docs/records/" + r.name + "/"), std::string::npos)
        << "docs/reproducing.md does not link the finished record docs/records/" << r.name << "/";
  }
}

}  // namespace
}  // namespace rl
