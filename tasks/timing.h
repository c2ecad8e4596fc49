// Period durations and trial layout, as in Neurogym 0.0.2's TrialEnv (docs/tasks.md#trial-machinery).
//
// A task lists its periods in order (e.g. fixation, stimulus, delay, decision).  When a trial
// starts, each period's duration (ms) is sampled from its Timing, floored to a multiple of dt, and
// the periods are laid back to back from t = 0.  Period p covers the step indices
// [int(start/dt), int(end/dt)); the trial has T = total_duration / dt steps.  A period of
// duration 0 is empty (the paper uses fixation = 0).
//
// We keep durations as whole numbers of steps, floor(t / dt), which is what Neurogym's
// int(value/dt)*dt followed by int(start/dt) computes, without accumulating float sums.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "linalg/rng.h"

namespace rl {

// How one period's duration (milliseconds) is drawn.  Neurogym's timing entries map to:
//   a number / ('constant', v)               -> Timing::constant(v)
//   a list / ('choice', list)                -> Timing::list(values) / Timing::choice(values)
//   ('uniform', (a, b))                      -> Timing::uniform(a, b)      (a <= x < b)
//   TruncExp(mean, vmin, vmax) / ('truncated_exponential', (mean, vmin, vmax))
//                                            -> Timing::truncated_exponential(mean, vmin, vmax)
struct Timing {
  enum class Kind { kConstant, kChoice, kUniform, kTruncatedExponential };
  Kind kind = Kind::kConstant;
  std::vector<double> params;  // constant {v}; choice {options...}; uniform {a, b}; trunc-exp {mean, vmin, vmax}

  static Timing constant(double ms);
  static Timing list(std::vector<double> options_ms);    // one picked uniformly at random
  static Timing choice(std::vector<double> options_ms);  // same law as list()
  static Timing uniform(double lo_ms, double hi_ms);
  // Exponential with the given mean, redrawn until vmin <= x < vmax (rejection sampling).
  static Timing truncated_exponential(double mean_ms, double vmin_ms, double vmax_ms);
};

// An ordered list of (period name, timing).
using TimingTable = std::vector<std::pair<std::string, Timing>>;

// Throws std::invalid_argument naming `period` when the timing is malformed (negative or
// non-finite values, empty choice list, lo > hi, vmin >= vmax, mean <= 0).
void validate_timing(const Timing& timing, const std::string& period);

// One raw draw in milliseconds (not yet floored to dt).
double sample_duration_ms(const Timing& timing, Rng& rng);

// `base` with the entries named in `overrides` replaced; an override naming a period that `base`
// does not have throws std::invalid_argument listing the known periods.
TimingTable override_timing(TimingTable base, const TimingTable& overrides);

struct Period {
  std::string name;
  std::size_t start = 0;  // first step index
  std::size_t end = 0;    // one past the last step index
};

// The periods of one trial laid out back to back, in steps.
struct TrialLayout {
  double dt = 0.0;             // ms per step
  std::size_t T = 0;           // trial length in steps
  std::vector<Period> periods;

  // The period called `name`; throws std::invalid_argument ("unknown period") otherwise.
  const Period& period(const std::string& name) const;
};

// Sample every period of `table` in order (draws from `rng` in table order), floor each to dt and
// lay them out.  Throws std::invalid_argument when dt <= 0 or any timing is invalid.
TrialLayout sample_layout(const TimingTable& table, double dt, Rng& rng);

// Throws std::invalid_argument unless `table` names exactly `expected`, in that order (a task's
// periods are fixed; only their timings may change).  `task` names the caller in the message.
void require_period_names(const TimingTable& table, const std::vector<std::string>& expected,
                          const std::string& task);

// Steps in a duration: floor(ms / dt), with dt > 0 and ms >= 0 checked.
std::size_t duration_steps(double ms, double dt);

}  // namespace rl
