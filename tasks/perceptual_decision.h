// 2AF: Neurogym 0.0.2 PerceptualDecisionMaking-v0 (docs/tasks.md#2af).
//
// Inputs (n_in = 1 + dim_ring): [fixation, stim_1 .. stim_dim_ring].  Per trial: the correct
// ring index g is uniform on {0..dim_ring-1}, the coherence uniform on `cohs`.  Then, in order:
//   1. fixation channel += 1 during fixation, stimulus and delay;
//   2. stim_j += cos(theta_j - theta_g) * coh / 200 + 0.5 during stimulus;
//   3. stimulus channels += N(0, (sigma / sqrt(dt))^2) during stimulus;
//   label = g + 1 during decision, 0 elsewhere.  Actions {0 fixate, 1 .. dim_ring}.
#pragma once

#include <vector>

#include "tasks/trial.h"

namespace rl {

struct PerceptualDecisionConfig {
  double dt = 100.0;    // ms
  double sigma = 1.0;   // input noise before the 1/sqrt(dt) scaling; 0 switches noise off
  int dim_ring = 2;
  std::vector<double> cohs = {0.0, 6.4, 12.8, 25.6, 51.2};
  // Default timing: 22 steps at dt = 100.
  TimingTable timing = {{"fixation", Timing::constant(100)},
                        {"stimulus", Timing::constant(2000)},
                        {"delay", Timing::constant(0)},
                        {"decision", Timing::constant(100)}};
};

// What is drawn per trial before the periods.
struct PerceptualDecisionConditions {
  int ground_truth = 0;  // ring index in {0..dim_ring-1}; the label is ground_truth + 1
  double coh = 0.0;
};

class PerceptualDecision final : public TrialTask {
 public:
  explicit PerceptualDecision(PerceptualDecisionConfig config = {});

  std::string name() const override { return "PerceptualDecisionMaking"; }
  std::size_t n_in() const override { return 1 + static_cast<std::size_t>(config_.dim_ring); }
  std::size_t n_actions() const override { return 1 + static_cast<std::size_t>(config_.dim_ring); }
  // Draws conditions, then the layout, then the noise (Neurogym's order).
  Trial new_trial(Rng& rng) const override;

  PerceptualDecisionConditions sample_conditions(Rng& rng) const;
  // The trial for given conditions and layout; `rng` supplies only the noise.
  Trial build_trial(const PerceptualDecisionConditions& cond, const TrialLayout& layout, Rng& rng) const;
  const PerceptualDecisionConfig& config() const { return config_; }

 private:
  PerceptualDecisionConfig config_;
  std::vector<double> theta_;  // ring angles
};

}  // namespace rl
