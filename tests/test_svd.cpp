// Tests for linalg/svd: one-sided Jacobi SVD, truncation, pseudo-inverse.
//
// Accuracy claims follow LAPACK's test harness: every error is divided by n * eps * s_max and must
// be O(1).  kErrorUnits = 10 leaves room for FMA contraction on or off (measured: <= 0.06 at n = 300,
// see docs/linalg.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "linalg/qr.h"
#include "linalg/svd.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

using testing::kEps;
using testing::MatricesNear;
using testing::random_matrix;

constexpr double kErrorUnits = 10.0;  // allowed error in units of n * eps * s_max

double unit(std::size_t m, std::size_t n, double s_max) {
  return kErrorUnits * static_cast<double>(std::max<std::size_t>({m, n, 1})) * kEps * s_max;
}

Matrix reconstruct(const SvdResult& r) {
  Matrix US = r.U;
  for (std::size_t i = 0; i < US.rows(); ++i)
    for (std::size_t j = 0; j < US.cols(); ++j) US(i, j) *= r.s[j];
  return matmul(US, transpose(r.V));
}

// max |Q^T Q - I|.
double orthogonality_error(const Matrix& Q) {
  return max_abs_diff(matmul(transpose(Q), Q), Matrix::identity(Q.cols()));
}

// A = Q1 diag(s) Q2^T with Haar-distributed orthonormal factors: the planted spectrum is s.
Matrix planted(std::size_t m, std::size_t n, const std::vector<double>& s, std::uint64_t seed) {
  Rng rng(seed);
  Matrix Q1 = haar_orthonormal_columns(m, s.size(), rng);
  const Matrix Q2 = haar_orthonormal_columns(n, s.size(), rng);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < s.size(); ++j) Q1(i, j) *= s[j];
  return matmul(Q1, transpose(Q2));
}

// Every invariant of a thin SVD: shapes, descending non-negative values, reconstruction and
// orthogonality within kErrorUnits * n * eps * s_max, and the sign convention.
void expect_valid_svd(const Matrix& A, const SvdResult& r) {
  const std::size_t m = A.rows(), n = A.cols(), k = std::min(m, n);
  ASSERT_EQ(r.U.rows(), m);
  ASSERT_EQ(r.U.cols(), k);
  ASSERT_EQ(r.V.rows(), n);
  ASSERT_EQ(r.V.cols(), k);
  ASSERT_EQ(r.s.size(), k);
  EXPECT_TRUE(r.converged);
  for (std::size_t j = 0; j + 1 < k; ++j) EXPECT_GE(r.s[j], r.s[j + 1]) << "at j = " << j;
  for (double sj : r.s) EXPECT_GE(sj, 0.0);
  const double s_max = k > 0 ? r.s[0] : 0.0;
  EXPECT_TRUE(MatricesNear(reconstruct(r), A, unit(m, n, s_max)));
  EXPECT_LE(orthogonality_error(r.U), unit(m, n, 1.0));
  EXPECT_LE(orthogonality_error(r.V), unit(m, n, 1.0));
  for (std::size_t j = 0; j < k; ++j) {  // largest-magnitude entry of u_j is positive
    std::size_t arg = 0;
    for (std::size_t i = 1; i < m; ++i)
      if (std::fabs(r.U(i, j)) > std::fabs(r.U(arg, j))) arg = i;
    EXPECT_GT(r.U(arg, j), 0.0) << "sign convention broken for u_" << j;
  }
}

void expect_values_near(const std::vector<double>& got, const std::vector<double>& want,
                        double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got[i], want[i], tol) << "singular value " << i;
}

TEST(SvdJacobi, DiagonalMatrixGivesExactValuesAndSignedBasisVectors) {
  // Orthogonal columns: no rotation, s_j = |d_j| exactly, sorted; u_j = +e, v_j carries the sign.
  const Matrix A = Matrix::diagonal({3.0, -5.0, 1.0});
  const SvdResult r = svd_jacobi(A);
  EXPECT_EQ(r.s, (std::vector<double>{5.0, 3.0, 1.0}));
  EXPECT_EQ(r.U, Matrix::from_rows({{0, 1, 0}, {1, 0, 0}, {0, 0, 1}}));
  EXPECT_EQ(r.V, Matrix::from_rows({{0, 1, 0}, {-1, 0, 0}, {0, 0, 1}}));
  EXPECT_EQ(r.sweeps, 1) << "orthogonal columns: one sweep that rotates nothing, and it counts "
                            "(docs/linalg.md#one-sided-jacobi-svd-step-by-step)";
  EXPECT_TRUE(r.converged) << "a sweep without rotations means converged";
}

