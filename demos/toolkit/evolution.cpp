#include "demos/toolkit/evolution.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/svg_plot.h"

namespace rl {

void write_measure_log(const Recorder& log, const std::string& path) {
  const MeasureTable t = log.table();
  std::vector<std::string> header = {"step"};
  header.insert(header.end(), t.names.begin(), t.names.end());
  CsvWriter csv(header);
  for (std::size_t i = 0; i < t.steps.size(); ++i) {
    std::vector<CsvCell> row = {static_cast<unsigned long long>(t.steps[i])};
    for (double v : t.values[i]) row.emplace_back(v);
    csv.add_row(row);
  }
  csv.write(path);
}

std::string measure_log_path(const std::string& runs_dir, const RunSpec& spec) {
  return runs_dir + "/" + spec.file_stem() + "_log.csv";
}

namespace {

// Keys in order of first appearance, each with the logs of its runs.
template <typename V>
using Ordered = std::vector<std::pair<std::string, V>>;

template <typename V>
V& slot(Ordered<V>& groups, const std::string& key) {
  for (auto& [k, v] : groups)
    if (k == key) return v;
  groups.emplace_back(key, V{});
  return groups.back().second;
}

}  // namespace

bool plot_evolution(const std::vector<RunSpec>& runs, const std::string& runs_dir,
                    const std::function<std::string(const RunSpec&)>& row_of,
                    const std::function<std::string(const RunSpec&)>& line_of, const std::string& path,
                    const std::string& title) {
  Ordered<Ordered<std::vector<ResultTable>>> logs;  // row -> line -> one table per seed
  std::vector<std::string> measures;               // every logged column, in order of first appearance
  for (const RunSpec& r : runs) {
    const std::string file = measure_log_path(runs_dir, r);
    if (!file_exists(file)) return false;
    ResultTable t = read_result_csv(file);
    for (std::size_t c = 1; c < t.header.size(); ++c)
      if (std::find(measures.begin(), measures.end(), t.header[c]) == measures.end()) measures.push_back(t.header[c]);
    slot(slot(logs, row_of(r)), line_of(r)).push_back(std::move(t));
  }
  if (logs.empty() || measures.empty()) return false;
  Figure fig(logs.size(), measures.size(), title);
  for (std::size_t row = 0; row < logs.size(); ++row) {
    const auto& [row_name, lines] = logs[row];
    for (std::size_t col = 0; col < measures.size(); ++col) {
      Panel& p = fig.panel(row, col);
      p.title(row_name + ": " + measures[col]).x_label("training iteration");
      for (const auto& [line_name, tables] : lines) {
        const std::vector<double> steps = tables.front().numbers("step");
        std::vector<std::vector<double>> samples(steps.size());
        for (const ResultTable& t : tables)
          if (t.has_column(measures[col]))
            for (std::size_t i = 0; i < std::min(steps.size(), t.rows.size()); ++i)
              samples[i].push_back(t.number(i, measures[col]));
        p.line_error(line_name, steps, samples, ErrorBar::kSd);
      }
    }
  }
  fig.write(path);
  return true;
}

}  // namespace rl
