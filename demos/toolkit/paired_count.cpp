#include "demos/toolkit/paired_count.h"

#include <cmath>
#include <cstdio>

#include "demos/toolkit/sign_test.h"

namespace rl {

double PairedCount::sign_test_p() const { return rl::sign_test_p(wins, wins + losses); }

void count_pair(PairedCount& count, double compared, double against, bool lower_wins, bool failed) {
  if (failed || !std::isfinite(compared) || !std::isfinite(against)) {
    ++count.undefined;
  } else if (compared == against) {
    ++count.ties;
  } else if ((compared < against) == lower_wins) {
    ++count.wins;
  } else {
    ++count.losses;
  }
}

std::string paired_count_text(const PairedCount& count, bool with_sign_test) {
  std::string s = std::to_string(count.wins) + "/" + std::to_string(count.defined());
  if (count.undefined) s += " (+" + std::to_string(count.undefined) + " undefined)";
  if (with_sign_test) {
    char p[32];
    std::snprintf(p, sizeof p, " p %.2g", count.sign_test_p());  // 2 significant digits
    s += p;
    if (count.ties) s += " (" + std::to_string(count.ties) + " tied)";
  }
  return s;
}

PairedVerdict paired_verdict(const PairedCount& count) {
  if (count.sign_test_p() >= kSignTestLevel) return PairedVerdict::kUndecided;
  return count.wins > count.losses ? PairedVerdict::kComparedWins : PairedVerdict::kAgainstWins;
}

}  // namespace rl