TEST(SvdJacobi, TwoByTwoMatchesHandComputedValues) {
  // A^T A = [[25, 20], [20, 25]] has eigenvalues 45 and 5, so s = (3 sqrt 5, sqrt 5).
  const Matrix A = Matrix::from_rows({{3, 0}, {4, 5}});
  const SvdResult r = svd_jacobi(A);
  expect_values_near(r.s, {3.0 * std::sqrt(5.0), std::sqrt(5.0)}, 4 * kEps * 7.0);
  expect_valid_svd(A, r);
}

// Graded (A1): dgesvj's skip rule is RELATIVE, |b_p . b_q| <= tol ||b_p|| ||b_q||.  Two tiny columns
// 1e-10 (0, 1, 0) and 1e-10 (0, 1, 1) next to a unit column are far from orthogonal (cosine 1/sqrt 2), but
// their inner product 1e-20 is below any absolute threshold near eps: they must still be rotated.
// The tiny pair is 1e-10 [[1, 1], [0, 1]], singular values 1e-10 (1 +- sqrt 5) / 2 in magnitude.
TEST(SvdJacobi, SkipRuleIsRelativeSoTinyColumnsAreStillRotated) {
  const Matrix A = Matrix::from_rows({{1.0, 0.0, 0.0}, {0.0, 1e-10, 1e-10}, {0.0, 0.0, 1e-10}});
  const SvdResult r = svd_jacobi(A);
  const double golden = (1.0 + std::sqrt(5.0)) / 2.0;
  const std::vector<double> want = {1.0, golden * 1e-10, (golden - 1.0) * 1e-10};
  ASSERT_EQ(r.s.size(), 3u);
  for (std::size_t j = 1; j < 3; ++j)
    EXPECT_NEAR(r.s[j], want[j], 1e-14 * want[j])
        << "s_" << j << " = " << r.s[j] << ", expected " << want[j]
        << " (to 1e-14 relative): the tiny pair was not rotated; skip a pair only when |b_p . b_q| <= "
           "sqrt(m) eps ||b_p|| ||b_q||, dgesvj's RELATIVE rule, not |b_p . b_q| <= tol "
           "(docs/linalg.md#one-sided-jacobi-svd-step-by-step)";
  EXPECT_TRUE(r.converged);
}

// The example in linalg/svd.h: A = [[3, 2, 2], [2, 3, -2]] has A A^T = [[17, 8], [8, 17]], eigenvalues
// 25 and 9, so s = (5, 3), u_1 = (1, 1)/sqrt(2), u_2 = (1, -1)/sqrt(2), v_1 = A^T u_1 / 5 = (1, 1, 0)/sqrt(2).
TEST(SvdJacobi, HeaderExampleGivesFiveAndThree) {
  const Matrix A = Matrix::from_rows({{3.0, 2.0, 2.0}, {2.0, 3.0, -2.0}});
  const SvdResult r = svd_jacobi(A);
  ASSERT_EQ(r.s.size(), 2u);
  EXPECT_NEAR(r.s[0], 5.0, 4 * kEps * 5.0);
  EXPECT_NEAR(r.s[1], 3.0, 4 * kEps * 5.0);
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.sweeps, 2);  // one sweep that rotates, one quiet sweep
  const double h = std::sqrt(0.5);
  EXPECT_NEAR(r.U(0, 0), h, 4 * kEps);
  EXPECT_NEAR(r.U(1, 0), h, 4 * kEps);
  EXPECT_NEAR(r.U(0, 1), h, 4 * kEps);
  EXPECT_NEAR(r.U(1, 1), -h, 4 * kEps);
  EXPECT_NEAR(r.V(0, 0), h, 4 * kEps);
  EXPECT_NEAR(r.V(1, 0), h, 4 * kEps);
  EXPECT_NEAR(r.V(2, 0), 0.0, 4 * kEps);
}

