#include "tasks/delay_match_sample.h"

#include <cmath>
#include <stdexcept>

namespace rl {
namespace {

constexpr double kPi = 3.14159265358979323846;

// cos(theta_j - angle) * 0.5 + 0.5 on every ring channel.
std::vector<double> ring_stimulus(const std::vector<double>& theta, double angle) {
  std::vector<double> out;
  for (double t : theta) out.push_back(std::cos(t - angle) * 0.5 + 0.5);
  return out;
}

}  // namespace

DelayMatchSample::DelayMatchSample(DelayMatchSampleConfig config)
    : config_(std::move(config)), theta_(ring_angles(config_.dim_ring)) {
  require_period_names(config_.timing, {"fixation", "sample", "delay", "test", "decision"},
                       "DelayMatchSample");
  for (const auto& [period, timing] : config_.timing) validate_timing(timing, period);
  validate_noise_and_dt(config_.sigma, config_.dt, "DelayMatchSample");
}

DelayMatchSampleConditions DelayMatchSample::sample_conditions(Rng& rng) const {
  DelayMatchSampleConditions cond;
  cond.ground_truth = 1 + static_cast<int>(rng.below(2));
  cond.sample_index = static_cast<int>(rng.below(theta_.size()));
  return cond;
}

Trial DelayMatchSample::build_trial(const DelayMatchSampleConditions& cond,
                                    const TrialLayout& layout, Rng& rng) const {
  if (cond.ground_truth != 1 && cond.ground_truth != 2)
    throw std::invalid_argument("DelayMatchSample: ground_truth must be 1 or 2");
  if (cond.sample_index < 0 || cond.sample_index >= config_.dim_ring)
    throw std::invalid_argument("DelayMatchSample: sample_index out of range");
  const double sample = theta_[static_cast<std::size_t>(cond.sample_index)];
  const double test = cond.ground_truth == 1 ? sample : std::fmod(sample + kPi, 2.0 * kPi);

  Trial trial = make_empty_trial(layout, n_in());
  ChannelList ring;
  for (std::size_t j = 0; j < theta_.size(); ++j) ring.push_back(1 + j);
  add_ob(trial, 1.0, {0}, {});
  set_ob(trial, 0.0, {0}, {"decision"});
  add_ob(trial, ring_stimulus(theta_, sample), ring, {"sample"});
  add_ob(trial, ring_stimulus(theta_, test), ring, {"test"});
  add_randn(trial, effective_noise_sd(config_.sigma, config_.dt), rng, ring, {"sample", "test"});
  set_groundtruth(trial, cond.ground_truth, {"decision"});
  return trial;
}

Trial DelayMatchSample::new_trial(Rng& rng) const {
  const DelayMatchSampleConditions cond = sample_conditions(rng);
  const TrialLayout layout = sample_layout(config_.timing, config_.dt, rng);
  return build_trial(cond, layout, rng);
}

}  // namespace rl
