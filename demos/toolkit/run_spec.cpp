#include "demos/toolkit/run_spec.h"

#include <cctype>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "demos/toolkit/csv.h"

namespace rl {

const std::string& RunSpec::param(const std::string& key) const {
  for (const auto& kv : params)
    if (kv.first == key) return kv.second;
  throw std::out_of_range(id() + ": no parameter '" + key + "'");
}

std::int64_t RunSpec::param_int(const std::string& key) const {
  return parse_integer(param(key), id() + ": parameter '" + key + "'");
}

double RunSpec::param_double(const std::string& key) const {
  return parse_number(param(key), id() + ": parameter '" + key + "'");
}

std::string RunSpec::id() const {
  std::string s = "run " + std::to_string(index) + " (";
  for (const auto& kv : params) s += kv.first + "=" + kv.second + " ";
  return s + "seed=" + std::to_string(seed) + ")";
}

std::string RunSpec::file_stem() const {
  char head[32];
  std::snprintf(head, sizeof head, "%05zu", index);
  std::string s = head;
  for (const auto& kv : params) s += "_" + kv.first + "-" + kv.second;
  s += "_seed-" + std::to_string(seed);
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '+' && c != '-') c = '_';
  return s;
}

SweepAxis sweep_axis(const std::string& name, const std::vector<std::string>& values) { return {name, values}; }

SweepAxis sweep_axis(const std::string& name, const std::vector<std::int64_t>& values) {
  SweepAxis a{name, {}};
  for (std::int64_t v : values) a.values.push_back(std::to_string(v));
  return a;
}

SweepAxis sweep_axis(const std::string& name, const std::vector<double>& values) {
  SweepAxis a{name, {}};
  for (double v : values) a.values.push_back(format_number_short(v));
  return a;
}

std::vector<RunSpec> make_sweep(const std::vector<SweepAxis>& axes, const std::vector<std::uint64_t>& seeds) {
  if (seeds.empty()) throw std::invalid_argument("make_sweep: empty seed list");
  std::set<std::string> names;
  for (const SweepAxis& a : axes) {
    if (a.values.empty()) throw std::invalid_argument("make_sweep: axis '" + a.name + "' has no values");
    if (a.name == "seed") throw std::invalid_argument("make_sweep: 'seed' is implicit; do not use it as an axis");
    if (!names.insert(a.name).second) throw std::invalid_argument("make_sweep: axis '" + a.name + "' given twice");
  }
  std::vector<RunSpec> runs;
  std::vector<std::size_t> digit(axes.size(), 0);  // mixed-radix counter over the axes
  while (true) {
    for (std::uint64_t seed : seeds) {
      RunSpec r;
      r.index = runs.size();
      r.seed = seed;
      for (std::size_t a = 0; a < axes.size(); ++a) r.params.emplace_back(axes[a].name, axes[a].values[digit[a]]);
      runs.push_back(std::move(r));
    }
    std::size_t a = axes.size();
    while (a > 0 && ++digit[a - 1] == axes[a - 1].values.size()) digit[--a] = 0;
    if (a == 0) break;
  }
  return runs;
}

Rng run_rng(const RunSpec& spec) { return Rng(derive_seed(spec.seed, spec.index)); }

}  // namespace rl
