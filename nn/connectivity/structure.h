// The common result of every connectivity builder in nn/connectivity/ (docs/connectivity.md).
//
// Orientation (whole module): W_h[post][pre], i.e. W_h(i, j) is the weight of the connection j -> i,
// as in h_t = relu(W_in x_t + W_h h_{t-1}).  Where a sign law applies (Dale's law, cell types, the
// V1DD connectome) every *column* (one presynaptic unit) carries one sign.
// Dimension letter: N hidden units.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "linalg/matrix.h"

namespace rl {

// The largest N a builder accepts (every builder, and the EM cell tables): one (N, N) matrix of
// doubles is then at most 800 MB.  A larger N is almost always a typo or a corrupt file, and the
// dense spectra the figures take of W_h would run for days.
inline constexpr std::size_t kMaxConnectivityN = 10000;
// Throws std::invalid_argument "<builder>: N = <N> must be at least <min_N>" or "... is above the cap".
void check_connectivity_size(const char* builder, std::size_t N, std::size_t min_N);

// One named number a builder drew or measured ("n_excitatory", "density", "scale_factor", ...).
struct NamedValue {
  std::string name;
  double value = 0.0;
};

struct Connectivity {
  Matrix W_h;                          // (N, N), W_h[post][pre]
  std::vector<int> column_sign;        // (N) +1 / -1 per presynaptic unit; empty: no sign law
  std::vector<std::string> unit_type;  // (N) e.g. "E", "PV", "PYC"; empty: untyped units
  std::vector<NamedValue> realised;    // what was drawn or measured, in the order recorded

  // Appends (or overwrites) a named value.
  void record(const std::string& name, double value);
  // The recorded value; throws std::out_of_range naming the missing entry.
  double value(const std::string& name) const;
  bool has(const std::string& name) const;
};

// True when every non-zero entry of column j has the sign column_sign[j] (zeros are allowed).
bool columns_follow_signs(const Matrix& W_h, const std::vector<int>& column_sign);

}  // namespace rl
