// Effective ranks (docs/paper.md#measures).  Every measure divides by the largest value first, so the
// sums neither overflow nor underflow; all are invariant to scaling the values.
#include "linalg/effective_rank.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "linalg/eig_general.h"
#include "linalg/svd.h"

namespace rl {
namespace {

// The largest value; throws unless the values are finite, non-negative and not all zero.
double checked_max(const std::vector<double>& x, const char* who) {
  double big = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || x[i] < 0.0)
      throw std::invalid_argument(std::string(who) + ": value " + std::to_string(i) + " = " +
                                  std::to_string(x[i]) + " is not a finite non-negative number");
    big = std::max(big, x[i]);
  }
  if (big == 0.0)
    throw std::invalid_argument(std::string(who) + ": values are empty or all zero");
  return big;
}

double sum_of_powers(const std::vector<double>& x, double scale, int power) {
  double sum = 0.0;
  for (double xi : x) sum += std::pow(xi / scale, power);
  return sum;
}

}  // namespace

double participation_ratio(const std::vector<double>& s) {
  const double big = checked_max(s, "participation_ratio");
  // BEGIN ASSIGNMENT A7: participation_ratio (docs/linalg.md#norms-and-effective-ranks)
  // TODO: PR = (sum s_i^2)^2 / sum s_i^4.  Divide every s_i by `big` first (sum_of_powers does) so
  // that s = 1e200 neither overflows nor s = 1e-200 underflows; the ratio does not change.
  const double sum2 = sum_of_powers(s, big, 2);
  return sum2 * sum2 / sum_of_powers(s, big, 4);
  // END ASSIGNMENT A7
}

double roy_vetterli_rank(const std::vector<double>& s) {
  const double big = checked_max(s, "roy_vetterli_rank");
  // BEGIN ASSIGNMENT A7: roy_vetterli_rank (docs/linalg.md#norms-and-effective-ranks)
  // TODO: p_i = s_i / sum_j s_j; rank = exp(-sum p_i ln p_i) with 0 ln 0 = 0.  Scale by `big` first.
  const double total = sum_of_powers(s, big, 1);
  double entropy = 0.0;  // -sum p ln p, with 0 ln 0 = 0
  for (double si : s) {
    const double p = (si / big) / total;
    if (p > 0.0) entropy -= p * std::log(p);
  }
  return std::exp(entropy);
  // END ASSIGNMENT A7
}

double stable_rank(const std::vector<double>& s) {
  const double big = checked_max(s, "stable_rank");
  return sum_of_powers(s, big, 2);  // sum s_i^2 / s_1^2 with s_1 = max
}

double nuclear_over_spectral(const std::vector<double>& s) {
  const double big = checked_max(s, "nuclear_over_spectral");
  return sum_of_powers(s, big, 1);
}

double relative_rank(const std::vector<double>& moduli, std::size_t N) {
  if (N == 0) throw std::invalid_argument("relative_rank: N must be positive");
  const double big = checked_max(moduli, "relative_rank");
  return sum_of_powers(moduli, big, 1) / static_cast<double>(N);
}

EffectiveRanks effective_ranks(const Matrix& A) {
  const std::vector<double> s = singular_values(A);
  EffectiveRanks r;
  r.participation_ratio = participation_ratio(s);
  r.roy_vetterli = roy_vetterli_rank(s);
  r.stable = stable_rank(s);
  r.nuclear_over_spectral = nuclear_over_spectral(s);
  r.relative_singular = relative_rank(s, s.size());
  r.relative_eigenvalue = std::numeric_limits<double>::quiet_NaN();
  if (A.rows() == A.cols()) {
    std::vector<double> moduli;
    double largest = 0.0;
    for (const auto& lambda : eig_general(A).values) {
      moduli.push_back(std::abs(lambda));
      largest = std::max(largest, moduli.back());
    }
    // A nonzero nilpotent matrix has only zero eigenvalues: the ratio is undefined (stays NaN).
    if (largest > 0.0) r.relative_eigenvalue = relative_rank(moduli, A.rows());
  }
  return r;
}

}  // namespace rl