TEST(SvdJacobi, RecoversPlantedSpectrumSquareTallWide) {
  const std::vector<double> s = {10.0, 7.0, 3.0, 2.5, 1.0, 0.5, 0.1, 0.01};
  const std::size_t shapes[][2] = {{8, 8}, {30, 8}, {8, 30}, {40, 25}, {25, 40}};
  std::uint64_t seed = 11;
  for (const auto& shape : shapes) {
    const std::size_t m = shape[0], n = shape[1];
    std::vector<double> want(std::min(m, n), 0.0);
    std::copy(s.begin(), s.end(), want.begin());
    const Matrix A = planted(m, n, s, seed++);
    SCOPED_TRACE("shape " + shape_str(A));
    const SvdResult r = svd_jacobi(A);
    expect_values_near(r.s, want, unit(m, n, s[0]));
    expect_valid_svd(A, r);
  }
}

TEST(SvdJacobi, GaussianMatricesOfEveryShapeAreDecomposed) {
  const std::size_t shapes[][2] = {{1, 1}, {7, 1}, {1, 7}, {2, 2}, {17, 5}, {5, 17}, {33, 33}};
  std::uint64_t seed = 3;
  for (const auto& shape : shapes) {
    const Matrix A = random_matrix(shape[0], shape[1], seed++);
    SCOPED_TRACE("shape " + shape_str(A));
    expect_valid_svd(A, svd_jacobi(A));
  }
}

TEST(SvdJacobi, VectorShapesGiveTheNorm) {
  // A single column or row has one singular value, its Euclidean norm (3-4-12-84: norm 85).
  const Matrix col = Matrix::from_rows({{3}, {-4}, {12}, {84}});
  const SvdResult rc = svd_jacobi(col);
  expect_values_near(rc.s, {85.0}, 4 * kEps * 85.0);
  EXPECT_TRUE(MatricesNear(rc.U, col * (1.0 / 85.0), 4 * kEps));
  EXPECT_EQ(rc.V, Matrix::from_rows({{1}}));
  const SvdResult rr = svd_jacobi(transpose(col) * -1.0);
  expect_values_near(rr.s, {85.0}, 4 * kEps * 85.0);
  EXPECT_EQ(rr.U, Matrix::from_rows({{1}}));
  EXPECT_TRUE(MatricesNear(rr.V, col * (-1.0 / 85.0), 4 * kEps));
  const SvdResult r1 = svd_jacobi(Matrix::from_rows({{-2}}));
  EXPECT_EQ(r1.s, std::vector<double>{2.0});
  EXPECT_EQ(r1.V, Matrix::from_rows({{-1}}));
}

TEST(SvdJacobi, ZeroMatrixHasZeroValuesAndOrthonormalFactors) {
  for (const auto& shape : {std::pair<std::size_t, std::size_t>{4, 4}, {6, 3}, {3, 6}}) {
    const Matrix Z(shape.first, shape.second, 0.0);
    const SvdResult r = svd_jacobi(Z);
    SCOPED_TRACE("shape " + shape_str(Z));
    EXPECT_EQ(r.s, std::vector<double>(std::min(shape.first, shape.second), 0.0));
    expect_valid_svd(Z, r);
  }
}

TEST(SvdJacobi, RankDeficientMatrixHasNegligibleTrailingValues) {
  // A = G1 G2 with inner dimension 3: exactly rank 3, trailing values at rounding level.
  const Matrix A = matmul(random_matrix(20, 3, 5), random_matrix(3, 12, 6));
  const SvdResult r = svd_jacobi(A);
  expect_valid_svd(A, r);
  EXPECT_GT(r.s[2], 1.0);
  for (std::size_t j = 3; j < r.s.size(); ++j) EXPECT_LE(r.s[j], unit(20, 12, r.s[0]));
  // Exactly zero columns: exact zero values, and U completed to an orthonormal basis.
  Matrix B = random_matrix(9, 6, 8);
  for (std::size_t i = 0; i < 9; ++i) B(i, 1) = B(i, 4) = 0.0;
  const SvdResult rb = svd_jacobi(B);
  expect_valid_svd(B, rb);
  EXPECT_EQ(rb.s[4], 0.0);
  EXPECT_EQ(rb.s[5], 0.0);
}

