#include "demos/toolkit/shard.h"

#include <cctype>
#include <memory>
#include <stdexcept>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/csv.h"

namespace rl {

std::string Shard::str() const { return std::to_string(index) + "/" + std::to_string(count); }

namespace {

// Non-negative decimal integer (digits only, at most 9 of them); throws on anything else.
std::size_t parse_small_count(const std::string& s, const std::string& whole) {
  if (s.empty() || s.size() > 9)
    throw std::invalid_argument("'" + whole + "' is not of the form i/n (e.g. 0/4)");
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      throw std::invalid_argument("'" + whole + "' is not of the form i/n (e.g. 0/4)");
  return static_cast<std::size_t>(std::stoul(s));
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) throw std::invalid_argument("'" + text + "' is not of the form i/n (e.g. 0/4)");
  Shard s;
  s.index = parse_small_count(text.substr(0, slash), text);
  s.count = parse_small_count(text.substr(slash + 1), text);
  if (s.count == 0) throw std::invalid_argument("'" + text + "': shard count n must be at least 1");
  if (s.index >= s.count)
    throw std::invalid_argument("'" + text + "': shard index i must satisfy 0 <= i < n");
  return s;
}

std::vector<RunSpec> select_shard(const std::vector<RunSpec>& runs, Shard shard) {
  std::vector<RunSpec> mine;
  for (const RunSpec& r : runs)
    if (shard.owns(r.index)) mine.push_back(r);
  return mine;
}

std::string run_result_path(const std::string& runs_dir, const RunSpec& spec) {
  return runs_dir + "/" + spec.file_stem() + ".csv";
}

std::vector<RunSpec> pending_runs(const std::vector<RunSpec>& runs, const std::string& runs_dir) {
  std::vector<RunSpec> todo;
  for (const RunSpec& r : runs)
    if (!file_exists(run_result_path(runs_dir, r))) todo.push_back(r);
  return todo;
}

std::size_t merge_run_csvs(const std::vector<RunSpec>& runs, const std::string& runs_dir,
                           const std::string& merged_path) {
  if (runs.empty()) throw std::invalid_argument("merge_run_csvs: no runs to merge into " + merged_path);
  std::size_t missing = 0;
  std::string first_missing;
  for (const RunSpec& r : runs) {
    const std::string path = run_result_path(runs_dir, r);
    if (file_exists(path)) continue;
    if (missing++ == 0) first_missing = path;
  }
  if (missing)
    throw std::runtime_error("cannot merge into " + merged_path + ": " + std::to_string(missing) + " of " +
                             std::to_string(runs.size()) + " run files missing, first " + first_missing);
  std::unique_ptr<CsvWriter> merged;
  std::string first_path;
  for (const RunSpec& r : runs) {
    const std::string path = run_result_path(runs_dir, r);
    const ResultTable t = read_result_csv(path);
    if (!merged) {
      merged = std::make_unique<CsvWriter>(t.header);
      first_path = path;
    } else if (t.header != merged->header()) {
      throw std::runtime_error(path + ": header differs from " + first_path);
    }
    for (const auto& row : t.rows) merged->add_row(std::vector<CsvCell>(row.begin(), row.end()));
  }
  merged->write(merged_path);
  return merged->row_count();
}

}  // namespace rl
