// Seed-by-seed counts of one paired comparison ("in how many seeds is rank 1's KA lower than rank
// 300's?"), their text in the reproduction tables, and the sign test's decision on them.
// Used by demos/paired_seeds.cpp (any results.csv) and demos/fig3c_aligned_rnn.cpp (its verdict
// line), so both count and print a comparison alike (docs/demos.md#paired-seed-counts).
#pragma once

#include <cstddef>
#include <string>

namespace rl {

struct PairedCount {
  std::size_t wins = 0;       // the compared side strictly better
  std::size_t losses = 0;     // the other side strictly better
  std::size_t ties = 0;       // equal values: no sign
  std::size_t undefined = 0;  // a value not finite, or a failed run on either side

  std::size_t defined() const { return wins + losses + ties; }
  // The two-sided sign test of wins against losses (demos/toolkit/sign_test.h).  A tie carries no
  // sign, so it is left out as an undefined pair is: six tied pairs are no evidence (p = 1), not six
  // losses.
  double sign_test_p() const;
};

// Adds one pair: undefined when either value is not finite or `failed`; else a win when `compared` is
// strictly below `against` (lower_wins) or strictly above (!lower_wins), a tie when they are equal.
void count_pair(PairedCount& count, double compared, double against, bool lower_wins, bool failed);

// "k/n" (k wins of the n defined pairs; ties are not wins), then " (+u undefined)" when u > 0; with
// the sign test, " p 0.0078" and " (t tied)" when t > 0.
std::string paired_count_text(const PairedCount& count, bool with_sign_test);

// Decided when the sign test gives p < kSignTestLevel, for the side with more wins.
enum class PairedVerdict { kComparedWins, kAgainstWins, kUndecided };
PairedVerdict paired_verdict(const PairedCount& count);

}  // namespace rl
