// Memory a run will need, estimated from its flags before anything starts (docs/demos.md#where-outputs-go,
// bullet "Memory").  Why: fig3c's --kernel-probe 5000 asks for tangent kernels of 50,000 x 50,000
// doubles (20 GB each); unchecked, the program trains for minutes and then dies of std::bad_alloc.  A
// lower bound (the big items a run holds at once), not a count:
//
//   MemoryEstimate m;
//   m.add("2 tangent kernels of 1000 x 1000", 2 * kernel_bytes(1000));
//   check_memory_budget(cli, m, "--kernel-probe");
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "demos/toolkit/cli.h"

namespace rl {

inline double kernel_bytes(double rows) { return rows * rows * 8.0; }  // rows x rows doubles

struct MemoryEstimate {
  std::vector<std::pair<std::string, double>> items;  // what, bytes
  void add(const std::string& what, double bytes) { items.emplace_back(what, bytes); }
  double total() const;
  std::string describe() const;  // "2 kernels ...: 1.2 GiB, traces: 0.1 GiB"
  double concurrent = 1;         // runs alive at once (worker threads)
};

// One training run of nn/rnn_experiment.h with its measures (the runs of fig1_rank_sweep and, per
// phase, forgetting_probe): the W_h tangent kernels K0, Kf and one working copy (kernel_rows x
// kernel_rows), the kernel's error vectors (kernel_rows x steps x N), the probe traces (probe_trials x
// steps x N, twice) and a dozen N x N matrices (weights, gradients, momentum, W0); `concurrent` runs at
// once (0 counts as 1).
MemoryEstimate rnn_run_memory(double N, double kernel_rows, double steps, double probe_trials,
                              std::size_t concurrent);
// The same on a Neurogym task (2AF, DMS, CXT): 8 x 32 x 3 kernel rows, 8 steps, 320 probe trials.
MemoryEstimate neurogym_rnn_run_memory(std::size_t N, std::size_t concurrent);

// MemAvailable of /proc/meminfo in bytes, or 0 when it cannot be read.
double available_memory_bytes();

// Declares --max-memory (GiB, 0 = use MemAvailable).
void add_max_memory_flag(Cli& cli);

// Throws CliError naming `flags` when estimate.total() * estimate.concurrent exceeds the budget
// (--max-memory, else MemAvailable; `budget_bytes` > 0 overrides both: for tests).
void check_memory_budget(const Cli& cli, const MemoryEstimate& estimate, const std::string& flags,
                         double budget_bytes = 0);

}  // namespace rl
