// Tests for linalg/effective_rank.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "linalg/effective_rank.h"
#include "linalg/qr.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

using testing::kEps;

constexpr double kTol = 1e-12;  // closed forms of a few terms: rounding is ~1e-15

// Graded (A7, rung 1): s = (3, 2, 1) by hand: sum s^2 = 14, sum s^4 = 98, PR = 196 / 98 = 2.
TEST(EffectiveRank, ParticipationRatioOfSingularValues321) {
  EXPECT_NEAR(participation_ratio({3, 2, 1}), 2.0, kTol)
      << "expected (sum s^2)^2 / sum s^4 = 14^2 / 98 = 2 (square the sum of squares); "
         "docs/linalg.md#norms-and-effective-ranks";
}

// Graded (A7, rung 2): p = (1/2, 1/3, 1/6); exp(entropy) = 2.74946.
TEST(EffectiveRank, RoyVetterliOfSingularValues321) {
  EXPECT_NEAR(roy_vetterli_rank({3, 2, 1}), 2.74946, 1e-5)
      << "expected exp(-sum p ln p) = 2.74946 with p_i = s_i / sum s = (1/2, 1/3, 1/6) (natural log, then "
         "exp); docs/linalg.md#norms-and-effective-ranks";
}

TEST(EffectiveRank, CheckValuesForSingularValues321) {
  // s = (3, 2, 1): sum / s1 = 6/3 = 2; PR = 14^2 / 98 = 2; stable = 14/9 = 1.5556;
  // Roy-Vetterli = exp(-(1/2 ln 1/2 + 1/3 ln 1/3 + 1/6 ln 1/6)) = 2.74946.
  const std::vector<double> s = {3, 2, 1};
  EXPECT_NEAR(nuclear_over_spectral(s), 2.0, kTol);
  EXPECT_NEAR(participation_ratio(s), 2.0, kTol);
  EXPECT_NEAR(stable_rank(s), 14.0 / 9.0, kTol);
  const double entropy = 0.5 * std::log(2.0) + std::log(3.0) / 3.0 + std::log(6.0) / 6.0;
  EXPECT_NEAR(roy_vetterli_rank(s), std::exp(entropy), kTol);
  EXPECT_NEAR(roy_vetterli_rank(s), 2.74946, 1e-5);
  EXPECT_NEAR(relative_rank(s, 3), 2.0 / 3.0, kTol);
}

TEST(EffectiveRank, FlatSpectrumHasFullRankAndSpikeHasRankOne) {
  const std::vector<double> flat(7, 0.3), spike = {0.0, 4.0, 0.0, 0.0};
  for (double r : {participation_ratio(flat), roy_vetterli_rank(flat), stable_rank(flat),
                   nuclear_over_spectral(flat)})
    EXPECT_NEAR(r, 7.0, kTol);
  for (double r : {participation_ratio(spike), roy_vetterli_rank(spike), stable_rank(spike),
                   nuclear_over_spectral(spike)})
    EXPECT_NEAR(r, 1.0, kTol);
  EXPECT_NEAR(relative_rank(flat, 7), 1.0, kTol);
  EXPECT_NEAR(relative_rank(spike, 4), 0.25, kTol);
}

// Graded (A7, rung 3): divide by the largest value before squaring (1e300^2 overflows).
TEST(EffectiveRank, IsScaleInvariantEvenAtTheExtremes) {
  const std::vector<double> s = {3, 2, 1};
  for (double scale : {1e300, 1e-300}) {
    std::vector<double> t = s;
    for (double& v : t) v *= scale;
    EXPECT_NEAR(participation_ratio(t), 2.0, kTol)
        << "s = (3, 2, 1) * " << scale << ": scale by max s before the powers; docs/linalg.md#norms-and-effective-ranks";
    EXPECT_NEAR(stable_rank(t), 14.0 / 9.0, kTol) << scale;
    EXPECT_NEAR(roy_vetterli_rank(t), roy_vetterli_rank(s), kTol) << scale;
  }
}

TEST(EffectiveRank, RejectsEmptyZeroNegativeAndNonFiniteValues) {
  EXPECT_THROW(participation_ratio({}), std::invalid_argument);
  EXPECT_THROW(stable_rank({0.0, 0.0}), std::invalid_argument);
  EXPECT_THROW(roy_vetterli_rank({1.0, -1.0}), std::invalid_argument);
  EXPECT_THROW(nuclear_over_spectral({1.0, std::nan("")}), std::invalid_argument);
  EXPECT_THROW(relative_rank({1.0}, 0), std::invalid_argument);
}

TEST(EffectiveRanks, MatrixFormUsesSingularValuesAndEigenvalues) {
  // A = Q1 diag(3, 2, 1) Q2^T: every singular-value measure matches the check values.
  Rng rng(5);
  const Matrix Q1 = haar_orthogonal(3, rng), Q2 = haar_orthogonal(3, rng);
  const Matrix A = matmul(matmul(Q1, Matrix::diagonal({3, 2, 1})), transpose(Q2));
  const EffectiveRanks r = effective_ranks(A);
  const double tol = 100 * kEps;  // SVD values accurate to ~3 n eps s_max
  EXPECT_NEAR(r.participation_ratio, 2.0, tol);
  EXPECT_NEAR(r.stable, 14.0 / 9.0, tol);
  EXPECT_NEAR(r.roy_vetterli, 2.74946, 1e-5);
  EXPECT_NEAR(r.nuclear_over_spectral, 2.0, tol);
  EXPECT_NEAR(r.relative_singular, 2.0 / 3.0, tol);
  // diag(3, -2, 1) has |lambda| = (3, 2, 1): sum / (max * N) = 6 / 9.
  EXPECT_NEAR(effective_ranks(Matrix::diagonal({3, -2, 1})).relative_eigenvalue, 2.0 / 3.0, tol);
  // Non-normal: eigenvalues (1, 1) but singular values differ; relative_eigenvalue = 1.
  const EffectiveRanks nn = effective_ranks(Matrix::from_rows({{1, 5}, {0, 1}}));
  EXPECT_NEAR(nn.relative_eigenvalue, 1.0, tol);
  EXPECT_LT(nn.relative_singular, 0.6);
  // Wide matrix: no eigenvalues; nilpotent: all eigenvalues zero.  Both NaN.
  EXPECT_TRUE(std::isnan(effective_ranks(Matrix::from_rows({{1, 2, 3}})).relative_eigenvalue));
  EXPECT_TRUE(std::isnan(effective_ranks(Matrix::from_rows({{0, 1}, {0, 0}})).relative_eigenvalue));
}

}  // namespace
}  // namespace rl
