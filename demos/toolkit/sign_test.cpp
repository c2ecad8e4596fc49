#include "demos/toolkit/sign_test.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace rl {

// P(K >= m) for K ~ Binomial(n, 1/2): sum_{i = m}^{n} C(n, i) / 2^n.  Each term is formed in logs,
// log C(n, i) = lgamma(n+1) - lgamma(i+1) - lgamma(n-i+1), so neither C(n, i) (past n = 1029) nor
// 2^-n (past n = 1074) leaves the double range; added smallest first.
double binomial_half_upper_tail(std::size_t m, std::size_t n) {
  const double log_half_n = -static_cast<double>(n) * std::log(2.0);
  const double log_n_factorial = std::lgamma(static_cast<double>(n) + 1.0);
  double tail = 0.0;
  for (std::size_t i = n + 1; i-- > m;) {
    const double log_choose = log_n_factorial - std::lgamma(static_cast<double>(i) + 1.0) -
                              std::lgamma(static_cast<double>(n - i) + 1.0);
    tail += std::exp(log_choose + log_half_n);
  }
  return tail;
}

double sign_test_p(std::size_t wins, std::size_t pairs) {
  if (wins > pairs)
    throw std::invalid_argument("sign_test_p: " + std::to_string(wins) + " wins out of " + std::to_string(pairs) +
                                " pairs (wins must be at most pairs)");
  if (pairs == 0) return 1.0;
  const std::size_t extreme = std::max(wins, pairs - wins);
  return std::min(1.0, 2.0 * binomial_half_upper_tail(extreme, pairs));
}

}  // namespace rl
