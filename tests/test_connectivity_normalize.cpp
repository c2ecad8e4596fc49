// Tests for nn/connectivity/normalize: rescaling to the Gaussian control's norm.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "linalg/norms.h"
#include "nn/connectivity/normalize.h"
#include "test_helpers.h"

namespace rl {
namespace {

using testing::kEps;

// Scaling by one factor is correctly rounded per entry, so the recomputed norm matches to a few ulps;
// 16 eps leaves room for the norm's own summation rounding.
constexpr double kScaleTol = 16 * kEps;
// Spectral norm / radius come from iterative solvers on a 20 x 20 matrix: 1e-10 relative is generous.
constexpr double kSolverTol = 1e-10;

TEST(Normalize, FrobeniusTargetIsMetExactly) {
  const Matrix W = testing::random_matrix(20, 20, 1);
  const Matrix S = normalize_to(W, NormKind::kFrobenius, 7.0);
  EXPECT_NEAR(frobenius_norm(S), 7.0, 7.0 * kScaleTol);
}

TEST(Normalize, SpectralNormAndRadiusTargetsAreMet) {
  const Matrix W = testing::random_matrix(20, 20, 2);
  EXPECT_NEAR(spectral_norm(normalize_to(W, NormKind::kSpectral, 3.0)), 3.0, 3.0 * kSolverTol);
  EXPECT_NEAR(spectral_radius(normalize_to(W, NormKind::kSpectralRadius, 1.5)), 1.5, 1.5 * kSolverTol);
}

TEST(Normalize, NormalizeLikeMatchesTheReferenceDraw) {
  const Matrix W = testing::random_matrix(10, 10, 3), ref = testing::random_matrix(10, 10, 4) * 0.3;
  EXPECT_NEAR(frobenius_norm(normalize_like(W, ref, NormKind::kFrobenius)), frobenius_norm(ref),
              frobenius_norm(ref) * kScaleTol);
}

TEST(Normalize, GaussianReferenceValuesAreGSqrtN_TwoG_AndG) {
  EXPECT_DOUBLE_EQ(gaussian_reference_norm(NormKind::kFrobenius, 300, 1.25), 1.25 * std::sqrt(300.0));
  EXPECT_DOUBLE_EQ(gaussian_reference_norm(NormKind::kSpectral, 300, 1.25), 2.5);
  EXPECT_DOUBLE_EQ(gaussian_reference_norm(NormKind::kSpectralRadius, 300, 1.25), 1.25);
}

TEST(Normalize, NoneLeavesTheMatrixAndFactorIsOne) {
  const Matrix W = testing::random_matrix(5, 5, 5);
  EXPECT_EQ(normalize_to(W, NormKind::kNone, 2.0), W);
  EXPECT_EQ(normalization_factor(W, {NormKind::kNone, 1.25}), 1.0);
}

TEST(Normalize, RejectsZeroMatrixBadTargetAndUnknownKind) {
  EXPECT_THROW(normalize_to(Matrix(4, 4), NormKind::kFrobenius, 1.0), std::invalid_argument);
  EXPECT_THROW(normalize_to(testing::random_matrix(4, 4, 6), NormKind::kFrobenius, -1.0), std::invalid_argument);
  EXPECT_THROW(parse_norm_kind("l2"), std::invalid_argument);
  EXPECT_EQ(parse_norm_kind("spectral_radius"), NormKind::kSpectralRadius);
  EXPECT_THROW(gaussian_reference_norm(NormKind::kFrobenius, 10, 0.0), std::invalid_argument);
}

// Found by make fuzz: a gain of 1e308 made the factor infinite and the builders returned inf weights.
TEST(NormalizationFactor, RefusesAScaleThatOverflows) {
  Matrix W(4, 4);
  W(0, 1) = 1.0;
  NormalizeParams huge;
  huge.g = 1e308;  // target g sqrt(N) = 2e308 overflows
  EXPECT_THROW(normalization_factor(W, huge), std::invalid_argument);
  Matrix tiny(3, 3);
  tiny(0, 1) = 1e-310;
  EXPECT_THROW(normalization_factor(tiny, NormalizeParams{}), std::invalid_argument);
  EXPECT_GT(normalization_factor(W, NormalizeParams{}), 0.0);
}

}  // namespace
}  // namespace rl
