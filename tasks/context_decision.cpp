#include "tasks/context_decision.h"

#include <stdexcept>

namespace rl {
namespace {

int pick_one_or_two(Rng& rng) { return 1 + static_cast<int>(rng.below(2)); }

double signed_coherence(int shown_direction, double coh) {
  return shown_direction == 1 ? coh : -coh;
}

}  // namespace

ContextDecision::ContextDecision(ContextDecisionConfig config) : config_(std::move(config)) {
  require_period_names(config_.timing, {"fixation", "stimulus", "delay", "decision"},
                       "ContextDecision");
  for (const auto& [period, timing] : config_.timing) validate_timing(timing, period);
  validate_noise_and_dt(config_.sigma, config_.dt, "ContextDecision");
  validate_coherences(config_.cohs, "ContextDecision");
}

ContextDecisionConditions ContextDecision::sample_conditions(Rng& rng) const {
  ContextDecisionConditions cond;
  cond.ground_truth = pick_one_or_two(rng);
  cond.other_choice = pick_one_or_two(rng);
  cond.context = static_cast<int>(rng.below(2));
  cond.coh_0 = config_.cohs[static_cast<std::size_t>(rng.below(config_.cohs.size()))];
  cond.coh_1 = config_.cohs[static_cast<std::size_t>(rng.below(config_.cohs.size()))];
  return cond;
}

Trial ContextDecision::build_trial(const ContextDecisionConditions& cond, const TrialLayout& layout,
                                   Rng& rng) const {
  for (int choice : {cond.ground_truth, cond.other_choice})
    if (choice != 1 && choice != 2)
      throw std::invalid_argument("ContextDecision: ground_truth and other_choice must be 1 or 2");
  if (cond.context != 0 && cond.context != 1)
    throw std::invalid_argument("ContextDecision: context must be 0 or 1");
  const int shown_mod1 = cond.context == 0 ? cond.ground_truth : cond.other_choice;
  const int shown_mod2 = cond.context == 0 ? cond.other_choice : cond.ground_truth;
  const double s0 = signed_coherence(shown_mod1, cond.coh_0);
  const double s1 = signed_coherence(shown_mod2, cond.coh_1);

  Trial trial = make_empty_trial(layout, n_in());
  add_ob(trial, 1.0, {kCxtFixation}, {});
  add_ob(trial, {(1 + s0 / 100) / 2, (1 - s0 / 100) / 2, (1 + s1 / 100) / 2, (1 - s1 / 100) / 2},
         {kCxtStim1Mod1, kCxtStim2Mod1, kCxtStim1Mod2, kCxtStim2Mod2}, {"stimulus"});
  add_randn(trial, effective_noise_sd(config_.sigma, config_.dt), rng, {}, {"stimulus"});
  set_ob(trial, 0.0, {}, {"decision"});
  add_ob(trial, 1.0, {cond.context == 0 ? kCxtContext1 : kCxtContext2}, {});
  set_groundtruth(trial, cond.ground_truth, {"decision"});
  return trial;
}

Trial ContextDecision::new_trial(Rng& rng) const {
  const ContextDecisionConditions cond = sample_conditions(rng);
  const TrialLayout layout = sample_layout(config_.timing, config_.dt, rng);
  return build_trial(cond, layout, rng);
}

}  // namespace rl
