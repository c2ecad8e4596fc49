// The initial-gain flags, checked before anything starts (plumbing; a first reading can skip it).
//
// W_h(0) = g G / sqrt(N) (docs/paper.md#initial-weights): g = 0 is an all-zero start that no
// normalisation can rescale and no run can train from, so a non-positive gain is a usage error
// (exit 2, before any folder is made), never a failure half-way through the sweep:
//
//   const double gain = gain_flag(cli);                  // --gain, > 0
//   const std::vector<double> gains = gains_flag(cli);   // fig1's --gains axis (--gain overrides it)
//   -> "fig1_rank_sweep: --gain: gain must be > 0, got 0 (see --help)"
#pragma once

#include <vector>

#include "demos/toolkit/cli.h"

namespace rl {

// --gain; throws CliError("--gain: gain must be > 0, got <g>") unless g > 0 (NaN included).
double gain_flag(const Cli& cli);

// The gains swept as an axis: --gains, or {--gain} when --gain is given or --gains is empty; throws
// CliError naming the flag the bad value came from ("--gains: gain must be > 0, got 0") unless every
// gain is > 0.
std::vector<double> gains_flag(const Cli& cli);

}  // namespace rl
