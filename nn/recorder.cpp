#include "nn/recorder.h"

#include <algorithm>
#include <iomanip>
#include <limits>
#include <map>
#include <stdexcept>

namespace rl {

Recorder::Recorder(std::size_t every) : every_(every) {
  if (every == 0) throw std::invalid_argument("Recorder: 'every' must be at least 1 step");
}

void Recorder::record(std::size_t step, const std::string& name, double value) {
  if (name.empty() || name.find_first_of(",\"\n\r") != std::string::npos)
    throw std::invalid_argument("Recorder::record: measure name '" + name +
                                "' must be non-empty without commas, quotes or newlines");
  for (const MeasureRow& row : rows_)
    if (row.step == step && row.name == name)
      throw std::invalid_argument("Recorder::record: '" + name + "' already recorded at step " +
                                  std::to_string(step));
  rows_.push_back({step, name, value});
}

std::vector<std::size_t> Recorder::steps_of(const std::string& name) const {
  std::vector<std::size_t> out;
  for (const MeasureRow& row : rows_)
    if (row.name == name) out.push_back(row.step);
  return out;
}

std::vector<double> Recorder::values_of(const std::string& name) const {
  std::vector<double> out;
  for (const MeasureRow& row : rows_)
    if (row.name == name) out.push_back(row.value);
  return out;
}

MeasureTable Recorder::table() const {
  MeasureTable t;
  std::map<std::string, std::size_t> column;
  for (const MeasureRow& row : rows_) {
    if (column.emplace(row.name, t.names.size()).second) t.names.push_back(row.name);
    t.steps.push_back(row.step);
  }
  std::sort(t.steps.begin(), t.steps.end());
  t.steps.erase(std::unique(t.steps.begin(), t.steps.end()), t.steps.end());
  t.values.assign(t.steps.size(),
                  std::vector<double>(t.names.size(), std::numeric_limits<double>::quiet_NaN()));
  for (const MeasureRow& row : rows_) {
    const auto at = std::lower_bound(t.steps.begin(), t.steps.end(), row.step) - t.steps.begin();
    t.values[static_cast<std::size_t>(at)][column[row.name]] = row.value;
  }
  return t;
}

void Recorder::write_csv(std::ostream& out) const {
  out << "step,name,value\n";
  const auto old_precision = out.precision(std::numeric_limits<double>::max_digits10);
  for (const MeasureRow& row : rows_) out << row.step << ',' << row.name << ',' << row.value << '\n';
  out.precision(old_precision);
}

void Recorder::write_rows(const std::function<void(std::size_t, const std::string&, double)>& write_row) const {
  for (const MeasureRow& row : rows_) write_row(row.step, row.name, row.value);
}

}  // namespace rl