TEST(SvdJacobi, RepeatedSingularValuesAreRecovered) {
  const std::vector<double> s = {2.0, 2.0, 2.0, 1.0, 1.0, 0.5};
  const Matrix A = planted(15, 6, s, 21);
  const SvdResult r = svd_jacobi(A);
  expect_values_near(r.s, s, unit(15, 6, 2.0));
  expect_valid_svd(A, r);
}

TEST(SvdJacobi, StronglyGradedSpectrumIsRecoveredToWeylAccuracy) {
  // s_i from 1 down to 1e-12, log-spaced; Weyl: |s_i - s_hat_i| <= ||E||_2 ~ n eps s_max.
  const std::size_t n = 40;
  std::vector<double> s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = std::pow(10.0, -12.0 * i / (n - 1.0));
  const Matrix A = planted(n, n, s, 31);
  const SvdResult r = svd_jacobi(A);
  expect_values_near(r.s, s, unit(n, n, 1.0));
  expect_valid_svd(A, r);
}

TEST(SvdJacobi, PowerOfTwoScalingIsExactNearOverflowAndUnderflow) {
  // The solver rescales by a power of two first, so 2^e A gives bit-identical factors and 2^e s.
  const Matrix A = random_matrix(12, 9, 41);
  const SvdResult ref = svd_jacobi(A);
  for (int e : {1000, -1000}) {
    Matrix B = A;
    for (double& b : B.values()) b = std::ldexp(b, e);
    const SvdResult r = svd_jacobi(B);
    ASSERT_EQ(r.s.size(), ref.s.size());
    for (std::size_t j = 0; j < r.s.size(); ++j) EXPECT_EQ(r.s[j], std::ldexp(ref.s[j], e));
    EXPECT_EQ(r.U, ref.U);
    EXPECT_EQ(r.V, ref.V);
  }
}

TEST(SvdJacobi, MatricesScaledBy1e300And1eMinus300StayAccurate) {
  const Matrix A = random_matrix(10, 7, 43);
  const SvdResult ref = svd_jacobi(A);
  for (double scale : {1e300, 1e-300}) {
    const SvdResult r = svd_jacobi(A * scale);
    SCOPED_TRACE("scale " + std::to_string(scale));
    // relative error of each value: the scaling itself rounds each entry once
    for (std::size_t j = 0; j < r.s.size(); ++j)
      EXPECT_NEAR(r.s[j] / scale, ref.s[j], unit(10, 7, ref.s[0]));
    EXPECT_TRUE(MatricesNear(r.U, ref.U, 1e-10));  // well-separated values: vectors stable
    EXPECT_LE(orthogonality_error(r.U), unit(10, 7, 1.0));
  }
}

