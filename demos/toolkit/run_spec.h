// One run of a sweep, and the Cartesian sweep builder.  A run's `index` in the full sweep fixes the
// output order, the shard that owns it and its random stream run_rng(spec) (docs/demos.md#determinism):
// the same command line reproduces it whatever the thread count or shard.
//
//   auto runs = rl::make_sweep({rl::sweep_axis("task", tasks), rl::sweep_axis("rank", ranks)},
//                              cli.seed_list());   // task-major, then rank, seeds fastest
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "linalg/rng.h"

namespace rl {

struct RunSpec {
  std::size_t index = 0;    // position in the full sweep
  std::uint64_t seed = 0;   // repetition seed
  std::vector<std::pair<std::string, std::string>> params;  // e.g. {{"task", "2af"}, {"rank", "30"}}

  // Value of a parameter; throws std::out_of_range naming the key and the run if absent.
  const std::string& param(const std::string& key) const;
  std::int64_t param_int(const std::string& key) const;   // throws std::invalid_argument if not an integer
  double param_double(const std::string& key) const;      // throws std::invalid_argument if not a number
  // "run 17 (task=2af rank=30 seed=3)": for messages.
  std::string id() const;
  // "00017_task-2af_rank-30_seed-3": for per-run file names (characters outside [A-Za-z0-9.+-]
  // become '_').
  std::string file_stem() const;
};

struct SweepAxis {
  std::string name;
  std::vector<std::string> values;  // as text; numbers via format_number / to_string
};
SweepAxis sweep_axis(const std::string& name, const std::vector<std::string>& values);
SweepAxis sweep_axis(const std::string& name, const std::vector<std::int64_t>& values);
SweepAxis sweep_axis(const std::string& name, const std::vector<double>& values);

// Every combination of the axes' values and the seeds, numbered 0.. in order: the first axis
// varies slowest, seeds fastest.  Throws std::invalid_argument on an empty axis, an empty seed
// list, an axis named "seed", or duplicate axis names.
std::vector<RunSpec> make_sweep(const std::vector<SweepAxis>& axes, const std::vector<std::uint64_t>& seeds);

// The run's own generator: Rng(derive_seed(spec.seed, spec.index)).  Never share one Rng between runs.
Rng run_rng(const RunSpec& spec);

}  // namespace rl
