// Tests for linalg/norms.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "linalg/norms.h"
#include "linalg/qr.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

using testing::kEps;
using testing::random_matrix;

TEST(FrobeniusNorm, ExactOnSmallIntegersAndSafeAtTheExtremes) {
  EXPECT_EQ(frobenius_norm(Matrix::from_rows({{3, 0}, {0, -4}})), 5.0);
  EXPECT_EQ(frobenius_norm(Matrix(2, 2, 0.0)), 0.0);
  // A naive sum of squares overflows to Inf at 1e200 and underflows to 0 at 1e-200.
  for (double scale : {1e200, 1e-200}) {
    const double got = frobenius_norm(Matrix::from_rows({{3 * scale, 4 * scale}}));
    EXPECT_NEAR(got / scale, 5.0, 4 * kEps * 5.0) << "scale " << scale;
  }
  EXPECT_THROW(frobenius_norm(Matrix::from_rows({{std::nan("")}})), std::invalid_argument);
}

TEST(FrobeniusInner, SumsEntrywiseProductsAndChecksShapes) {
  const Matrix A = Matrix::from_rows({{1, 2}, {3, 4}});
  const Matrix B = Matrix::from_rows({{5, -6}, {7, 0.5}});
  EXPECT_EQ(frobenius_inner(A, B), 5.0 - 12.0 + 21.0 + 2.0);
  EXPECT_THROW(frobenius_inner(A, Matrix(2, 3)), std::invalid_argument);
}

TEST(Trace, SumsTheDiagonalOfSquareMatrices) {
  EXPECT_EQ(trace(Matrix::from_rows({{1, 9}, {9, -4}})), -3.0);
  EXPECT_THROW(trace(Matrix(2, 3)), std::invalid_argument);
}

TEST(SpectralAndNuclearNorm, MatchSingularValues) {
  // diag(3, -5): singular values 5 and 3.
  const Matrix D = Matrix::diagonal({3.0, -5.0});
  EXPECT_EQ(spectral_norm(D), 5.0);
  EXPECT_EQ(nuclear_norm(D), 8.0);
  // An orthogonal matrix: every singular value is 1.
  Rng rng(1);
  const Matrix Q = haar_orthogonal(10, rng);
  EXPECT_NEAR(spectral_norm(Q), 1.0, 10 * 10 * kEps);
  EXPECT_NEAR(nuclear_norm(Q), 10.0, 10 * 10 * 10 * kEps);
  // ||A||_2 <= ||A||_F <= ||A||_* on a random matrix.
  const Matrix A = random_matrix(7, 4, 2);
  EXPECT_LE(spectral_norm(A), frobenius_norm(A));
  EXPECT_LE(frobenius_norm(A), nuclear_norm(A));
  EXPECT_EQ(spectral_norm(Matrix(0, 3)), 0.0);
}

TEST(SpectralRadius, IsTheLargestEigenvalueModulusNotTheNorm) {
  // [[2, 100], [0, 3]] is non-normal: radius 3, spectral norm about 100.
  const Matrix A = Matrix::from_rows({{2, 100}, {0, 3}});
  EXPECT_EQ(spectral_radius(A), 3.0);
  EXPECT_GT(spectral_norm(A), 99.0);
  // Rotation scaled by 2: eigenvalues 2 e^{+-i theta}, radius 2.
  const double c = 2 * std::cos(0.3), s = 2 * std::sin(0.3);
  EXPECT_NEAR(spectral_radius(Matrix::from_rows({{c, -s}, {s, c}})), 2.0, 8 * kEps);
  EXPECT_THROW(spectral_radius(Matrix(2, 3)), std::invalid_argument);
}

TEST(FrobeniusCosine, IsOneForParallelMinusOneForOppositeZeroForOrthogonal) {
  const Matrix A = random_matrix(5, 3, 3);
  EXPECT_NEAR(frobenius_cosine(A, 2.5 * A), 1.0, 4 * kEps);
  EXPECT_NEAR(frobenius_cosine(A, -1.0 * A), -1.0, 4 * kEps);
  EXPECT_EQ(frobenius_cosine(Matrix::from_rows({{1, 0}}), Matrix::from_rows({{0, 1}})), 0.0);
  // 45 degrees: <(1, 0), (1, 1)> / sqrt 2.
  EXPECT_NEAR(frobenius_cosine(Matrix::from_rows({{1, 0}}), Matrix::from_rows({{1, 1}})),
              1.0 / std::sqrt(2.0), 4 * kEps);
  // Safe at the extremes: the products would overflow without normalising first.
  EXPECT_NEAR(frobenius_cosine(A * 1e300, A * 1e300), 1.0, 4 * kEps);
  EXPECT_THROW(frobenius_cosine(A, Matrix(5, 3, 0.0)), std::invalid_argument);
  EXPECT_THROW(frobenius_cosine(A, Matrix(3, 5, 1.0)), std::invalid_argument);
}

}  // namespace
}  // namespace rl
