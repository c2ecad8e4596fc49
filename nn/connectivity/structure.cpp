#include "nn/connectivity/structure.h"

#include <stdexcept>

namespace rl {

void check_connectivity_size(const char* builder, std::size_t N, std::size_t min_N) {
  if (N < min_N)
    throw std::invalid_argument(std::string(builder) + ": N = " + std::to_string(N) + " must be at least " +
                                std::to_string(min_N));
  if (N > kMaxConnectivityN)
    throw std::invalid_argument(std::string(builder) + ": N = " + std::to_string(N) + " is above the cap of " +
                                std::to_string(kMaxConnectivityN) +
                                " units (kMaxConnectivityN, nn/connectivity/structure.h)");
}

void Connectivity::record(const std::string& name, double value) {
  for (NamedValue& nv : realised)
    if (nv.name == name) {
      nv.value = value;
      return;
    }
  realised.push_back({name, value});
}

double Connectivity::value(const std::string& name) const {
  for (const NamedValue& nv : realised)
    if (nv.name == name) return nv.value;
  throw std::out_of_range("Connectivity::value: no recorded value named '" + name + "'");
}

bool Connectivity::has(const std::string& name) const {
  for (const NamedValue& nv : realised)
    if (nv.name == name) return true;
  return false;
}

bool columns_follow_signs(const Matrix& W_h, const std::vector<int>& column_sign) {
  if (column_sign.size() != W_h.cols()) return false;
  for (std::size_t i = 0; i < W_h.rows(); ++i)
    for (std::size_t j = 0; j < W_h.cols(); ++j) {
      const double w = W_h(i, j);
      if (w != 0.0 && (w > 0.0) != (column_sign[j] > 0)) return false;
    }
  return true;
}

}  // namespace rl
