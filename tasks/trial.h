// One Neurogym trial (inputs `ob` and per-step labels `gt`) and the operations tasks build it
// with, mirroring TrialEnv.add_ob / set_ob / add_randn / set_groundtruth of Neurogym 0.0.2
// (docs/tasks.md#trial-machinery).  Operations apply in the order called; later writes override earlier.
//
// Dimension letters: T time steps, n_in input channels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "linalg/matrix.h"
#include "linalg/rng.h"
#include "tasks/timing.h"

namespace rl {

// Label 0 means "fixate"; the decision period holds the correct choice (1 or 2).
constexpr int kFixateAction = 0;

struct Trial {
  TrialLayout layout;
  Matrix ob;            // (T, n_in), starts at 0
  std::vector<int> gt;  // (T), starts at kFixateAction
};

// A zeroed trial for `layout` with n_in channels.
Trial make_empty_trial(const TrialLayout& layout, std::size_t n_in);

// Which steps an operation covers: one named period, several, or (empty list) the whole trial.
using PeriodList = std::vector<std::string>;
// Which channels an operation covers; each entry must be < n_in.
using ChannelList = std::vector<std::size_t>;

// ob[t, channels[k]] += values[k] for t in `periods` (whole trial when `periods` is empty).
void add_ob(Trial& trial, const std::vector<double>& values, const ChannelList& channels,
            const PeriodList& periods);
// Same value on every listed channel.
void add_ob(Trial& trial, double value, const ChannelList& channels, const PeriodList& periods);
// ob[t, c] = value for c in `channels` (all channels when empty) and t in `periods`.
void set_ob(Trial& trial, double value, const ChannelList& channels, const PeriodList& periods);
// ob[t, c] += sd * N(0, 1), iid, step by step then channel by channel (all channels when empty).
// sd = 0 draws nothing.
void add_randn(Trial& trial, double sd, Rng& rng, const ChannelList& channels,
               const PeriodList& periods);
// gt[t] = label for t in `periods`.
void set_groundtruth(Trial& trial, int label, const PeriodList& periods);

// Neurogym's effective noise: sigma / sqrt(dt) with dt in milliseconds (0.1 at sigma 1, dt 100).
double effective_noise_sd(double sigma, double dt_ms);

// Constructor checks shared by the tasks; errors start with `task` ("PerceptualDecision: dt ...").
// sigma finite and >= 0, dt finite and > 0:
void validate_noise_and_dt(double sigma, double dt_ms, const std::string& task);
// A non-empty list of finite coherences >= 0 (percent, as Neurogym's cohs):
void validate_coherences(const std::vector<double>& cohs, const std::string& task);

// Ring angles theta_j = 2 pi j / dim_ring, j = 0..dim_ring-1 (dim_ring >= 2).
std::vector<double> ring_angles(int dim_ring);

// The common interface of the three tasks, used by NeurogymDataset.  A task is an immutable
// configuration; all randomness comes from the Rng passed to new_trial.
class TrialTask {
 public:
  virtual ~TrialTask() = default;
  virtual std::string name() const = 0;
  virtual std::size_t n_in() const = 0;
  virtual std::size_t n_actions() const = 0;
  virtual Trial new_trial(Rng& rng) const = 0;
};

}  // namespace rl
