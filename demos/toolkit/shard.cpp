#include "demos/toolkit/shard.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/run_settings.h"

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

void check_run_file(const ResultTable& file, const RunFileChecks& checks, const std::string& runs_dir) {
  const std::size_t n = file.rows.size();
  if (n == 0 || (checks.rows_per_run && n != checks.rows_per_run))
    throw std::runtime_error(file.source + ": damaged run file: " + std::to_string(n) + " data row(s), expected " +
                             (checks.rows_per_run ? std::to_string(checks.rows_per_run) : std::string("at least 1")) +
                             " (delete it and rerun to recompute that run)");
  if (!checks.settings.empty()) check_run_file_settings(file, checks.settings, runs_dir);
}

std::size_t merge_run_csvs(const std::vector<RunSpec>& runs, const std::string& runs_dir,
                           const std::string& merged_path, const RunFileChecks& checks) {
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
  std::vector<std::string> first_header;
  std::string first_path;
  for (const RunSpec& r : runs) {
    const std::string path = run_result_path(runs_dir, r);
    const ResultTable t = read_result_csv(path);
    check_run_file(t, checks, runs_dir);
    if (!merged) {
      first_header = t.header;
      first_path = path;
      std::vector<std::string> kept = t.header;
      kept.erase(std::remove(kept.begin(), kept.end(), std::string(kSettingsColumn)), kept.end());
      merged = std::make_unique<CsvWriter>(kept);
    } else if (t.header != first_header) {
      throw std::runtime_error(path + ": header differs from " + first_path);
    }
    const std::size_t settings_at = t.has_column(kSettingsColumn) ? t.column(kSettingsColumn) : t.header.size();
    for (const auto& row : t.rows) {
      std::vector<CsvCell> cells;
      for (std::size_t c = 0; c < row.size(); ++c)
        if (c != settings_at) cells.emplace_back(row[c]);
      merged->add_row(cells);
    }
  }
  merged->write(merged_path);
  return merged->row_count();
}

}  // namespace rl
