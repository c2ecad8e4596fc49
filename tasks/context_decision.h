// CXT: Neurogym 0.0.2 ContextDecisionMaking-v0, explicit context, 7 inputs
// (docs/tasks.md#cxt).  This is the 0.0.2 behaviour the paper ran: noise on all 7 channels during
// the stimulus, context added over the whole trial (v2.x changed both; docs/tasks.md#version-notes).
//
// Inputs: [0 fixation, 1 stim1_mod1, 2 stim2_mod1, 3 stim1_mod2, 4 stim2_mod2, 5 context1,
// 6 context2].  Per trial: gt and other_choice uniform on {1, 2} (independent), context uniform on
// {0, 1}, coh_0 and coh_1 uniform on `cohs` (independent).  Context 0: mod1 shows gt, mod2 shows
// other_choice; context 1: the reverse.  coh_0 goes with mod1, coh_1 with mod2.  Signed coherence
// s_m = +coh_m if modality m shows direction 1, else -coh_m.  Then, in order:
//   1. fixation += 1 over the whole trial;
//   2. stim1_modm += (1 + s_m/100)/2, stim2_modm += (1 - s_m/100)/2 during stimulus;
//   3. all 7 channels += N(0, (sigma / sqrt(dt))^2) during stimulus;
//   4. all channels = 0 in decision;
//   5. context channel (5 if context 0, 6 if context 1) += 1 over the whole trial;
//   label = gt during decision, 0 elsewhere.
#pragma once

#include <vector>

#include "tasks/trial.h"

namespace rl {

struct ContextDecisionConfig {
  double dt = 100.0;   // ms
  double sigma = 1.0;  // 0 switches noise off
  std::vector<double> cohs = {5.0, 15.0, 50.0};
  // Default timing: the 750 ms stimulus floors to 7 steps; delay in {300..2900} ms; 14..40 steps.
  TimingTable timing = {{"fixation", Timing::constant(300)},
                        {"stimulus", Timing::constant(750)},
                        {"delay", Timing::truncated_exponential(600, 300, 3000)},
                        {"decision", Timing::constant(100)}};
};

struct ContextDecisionConditions {
  int ground_truth = 1;  // 1 or 2
  int other_choice = 1;  // 1 or 2, the direction the irrelevant modality shows
  int context = 0;       // 0: mod1 relevant; 1: mod2 relevant
  double coh_0 = 5.0;    // coherence of mod1
  double coh_1 = 5.0;    // coherence of mod2
};

// Channel indices.
constexpr std::size_t kCxtFixation = 0, kCxtStim1Mod1 = 1, kCxtStim2Mod1 = 2, kCxtStim1Mod2 = 3,
                      kCxtStim2Mod2 = 4, kCxtContext1 = 5, kCxtContext2 = 6;

class ContextDecision final : public TrialTask {
 public:
  explicit ContextDecision(ContextDecisionConfig config = {});

  std::string name() const override { return "ContextDecisionMaking"; }
  std::size_t n_in() const override { return 7; }
  std::size_t n_actions() const override { return 3; }
  Trial new_trial(Rng& rng) const override;

  ContextDecisionConditions sample_conditions(Rng& rng) const;
  Trial build_trial(const ContextDecisionConditions& cond, const TrialLayout& layout, Rng& rng) const;
  const ContextDecisionConfig& config() const { return config_; }

 private:
  ContextDecisionConfig config_;
};

}  // namespace rl
