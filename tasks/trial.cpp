#include "tasks/trial.h"

#include <cmath>
#include <stdexcept>

namespace rl {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Step ranges [start, end) covered by `periods`; the whole trial for an empty list.
std::vector<Period> covered(const Trial& trial, const PeriodList& periods) {
  if (periods.empty()) return {Period{"(whole trial)", 0, trial.layout.T}};
  std::vector<Period> out;
  for (const std::string& name : periods) out.push_back(trial.layout.period(name));
  return out;
}

ChannelList all_channels_if_empty(const Trial& trial, const ChannelList& channels) {
  ChannelList out = channels;
  if (out.empty())
    for (std::size_t c = 0; c < trial.ob.cols(); ++c) out.push_back(c);
  for (std::size_t c : out)
    if (c >= trial.ob.cols())
      throw std::invalid_argument("trial channel " + std::to_string(c) + " out of range (n_in = " +
                                  std::to_string(trial.ob.cols()) + ")");
  return out;
}

}  // namespace

Trial make_empty_trial(const TrialLayout& layout, std::size_t n_in) {
  if (n_in == 0) throw std::invalid_argument("make_empty_trial: n_in must be > 0");
  return Trial{layout, Matrix(layout.T, n_in, 0.0), std::vector<int>(layout.T, kFixateAction)};
}

void add_ob(Trial& trial, const std::vector<double>& values, const ChannelList& channels,
            const PeriodList& periods) {
  const ChannelList ch = all_channels_if_empty(trial, channels);
  if (values.size() != ch.size())
    throw std::invalid_argument("add_ob: " + std::to_string(values.size()) + " values for " +
                                std::to_string(ch.size()) + " channels");
  for (const Period& p : covered(trial, periods))
    for (std::size_t t = p.start; t < p.end; ++t)
      for (std::size_t k = 0; k < ch.size(); ++k) trial.ob(t, ch[k]) += values[k];
}

void add_ob(Trial& trial, double value, const ChannelList& channels, const PeriodList& periods) {
  const ChannelList ch = all_channels_if_empty(trial, channels);
  add_ob(trial, std::vector<double>(ch.size(), value), ch, periods);
}

void set_ob(Trial& trial, double value, const ChannelList& channels, const PeriodList& periods) {
  const ChannelList ch = all_channels_if_empty(trial, channels);
  for (const Period& p : covered(trial, periods))
    for (std::size_t t = p.start; t < p.end; ++t)
      for (std::size_t c : ch) trial.ob(t, c) = value;
}

void add_randn(Trial& trial, double sd, Rng& rng, const ChannelList& channels,
               const PeriodList& periods) {
  if (!std::isfinite(sd) || sd < 0.0)
    throw std::invalid_argument("add_randn: noise sd must be finite and >= 0, got " +
                                std::to_string(sd));
  const ChannelList ch = all_channels_if_empty(trial, channels);
  if (sd == 0.0) return;
  for (const Period& p : covered(trial, periods))
    for (std::size_t t = p.start; t < p.end; ++t)
      for (std::size_t c : ch) trial.ob(t, c) += sd * rng.normal();
}

void set_groundtruth(Trial& trial, int label, const PeriodList& periods) {
  for (const Period& p : covered(trial, periods))
    for (std::size_t t = p.start; t < p.end; ++t) trial.gt[t] = label;
}

double effective_noise_sd(double sigma, double dt_ms) {
  if (!std::isfinite(sigma) || sigma < 0.0)
    throw std::invalid_argument("noise sigma must be finite and >= 0, got " + std::to_string(sigma));
  if (!std::isfinite(dt_ms) || dt_ms <= 0.0)
    throw std::invalid_argument("dt must be finite and > 0, got " + std::to_string(dt_ms));
  return sigma / std::sqrt(dt_ms);  // docs/tasks.md#trial-machinery: dt in ms, not seconds
}

void validate_noise_and_dt(double sigma, double dt_ms, const std::string& task) {
  try {
    effective_noise_sd(sigma, dt_ms);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(task + ": " + e.what());
  }
}

void validate_coherences(const std::vector<double>& cohs, const std::string& task) {
  if (cohs.empty()) throw std::invalid_argument(task + ": cohs is empty");
  for (double c : cohs)
    if (!std::isfinite(c) || c < 0.0)
      throw std::invalid_argument(task + ": every coherence in cohs must be finite and >= 0, got " +
                                  std::to_string(c));
}

std::vector<double> ring_angles(int dim_ring) {
  if (dim_ring < 2) throw std::invalid_argument("dim_ring must be >= 2, got " + std::to_string(dim_ring));
  std::vector<double> theta(static_cast<std::size_t>(dim_ring));
  for (int j = 0; j < dim_ring; ++j) theta[static_cast<std::size_t>(j)] = 2.0 * kPi * j / dim_ring;
  return theta;
}

}  // namespace rl
