#include "demos/toolkit/memory_budget.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace rl {

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

std::string gib(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / kGiB);
  return buf;
}

}  // namespace

double MemoryEstimate::total() const {
  double sum = 0;
  for (const auto& item : items) sum += item.second;
  return sum;
}

std::string MemoryEstimate::describe() const {
  std::string s;
  for (const auto& [what, bytes] : items) s += (s.empty() ? "" : ", ") + what + ": " + gib(bytes);
  if (concurrent > 1) s += "; times " + std::to_string(static_cast<long long>(concurrent)) + " runs at once (--threads)";
  return s;
}

MemoryEstimate rnn_run_memory(double N, double kernel_rows, double steps, double probe_trials,
                              std::size_t concurrent) {
  const double R = kernel_rows;
  MemoryEstimate m;
  m.add("3 tangent kernels of " + std::to_string(static_cast<long long>(R)) + " rows", 3 * kernel_bytes(R));
  m.add("kernel error vectors", R * steps * N * 8.0);
  m.add("probe traces", 2 * probe_trials * steps * N * 8.0);
  m.add("weights, gradients, momentum", 12 * N * N * 8.0);
  m.concurrent = static_cast<double>(concurrent > 0 ? concurrent : 1);
  return m;
}

MemoryEstimate neurogym_rnn_run_memory(std::size_t N, std::size_t concurrent) {
  return rnn_run_memory(static_cast<double>(N), 8.0 * 32.0 * 3.0, 8.0, 320.0, concurrent);
}

double available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    double kib = 0;
    if (fields >> key >> kib && key == "MemAvailable:") return kib * 1024.0;
  }
  return 0;
}

void add_max_memory_flag(Cli& cli) {
  cli.add_double("max-memory", 0.0,
                 "memory budget in GiB checked against the run's estimate before it starts (0: MemAvailable)", 0.0,
                 1e6);
}

void check_memory_budget(const Cli& cli, const MemoryEstimate& estimate, const std::string& flags,
                         double budget_bytes) {
  std::string source = "given";
  if (!(budget_bytes > 0) && cli.get_double("max-memory") > 0) {
    budget_bytes = cli.get_double("max-memory") * kGiB;
    source = "--max-memory";
  } else if (!(budget_bytes > 0)) {
    budget_bytes = available_memory_bytes();
    source = "available (MemAvailable, /proc/meminfo)";
  }
  const double need = estimate.total() * estimate.concurrent;
  if (!(budget_bytes > 0) || need <= budget_bytes) return;
  throw CliError(flags + ": this run needs about " + gib(need) + " (" + estimate.describe() + "), more than the " +
                 gib(budget_bytes) + " " + source + "; lower " + flags + " or --threads, or set --max-memory <GiB>");
}

}  // namespace rl
