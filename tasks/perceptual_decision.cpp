#include "tasks/perceptual_decision.h"

#include <cmath>
#include <stdexcept>

namespace rl {

PerceptualDecision::PerceptualDecision(PerceptualDecisionConfig config)
    : config_(std::move(config)), theta_(ring_angles(config_.dim_ring)) {
  require_period_names(config_.timing, {"fixation", "stimulus", "delay", "decision"},
                       "PerceptualDecision");
  for (const auto& [period, timing] : config_.timing) validate_timing(timing, period);
  validate_noise_and_dt(config_.sigma, config_.dt, "PerceptualDecision");
  validate_coherences(config_.cohs, "PerceptualDecision");
}

PerceptualDecisionConditions PerceptualDecision::sample_conditions(Rng& rng) const {
  PerceptualDecisionConditions cond;
  cond.ground_truth = static_cast<int>(rng.below(theta_.size()));
  cond.coh = config_.cohs[static_cast<std::size_t>(rng.below(config_.cohs.size()))];
  return cond;
}

Trial PerceptualDecision::build_trial(const PerceptualDecisionConditions& cond,
                                      const TrialLayout& layout, Rng& rng) const {
  if (cond.ground_truth < 0 || cond.ground_truth >= config_.dim_ring)
    throw std::invalid_argument("PerceptualDecision: ground_truth out of range");
  // BEGIN ASSIGNMENT A8: PerceptualDecision::build_trial (docs/tasks.md#2af)
  // TODO: inputs ob (T, 1 + dim_ring): channel 0 = fixation (1 in fixation, stimulus, delay);
  // channels 1..dim_ring = cos(theta_j - theta_g) * coh / 200 + 0.5 during the stimulus, plus noise
  // N(0, effective_noise_sd(sigma, dt)) on those channels in the stimulus only; label gt = g + 1 in the
  // decision period, 0 elsewhere.  trial.h: make_empty_trial, add_ob, add_randn, set_groundtruth.
  // The order of the random draws matters (same seed, same trial as Neurogym): noise after the inputs.
  Trial trial = make_empty_trial(layout, n_in());
  ChannelList stim_channels;
  std::vector<double> stim;
  const double theta_g = theta_[static_cast<std::size_t>(cond.ground_truth)];
  for (std::size_t j = 0; j < theta_.size(); ++j) {
    stim_channels.push_back(1 + j);
    stim.push_back(std::cos(theta_[j] - theta_g) * (cond.coh / 200.0) + 0.5);
  }
  add_ob(trial, 1.0, {0}, {"fixation", "stimulus", "delay"});
  add_ob(trial, stim, stim_channels, {"stimulus"});
  add_randn(trial, effective_noise_sd(config_.sigma, config_.dt), rng, stim_channels, {"stimulus"});
  set_groundtruth(trial, cond.ground_truth + 1, {"decision"});
  return trial;
  // END ASSIGNMENT A8
}

Trial PerceptualDecision::new_trial(Rng& rng) const {
  const PerceptualDecisionConditions cond = sample_conditions(rng);
  const TrialLayout layout = sample_layout(config_.timing, config_.dt, rng);
  return build_trial(cond, layout, rng);
}

}  // namespace rl
