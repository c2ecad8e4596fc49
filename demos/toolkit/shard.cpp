#include "demos/toolkit/shard.h"

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/cli.h"
#include "nn/results_revision.h"

namespace rl {

namespace {

// Flags that never change a run's numbers: where output goes, how the work is spread, the seeds (in
// the file name).
const std::vector<std::string> kFlagsOutsideSettings = {"out", "threads", "shard", "seed", "seeds", "max-memory"};

std::map<std::string, std::string> parse_key(const std::string& key) {
  std::map<std::string, std::string> out;
  std::istringstream items(key);
  for (std::string item; std::getline(items, item, ';');) {
    const std::size_t eq = item.find('=');
    out[item.substr(0, eq)] = eq == std::string::npos ? "" : item.substr(eq + 1);
  }
  return out;
}

std::string flag_text(const std::string& name, const std::map<std::string, std::string>& m) {
  const auto it = m.find(name);
  if (name == kResultsRevisionKey)  // not a flag: the build that computed the file (nn/results_revision.h)
    return it == m.end() ? "results revision (absent: a build before revisions were recorded)"
                         : "results revision " + it->second;
  if (name == "precision" && it == m.end()) return "--precision f64";  // left out of keys at f64
  return "--" + name + (it == m.end() ? " (absent)" : " " + (it->second.empty() ? "(on)" : it->second));
}

}  // namespace

Shard parse_shard(const std::string& text, const std::string& what) {
  static const std::regex form("([0-9]{1,9})/([0-9]{1,9})");  // at most 9 digits: no overflow
  std::smatch m;
  if (!std::regex_match(text, m, form))
    throw std::invalid_argument(what + ": '" + text + "' is not of the form i/n (e.g. 0/4)");
  Shard s;
  s.index = std::stoul(m[1]);
  s.count = std::stoul(m[2]);
  if (s.count == 0) throw std::invalid_argument(what + ": '" + text + "': shard count n must be at least 1");
  if (s.index >= s.count)
    throw std::invalid_argument(what + ": '" + text + "': shard index i must satisfy 0 <= i < n");
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

std::string settings_key(const Cli& cli, const std::vector<std::string>& axis_flags) {
  std::vector<std::pair<std::string, std::string>> kept;
  for (const auto& [name, value] : cli.values_as_text()) {
    const auto& skip = kFlagsOutsideSettings;
    if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
    if (std::find(axis_flags.begin(), axis_flags.end(), name) != axis_flags.end()) continue;
    // A flag added after records were made, at the value every earlier file was computed with: left out
    // of the key, so the earlier files keep theirs (--precision f64, demos/toolkit/train_config.h).
    if (name == "precision" && value == "f64") continue;
    kept.emplace_back(name, value);
  }
  kept.emplace_back(kResultsRevisionKey, kResultsRevision);
  std::sort(kept.begin(), kept.end());
  std::string key;
  for (const auto& [name, value] : kept) key += (key.empty() ? "" : ";") + name + "=" + value;
  return key;
}

std::string describe_settings_difference(const std::string& stored, const std::string& now) {
  if (stored == now) return "";
  const auto a = parse_key(stored), b = parse_key(now);
  auto names = a;  // every flag of either key, in name order
  names.insert(b.begin(), b.end());
  for (const auto& kv : names) {
    const auto ia = a.find(kv.first), ib = b.find(kv.first);
    const bool same = ia != a.end() && ib != b.end() && ia->second == ib->second;
    if (!same) return flag_text(kv.first, a) + ", this run asks " + flag_text(kv.first, b);
  }
  return "settings '" + stored + "', this run asks '" + now + "'";
}

void check_run_file_settings(const ResultTable& file, const std::string& key, const std::string& runs_dir) {
  const std::string way_out = ": use a new --out, or delete " + runs_dir + " to recompute";
  if (!file.has_column(kSettingsColumn))
    throw CliError(file.source + " records no settings (written by an older version)" + way_out);
  for (std::size_t i = 0; i < file.rows.size(); ++i) {
    const std::string& stored = file.cell(i, kSettingsColumn);
    if (stored != key)
      throw CliError(file.source + " was computed with " + describe_settings_difference(stored, key) + way_out);
  }
}

void check_run_file(const ResultTable& file, const std::string& settings, const std::string& runs_dir) {
  if (file.rows.size() != 1)
    throw std::runtime_error(file.source + ": damaged run file: " + std::to_string(file.rows.size()) +
                             " data row(s), expected 1 (delete it and rerun to recompute that run)");
  if (!settings.empty()) check_run_file_settings(file, settings, runs_dir);
}

std::size_t merge_run_csvs(const std::vector<RunSpec>& runs, const std::string& runs_dir,
                           const std::string& merged_path, const std::string& settings) {
  if (runs.empty()) throw std::invalid_argument("merge_run_csvs: no runs to merge into " + merged_path);
  const std::vector<RunSpec> missing = pending_runs(runs, runs_dir);
  if (!missing.empty())
    throw std::runtime_error("cannot merge into " + merged_path + ": " + std::to_string(missing.size()) + " of " +
                             std::to_string(runs.size()) + " run files missing, first " +
                             run_result_path(runs_dir, missing[0]));
  std::vector<ResultTable> files;
  for (const RunSpec& r : runs) {
    files.push_back(read_result_csv(run_result_path(runs_dir, r)));
    check_run_file(files.back(), settings, runs_dir);
    if (files.back().header != files[0].header)
      throw std::runtime_error(files.back().source + ": header differs from " + files[0].source);
  }
  const ResultTable& first = files[0];
  auto without_settings = [&](std::vector<std::string> row) {
    if (first.has_column(kSettingsColumn)) row.erase(row.begin() + first.column(kSettingsColumn));
    return row;
  };
  CsvWriter merged(without_settings(first.header));
  for (const ResultTable& t : files) {
    const std::vector<std::string> row = without_settings(t.rows[0]);  // check_run_file: one row each
    merged.add_row({row.begin(), row.end()});
  }
  merged.write(merged_path);
  return merged.row_count();
}

}  // namespace rl
