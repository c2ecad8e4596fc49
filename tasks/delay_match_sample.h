// DMS: Neurogym 0.0.2 DelayMatchSample-v0 (docs/tasks.md#dms).
//
// Inputs (n_in = 1 + dim_ring): [fixation, ring of dim_ring].  Per trial: gt uniform on
// {1 match, 2 non-match}, the sample angle uniform over the ring angles; the test angle equals the
// sample (match) or (sample + pi) mod 2 pi (non-match).  No coherence.  Then, in order:
//   1. fixation += 1 over the whole trial;  2. fixation = 0 in decision;
//   3. ring += cos(theta_j - sample) * 0.5 + 0.5 during sample;
//   4. ring += cos(theta_j - test) * 0.5 + 0.5 during test;
//   5. ring += N(0, (sigma / sqrt(dt))^2) during sample, then test;
//   label = gt during decision, 0 elsewhere.  With dim_ring = 2 the stimuli are one-hot: an XOR.
#pragma once

#include <vector>

#include "tasks/trial.h"

namespace rl {

struct DelayMatchSampleConfig {
  double dt = 100.0;   // ms
  double sigma = 1.0;  // 0 switches noise off
  int dim_ring = 2;
  // Default timing: 32 steps at dt = 100 (the decision lasts 9 steps).
  TimingTable timing = {{"fixation", Timing::constant(300)},
                        {"sample", Timing::constant(500)},
                        {"delay", Timing::constant(1000)},
                        {"test", Timing::constant(500)},
                        {"decision", Timing::constant(900)}};
};

struct DelayMatchSampleConditions {
  int ground_truth = 1;  // 1 match, 2 non-match
  int sample_index = 0;  // index of the sample angle on the ring
};

class DelayMatchSample final : public TrialTask {
 public:
  explicit DelayMatchSample(DelayMatchSampleConfig config = {});

  std::string name() const override { return "DelayMatchSample"; }
  std::size_t n_in() const override { return 1 + static_cast<std::size_t>(config_.dim_ring); }
  std::size_t n_actions() const override { return 3; }
  Trial new_trial(Rng& rng) const override;

  DelayMatchSampleConditions sample_conditions(Rng& rng) const;
  Trial build_trial(const DelayMatchSampleConditions& cond, const TrialLayout& layout, Rng& rng) const;
  const DelayMatchSampleConfig& config() const { return config_; }

 private:
  DelayMatchSampleConfig config_;
  std::vector<double> theta_;
};

}  // namespace rl
