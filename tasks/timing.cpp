#include "tasks/timing.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace rl {
namespace {

// A truncated exponential whose window holds almost no mass would spin forever; give up loudly.
constexpr int kMaxTruncExpDraws = 1000000;  // [TP]

[[noreturn]] void bad_timing(const std::string& period, const std::string& problem) {
  throw std::invalid_argument("timing of period '" + period + "': " + problem);
}

void require_non_negative(double v, const std::string& period, const char* what) {
  if (!std::isfinite(v) || v < 0.0)
    bad_timing(period, std::string(what) + " must be finite and >= 0, got " + std::to_string(v));
}

// Exponential with the given mean by inversion: -mean * ln(1 - u), u in [0, 1).
double exponential(double mean, Rng& rng) { return -mean * std::log1p(-rng.uniform()); }

}  // namespace

Timing Timing::constant(double ms) { return {Kind::kConstant, {ms}}; }
Timing Timing::list(std::vector<double> options_ms) { return {Kind::kChoice, std::move(options_ms)}; }
Timing Timing::choice(std::vector<double> options_ms) { return {Kind::kChoice, std::move(options_ms)}; }
Timing Timing::uniform(double lo_ms, double hi_ms) { return {Kind::kUniform, {lo_ms, hi_ms}}; }
Timing Timing::truncated_exponential(double mean_ms, double vmin_ms, double vmax_ms) {
  return {Kind::kTruncatedExponential, {mean_ms, vmin_ms, vmax_ms}};
}

void validate_timing(const Timing& timing, const std::string& period) {
  const std::vector<double>& p = timing.params;
  switch (timing.kind) {
    case Timing::Kind::kConstant:
      if (p.size() != 1) bad_timing(period, "constant needs exactly one value");
      require_non_negative(p[0], period, "constant duration");
      return;
    case Timing::Kind::kChoice:
      if (p.empty()) bad_timing(period, "choice list is empty");
      for (double v : p) require_non_negative(v, period, "choice option");
      return;
    case Timing::Kind::kUniform:
      if (p.size() != 2) bad_timing(period, "uniform needs (lo, hi)");
      require_non_negative(p[0], period, "uniform lo");
      require_non_negative(p[1], period, "uniform hi");
      if (p[0] > p[1]) bad_timing(period, "uniform range has lo > hi");
      return;
    case Timing::Kind::kTruncatedExponential:
      if (p.size() != 3) bad_timing(period, "truncated exponential needs (mean, vmin, vmax)");
      if (!std::isfinite(p[0]) || p[0] <= 0.0) bad_timing(period, "truncated exponential mean must be > 0");
      require_non_negative(p[1], period, "truncated exponential vmin");
      if (std::isnan(p[2]) || p[2] <= p[1])
        bad_timing(period, "truncated exponential range needs vmin < vmax");
      return;
  }
  bad_timing(period, "unknown timing kind");
}

double sample_duration_ms(const Timing& timing, Rng& rng) {
  const std::vector<double>& p = timing.params;
  switch (timing.kind) {
    case Timing::Kind::kConstant:
      return p[0];
    case Timing::Kind::kChoice:
      return p[static_cast<std::size_t>(rng.below(p.size()))];
    case Timing::Kind::kUniform:
      return rng.uniform(p[0], p[1]);
    case Timing::Kind::kTruncatedExponential:
      for (int i = 0; i < kMaxTruncExpDraws; ++i) {
        const double x = exponential(p[0], rng);
        if (p[1] <= x && x < p[2]) return x;  // Neurogym TruncExp: accept vmin <= x < vmax
      }
      throw std::runtime_error("truncated exponential: no draw fell in [vmin, vmax) after " +
                               std::to_string(kMaxTruncExpDraws) + " tries");
  }
  throw std::logic_error("sample_duration_ms: unknown timing kind");
}

TimingTable override_timing(TimingTable base, const TimingTable& overrides) {
  for (const auto& [name, timing] : overrides) {
    bool found = false;
    for (auto& entry : base)
      if (entry.first == name) {
        entry.second = timing;
        found = true;
      }
    if (!found) {
      std::ostringstream known;
      for (std::size_t i = 0; i < base.size(); ++i) known << (i ? ", " : "") << base[i].first;
      throw std::invalid_argument("timing override: unknown period '" + name + "' (known: " +
                                  known.str() + ")");
    }
  }
  return base;
}

const Period& TrialLayout::period(const std::string& name) const {
  for (const Period& p : periods)
    if (p.name == name) return p;
  throw std::invalid_argument("trial layout: unknown period '" + name + "'");
}

void require_period_names(const TimingTable& table, const std::vector<std::string>& expected,
                          const std::string& task) {
  bool same = table.size() == expected.size();
  for (std::size_t i = 0; same && i < table.size(); ++i) same = table[i].first == expected[i];
  if (same) return;
  std::ostringstream got, want;
  for (std::size_t i = 0; i < table.size(); ++i) got << (i ? ", " : "") << table[i].first;
  for (std::size_t i = 0; i < expected.size(); ++i) want << (i ? ", " : "") << expected[i];
  throw std::invalid_argument(task + ": timing periods [" + got.str() + "] do not match [" +
                              want.str() + "]");
}

std::size_t duration_steps(double ms, double dt) {
  if (!(dt > 0.0) || !std::isfinite(dt))
    throw std::invalid_argument("dt must be finite and > 0, got " + std::to_string(dt));
  if (!std::isfinite(ms) || ms < 0.0)
    throw std::invalid_argument("duration must be finite and >= 0, got " + std::to_string(ms));
  return static_cast<std::size_t>(std::floor(ms / dt));  // Neurogym: int(value/dt)*dt
}

TrialLayout sample_layout(const TimingTable& table, double dt, Rng& rng) {
  duration_steps(0.0, dt);  // validates dt before any draw
  TrialLayout layout;
  layout.dt = dt;
  std::size_t start = 0;
  for (const auto& [name, timing] : table) {
    validate_timing(timing, name);
    const std::size_t steps = duration_steps(sample_duration_ms(timing, rng), dt);
    layout.periods.push_back({name, start, start + steps});
    start += steps;
  }
  layout.T = start;
  return layout;
}

}  // namespace rl
