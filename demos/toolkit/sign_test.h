// The exact two-sided sign test: how surprising is "the compared side wins in k of n paired seeds"
// if, seed by seed, either side were as likely to win?
//
// Under that null hypothesis the number of wins K is Binomial(n, 1/2), so
//   p = P(|K - n/2| >= |k - n/2|) = min(1, 2 * sum_{i = max(k, n-k)}^{n} C(n, i) / 2^n).
// With 8 pairs only 8 / 8 (or 0 / 8) gives p < 0.05 (p = 2 / 256 = 0.0078; 7 / 8 gives 0.070); with
// 10 pairs 9 / 10 does (0.021).  docs/demos.md#paired-seed-counts says how the readings use it:
// a paired comparison is "decided" when p < 0.05, otherwise it is reported as undecided.
//
// Ties and pairs with an undefined value carry no sign: the caller leaves them out of n
// (demos/toolkit/paired_count.h does).
#pragma once

#include <cstddef>

namespace rl {

// Two-sided exact sign-test p-value of `wins` out of `pairs`.  1 when pairs = 0 (no evidence).
// Throws std::invalid_argument when wins > pairs.
double sign_test_p(std::size_t wins, std::size_t pairs);

// The level below which docs/demos.md#paired-seed-counts calls a paired comparison decided.
constexpr double kSignTestLevel = 0.05;

}  // namespace rl
