#pragma once
// The rectifier phi(u) = max(u, 0), shared by the RNN and the two-layer ReLU network.
//
// A NaN pre-activation stays NaN (as torch.relu does).  The plain `u > 0 ? u : 0` maps NaN to 0,
// which hides a blow-up: an overflowing step (inf - inf = NaN in W_h h) would be silently reset to a
// silent network, the readout would stay finite, and a diverged run would look like a trained one.
// Every non-NaN value gives the same bits as `u > 0 ? u : 0`.

#include <cmath>

namespace rl {

inline double relu(double u) { return u > 0.0 ? u : (std::isnan(u) ? u : 0.0); }
inline float relu(float u) { return u > 0.0f ? u : (std::isnan(u) ? u : 0.0f); }

}  // namespace rl
