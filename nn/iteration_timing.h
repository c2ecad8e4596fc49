// Wall-clock cost of one training iteration of the CT-RNN, plain and with the additions of the
// "beyond the paper" measures, for a benchmark program to call (the numbers are machine-dependent;
// nothing in the library depends on them):
//   plain       rnn_forward (reused trace) + cross entropy over all steps + zero_grads + rnn_backward
//               + Sgd::step, the Fig. 1 training loop
//   with meter  the same + PlasticityMeter::record() (nn/plasticity_cost.h) after the step
//   meter alone PlasticityMeter::record() by itself (its cost isolated from the noise of a whole iteration)
//   linearised  LinearisedTrainer::step (nn/linearised_rnn.h): forward at theta0, JVP, backward at theta0
// The three variants alternate in rounds of `iterations` iterations each, so a change of machine load
// hits all of them alike; each reports its best and median round in wall-clock time and its median
// round in CPU time (ms per iteration).  Single-threaded: the CPU time is this thread's.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nn/rnn.h"

namespace rl {

struct VariantTiming {
  double best_ms = 0.0;        // fastest round, wall-clock ms per iteration
  double median_ms = 0.0;      // median round, wall-clock ms per iteration
  double cpu_median_ms = 0.0;  // median round, process CPU ms per iteration (std::clock): on a
                               // loaded machine it leaves out the time the process waited for a core
};

struct IterationTiming {
  VariantTiming plain, with_meter, meter_alone, linearised;
  // with_meter / plain - 1 and linearised / plain, from the best rounds and from the median rounds.
  double meter_overhead_best() const { return with_meter.best_ms / plain.best_ms - 1.0; }
  double meter_overhead_median() const { return with_meter.median_ms / plain.median_ms - 1.0; }
  // meter_alone / plain: the overhead estimated from the isolated record() (median rounds).
  double meter_overhead_isolated() const { return meter_alone.median_ms / plain.median_ms; }
  double meter_overhead_cpu() const { return with_meter.cpu_median_ms / plain.cpu_median_ms - 1.0; }
  double linearised_ratio_cpu() const { return linearised.cpu_median_ms / plain.cpu_median_ms; }
  double linearised_ratio_best() const { return linearised.best_ms / plain.best_ms; }
  double linearised_ratio_median() const { return linearised.median_ms / plain.median_ms; }
};

// Random inputs (N(0, 1)), labels and weights from `seed`; SGD at the paper's lr 0.003, momentum 0.9.
// Throws std::invalid_argument for T, B, iterations or rounds of 0.
IterationTiming time_training_iterations(const RnnConfig& config, std::size_t T, std::size_t B,
                                         std::size_t iterations, std::size_t rounds,
                                         std::uint64_t seed);

}  // namespace rl
