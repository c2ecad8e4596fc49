// The exact two-sided sign test (demos/toolkit/sign_test.h) against hand values and against counting
// every one of the 2^n win / loss sequences.
#include "demos/toolkit/sign_test.h"

#include <gtest/gtest.h>

#include <bitset>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace rl {
namespace {

// Hand values: 8 / 8 -> 2 C(8,8) / 256 = 2/256; 7 / 8 -> 2 (1 + 8) / 256 = 18/256;
// 9 / 10 -> 2 (1 + 10) / 1024 = 22/1024; 1 / 10 is the mirror of 9 / 10; 5 / 10 and 4 / 8 -> 1.
TEST(SignTest, MatchesHandComputedTails) {
  EXPECT_NEAR(sign_test_p(8, 8), 2.0 / 256, 1e-15);
  EXPECT_NEAR(sign_test_p(0, 8), 2.0 / 256, 1e-15);
  EXPECT_NEAR(sign_test_p(7, 8), 18.0 / 256, 1e-15);
  EXPECT_NEAR(sign_test_p(9, 10), 22.0 / 1024, 1e-15);
  EXPECT_NEAR(sign_test_p(1, 10), 22.0 / 1024, 1e-15);
  EXPECT_EQ(sign_test_p(5, 10), 1.0);
  EXPECT_EQ(sign_test_p(4, 8), 1.0);
  EXPECT_EQ(sign_test_p(0, 0), 1.0) << "no defined pair is no evidence";
  EXPECT_EQ(sign_test_p(1, 1), 1.0) << "one pair: 2 x 1/2";
}

// The definition itself: among all 2^n equally likely sequences, the fraction whose win count is at
// least as far from n/2 as k is.
TEST(SignTest, EqualsTheFractionOfSequencesAtLeastAsExtreme) {
  for (std::size_t n = 1; n <= 16; ++n) {
    for (std::size_t k = 0; k <= n; ++k) {
      const double distance = std::fabs(static_cast<double>(k) - n / 2.0);
      std::uint64_t extreme = 0;
      for (std::uint64_t s = 0; s < (std::uint64_t{1} << n); ++s) {
        const double wins = static_cast<double>(std::bitset<16>(s).count());
        extreme += std::fabs(wins - n / 2.0) >= distance;
      }
      const double expected = static_cast<double>(extreme) / static_cast<double>(std::uint64_t{1} << n);
      EXPECT_NEAR(sign_test_p(k, n), expected, 1e-13) << k << " wins of " << n << " pairs";
    }
  }
}

// Large n stays finite and symmetric (2^-n and C(n, i) alone would leave the double range past
// n = 1074 and 1029): n / 2 wins is p = 1, and the p-value falls as the count moves away from n / 2.
TEST(SignTest, StaysInRangeForThousandsOfPairs) {
  const std::size_t n = 5000;
  EXPECT_NEAR(sign_test_p(n / 2, n), 1.0, 1e-9);
  const double p_near = sign_test_p(n / 2 + 50, n), p_far = sign_test_p(n / 2 + 150, n);
  EXPECT_TRUE(std::isfinite(p_near) && std::isfinite(p_far));
  EXPECT_GT(p_near, p_far);
  EXPECT_GT(p_far, 0.0);
  EXPECT_NEAR(sign_test_p(n / 2 + 150, n), sign_test_p(n / 2 - 150, n), 1e-15);
  // Normal approximation: z = 150 / sqrt(n / 4) = 4.243, two-sided tail about 2.2e-5 (continuity-corrected
  // z = 4.229: 2.35e-5); the exact value lies within 10 % of it.
  EXPECT_NEAR(p_far, std::erfc(149.5 / std::sqrt(n / 4.0) / std::sqrt(2.0)), 0.1 * p_far);
}

TEST(SignTest, RefusesMoreWinsThanPairs) {
  try {
    sign_test_p(9, 8);
    FAIL() << "9 wins of 8 pairs was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("9 wins out of 8 pairs"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rl
