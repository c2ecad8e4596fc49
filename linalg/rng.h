// Seeded pseudo-random numbers, identical on every platform and compiler.
//
// Generator: xoshiro256** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 2021), state seeded from one 64-bit seed by splitmix64 (Steele, Lea &
// Flood 2014), as its authors recommend.  Period 2^256 - 1; passes BigCrush.
//
// Draws:
//   uniform()   53-bit doubles in [0, 1): (next_u64() >> 11) * 2^-53 (exact, no rounding).
//   normal()    Marsaglia polar method: pairs from the unit disc, z = u sqrt(-2 ln s / s).  Uses
//               only +, *, /, sqrt (correctly rounded by IEEE 754) and log; we never use
//               std::normal_distribution, whose algorithm differs between standard libraries.
//               std::log is not guaranteed correctly rounded and u u + v v may be FMA-contracted,
//               so normal() may differ by a few ulps between libms and builds (uniform(), below():
//               bit-exact everywhere).
//   below(n)    unbiased integer in [0, n) by Lemire's multiply-and-reject (ACM TOMACS 2019).
// Every random draw in the codebase takes an explicit Rng& (no global generator).
#pragma once

#include <cstdint>
#include <vector>

namespace rl {

// splitmix64 step: advances `state` and returns the next output.
std::uint64_t splitmix64(std::uint64_t& state);

// A seed for sub-stream `stream` of `seed` (e.g. run index inside a sweep), so that parallel runs
// draw from independent, reproducible generators whatever the thread count.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0);

  std::uint64_t next_u64();
  double uniform();                     // [0, 1)
  double uniform(double lo, double hi);  // [lo, hi)
  double normal();                      // N(0, 1)
  double normal(double mean, double sd);
  std::uint64_t below(std::uint64_t n);  // uniform integer in [0, n), n > 0
  // Fisher-Yates shuffle of v in place.
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) {
      const std::size_t j = static_cast<std::size_t>(below(i));
      std::swap(v[i - 1], v[j]);
    }
  }

 private:
  std::uint64_t s_[4];
  bool has_spare_ = false;  // the polar method makes normals in pairs
  double spare_ = 0.0;
};

}  // namespace rl