TEST(SvdJacobi, NonFiniteInputThrowsNamingTheSolver) {
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    Matrix A = random_matrix(4, 3, 1);
    A(2, 1) = bad;
    try {
      svd_jacobi(A);
      FAIL() << "expected std::invalid_argument for " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("svd_jacobi"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("non-finite"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(singular_values(Matrix::from_rows({{std::nan("")}})), std::invalid_argument);
  EXPECT_THROW(singular_values(Matrix::from_rows({{1.0, -std::numeric_limits<double>::infinity()}})),
               std::invalid_argument);
}

TEST(SvdJacobi, DiagnosticsFollowTheDgesvjStoppingRule) {
  const Matrix A = random_matrix(30, 30, 51);
  const SvdResult r = svd_jacobi(A);
  EXPECT_TRUE(r.converged);
  EXPECT_GE(r.sweeps, 3);
  EXPECT_LE(r.sweeps, 30);
  // The last sweep rotated nothing, so every pair was within tol = sqrt(m) eps.
  EXPECT_LE(r.max_cos, std::sqrt(30.0) * kEps);
  SvdOptions one_sweep;
  one_sweep.max_sweeps = 1;
  const SvdResult capped = svd_jacobi(A, one_sweep);
  EXPECT_FALSE(capped.converged) << "max_sweeps = 1 on a 30 x 30 Gaussian matrix: the cap must stop the "
                                    "sweeps and report converged = false (docs/linalg.md#one-sided-jacobi-svd-step-by-step)";
  EXPECT_EQ(capped.sweeps, 1) << "max_sweeps = 1 is a cap: exactly one sweep";
  EXPECT_GT(capped.max_cos, 1e-3);  // the first sweep sees the raw Gaussian columns
  SvdOptions zero_sweeps;
  zero_sweeps.max_sweeps = 0;
  EXPECT_THROW(svd_jacobi(A, zero_sweeps), std::invalid_argument);
}

TEST(SvdJacobi, ValuesWithoutVectorsAreBitIdentical) {
  // The rotation sequence does not depend on V, so the values must not either.
  const Matrix A = random_matrix(14, 23, 61);
  SvdOptions no_uv;
  no_uv.compute_uv = false;
  const SvdResult r = svd_jacobi(A, no_uv);
  EXPECT_EQ(r.s, svd_jacobi(A).s);
  EXPECT_EQ(singular_values(A), r.s);
  EXPECT_TRUE(r.U.empty());
}

TEST(TruncateRank, ErrorEqualsTheDiscardedValues) {
  // Eckart-Young: ||A - A_r||_F^2 = sum_{i > r} s_i^2 and ||A - A_r||_2 = s_{r+1}.
  const std::vector<double> s = {5.0, 4.0, 2.0, 1.0, 0.5};
  const Matrix A = planted(9, 7, s, 71);
  for (std::size_t r = 0; r <= 5; ++r) {
    const Matrix E = A - truncate_rank(A, r);
    double tail2 = 0.0;
    for (std::size_t i = r; i < s.size(); ++i) tail2 += s[i] * s[i];
    double frob2 = 0.0;
    for (double e : E.values()) frob2 += e * e;
    EXPECT_NEAR(std::sqrt(frob2), std::sqrt(tail2), unit(9, 7, 5.0)) << "r = " << r;
    const double next = r < s.size() ? s[r] : 0.0;
    EXPECT_NEAR(singular_values(E)[0], next, unit(9, 7, 5.0)) << "r = " << r;
  }
  EXPECT_THROW(truncate_rank(A, 8), std::invalid_argument);
  SvdOptions no_uv;
  no_uv.compute_uv = false;
  EXPECT_THROW(truncate_rank(svd_jacobi(A, no_uv), 2), std::invalid_argument);
}

TEST(PseudoInverse, SatisfiesTheFourMoorePenroseConditions) {
  // X = A+ iff AXA = A, XAX = X, (AX)^T = AX, (XA)^T = XA.  Checked on a full-rank tall matrix
  // and on a rank-2 one (whose trailing rounding-level values must be cut off).
  const Matrix tall = random_matrix(8, 5, 81);
  const Matrix deficient = matmul(random_matrix(6, 2, 82), random_matrix(2, 7, 83));
  for (const Matrix* A : {&tall, &deficient}) {
    const Matrix X = pseudo_inverse(*A);
    ASSERT_EQ(X.rows(), A->cols());
    ASSERT_EQ(X.cols(), A->rows());
    const Matrix AX = matmul(*A, X), XA = matmul(X, *A);
    const double tol = 1e-12 * std::max(1.0, max_abs(*A)) * std::max(1.0, max_abs(X));  // cond ~ 10
    EXPECT_TRUE(MatricesNear(matmul(AX, *A), *A, tol));
    EXPECT_TRUE(MatricesNear(matmul(XA, X), X, tol));
    EXPECT_TRUE(MatricesNear(AX, transpose(AX), tol));
    EXPECT_TRUE(MatricesNear(XA, transpose(XA), tol));
  }
  // Square invertible: the ordinary inverse.
  const Matrix A = Matrix::from_rows({{4, 7}, {2, 6}});
  EXPECT_TRUE(MatricesNear(pseudo_inverse(A), Matrix::from_rows({{0.6, -0.7}, {-0.2, 0.4}}), 1e-14));
  EXPECT_EQ(pseudo_inverse(Matrix(2, 3, 0.0)), Matrix(3, 2, 0.0));
}

}  // namespace
}  // namespace rl
