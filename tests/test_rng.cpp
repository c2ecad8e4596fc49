#include "linalg/rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <ios>
#include <limits>
#include <vector>

namespace rl {
namespace {

// Pinned stream: these values identify the generator (xoshiro256** seeded by splitmix64).
// If they change, every stored result in docs/ changes too.
TEST(Rng, FirstValuesOfSeedAreFixed) {
  Rng rng(42);
  const std::uint64_t expected[] = {0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL,
                                   0xecb8ad4703b360a1ULL};
  for (std::uint64_t e : expected) EXPECT_EQ(rng.next_u64(), e);
}

// uniform() = (next_u64() >> 11) * 2^-53 is exact, so its first values are the top 53 bits of
// the pinned stream above, bit for bit on every platform and build.
TEST(Rng, FirstUniformsOfSeedAreTheTop53BitsOfThePinnedStream) {
  const std::uint64_t pinned[] = {0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL,
                                  0xecb8ad4703b360a1ULL};
  const double expected[] = {0x1.5780b2e0c2ecp-4,    // 0.083862971059882163
                             0x1.84136619b444ep-2,   // 0.37898025066266861
                             0x1.5c2ea66473c93p-1,   // 0.68004341102813937
                             0x1.d9715a8e0766cp-1};  // 0.92469294532538759
  Rng rng(42);
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(static_cast<double>(pinned[k] >> 11) * 0x1.0p-53, expected[k]) << "k " << k;
    EXPECT_EQ(rng.uniform(), expected[k]) << "k " << k;
  }
}

// normal() by hand from the pinned stream (x_0..x_7 of seed 42; U_k = (x_k >> 11) 2^-53 exactly,
// u = 2 U_{2i} - 1 and v = 2 U_{2i+1} - 1 exactly), evaluated at 200 bits and rounded once:
//   pair 1: u = -0x1.aa1fd347cf450p-1, v = -0x1.efb267992eec8p-3, s = 0.751263...  -> z = u f, v f
//   pair 2: u =  0x1.70ba9991cf24cp-2, v =  0x1.b2e2b51c0ecd8p-1, s = 0.851118...  -> z = u f, v f
//   (x_4, x_5): s = 1.258521... >= 1, rejected: the polar method draws again
//   pair 3: u =  0x1.c10aa42ad32ecp-2, v =  0x1.66689d0faf980p-1, s = 0.682320...  -> z = u f
// with f = sqrt(-2 ln s / s).  The code computes s in double (FMA contraction of u u + v v may
// change its last bit) and calls std::log, which IEEE 754 does not require to be correctly rounded;
// an error e in s reaches z amplified by (1 + 1/|ln s|) / 2 <= 3.6 here.  Observed: within 3 ulps
// of these values, with or without -ffp-contract=off.  So: a few-ulp tolerance, not EXPECT_EQ.
TEST(Rng, FirstNormalsOfSeedMatchTheHandComputedPolarMethod) {
  const double expected[] = {-0x1.73d2feb0fb376p-1,  // -0.72621913824478556
                             -0x1.b088028693f9bp-3,  // -0.21119691823195982 (the spare of pair 1)
                             0x1.c5e21f7812a4fp-3,   //  0.22162270150359341
                             0x1.0ba8bb0c5fa52p-1,   //  0.52277168775601472
                             0x1.db514bfac5b4dp-2};  //  0.46417731016247362 (after the rejection)
  const double kUlps = 16.0;  // >= 3.6 (s) + 1 (log) + 3 roundings (/, sqrt, *), with margin
  Rng rng(42);
  for (int k = 0; k < 5; ++k) {
    const double z = rng.normal();
    EXPECT_NEAR(z, expected[k], kUlps * std::numeric_limits<double>::epsilon() * std::fabs(expected[k]))
        << "k " << k << ": got " << std::hexfloat << z;
  }
}

// below(n) = high word of x n (Lemire), drawing again while the low word is < 2^64 mod n.
//   below(10) on x_0: floor(10 x_0 / 2^64) = floor(0.8386...) = 0
//   below(3)  on x_1: floor(3 x_1 / 2^64)  = floor(1.1369...) = 1
//   below(2^63 + 1): threshold 2^63 - 1; low word of x (2^63 + 1) is x + (x & 1) 2^63 mod 2^64,
//     which is < 2^63 - 1 for x_2, x_3 (rejected) and not for x_4 (even): x_4 >> 1
//   below(10) on x_5: floor(7.6973...) = 7;   below(6) on x_6: floor(4.3155...) = 4
// Integer arithmetic only: exact everywhere.
TEST(Rng, FirstBelowValuesOfSeedFollowLemireOnThePinnedStream) {
  Rng rng(42);
  EXPECT_EQ(rng.below(10), 0u);
  EXPECT_EQ(rng.below(3), 1u);
  EXPECT_EQ(rng.below((std::uint64_t{1} << 63) + 1), 0xfde6dc7fe2ec5e64ULL >> 1);  // 2 rejections
  EXPECT_EQ(rng.below(10), 7u);
  EXPECT_EQ(rng.below(6), 4u);
  Rng again(42);  // below(1) is always 0 but still consumes one draw
  EXPECT_EQ(again.below(1), 0u);
  EXPECT_EQ(again.next_u64(), 0x6104d9866d113a7eULL);
}

TEST(Rng, SplitMix64MatchesPublishedVector) {
  // splitmix64 from state 0 (reference output of Vigna's splitmix64.c).
  std::uint64_t s = 0;
  EXPECT_EQ(splitmix64(s), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(splitmix64(s), 0x6e789e6aa1b965f4ULL);
}

TEST(Rng, SameSeedSameStream) {
  Rng a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const double x = a.normal();
    EXPECT_EQ(x, b.normal());
    differs |= x != c.normal();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, UniformAndNormalMoments) {
  Rng rng(1);
  const int n = 200000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    su += u;
    su2 += u * u;
    const double z = rng.normal();
    sn += z;
    sn2 += z * z;
    sn4 += z * z * z * z;
  }
  // Standard errors: uniform mean 0.29/sqrt(n) ~ 6.5e-4; normal mean 2.2e-3, var 3.2e-3, kurtosis 0.02.
  EXPECT_NEAR(su / n, 0.5, 5 * 6.5e-4);
  EXPECT_NEAR(su2 / n - 0.25, 1.0 / 12.0, 5e-3);
  EXPECT_NEAR(sn / n, 0.0, 5 * 2.2e-3);
  EXPECT_NEAR(sn2 / n, 1.0, 5 * 3.2e-3);
  EXPECT_NEAR(sn4 / n, 3.0, 5 * 0.02);
}

TEST(Rng, BelowIsUniformAndInRange) {
  Rng rng(3);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    const auto k = rng.below(7);
    ASSERT_LT(k, 7u);
    ++counts[k];
  }
  for (int c : counts) EXPECT_NEAR(c, n / 7.0, 5 * std::sqrt(n / 7.0));
  EXPECT_THROW(rng.below(0), std::invalid_argument);
}

TEST(Rng, DerivedSeedsDiffer) {
  EXPECT_NE(derive_seed(1, 0), derive_seed(1, 1));
  EXPECT_NE(derive_seed(1, 0), derive_seed(2, 0));
  EXPECT_EQ(derive_seed(5, 3), derive_seed(5, 3));
}

}  // namespace
}  // namespace rl
