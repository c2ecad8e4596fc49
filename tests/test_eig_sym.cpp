// Tests for linalg/eig_sym: cyclic Jacobi symmetric eigensolver.
// Errors are measured in units of n * eps * ||A||_2 (Weyl for values; backward stability of
// Jacobi for residuals); kErrorUnits = 10 allows for FMA contraction on or off.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "linalg/eig_sym.h"
#include "linalg/qr.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

using testing::kEps;
using testing::MatricesNear;
using testing::random_matrix;

constexpr double kErrorUnits = 10.0;

// A = Q diag(lambda) Q^T with a Haar Q: the planted eigenvalues are lambda.
Matrix planted_symmetric(const std::vector<double>& lambda, std::uint64_t seed) {
  Rng rng(seed);
  const std::size_t n = lambda.size();
  const Matrix Q = haar_orthogonal(n, rng);
  Matrix QL = Q;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) QL(i, j) *= lambda[j];
  Matrix A = matmul(QL, transpose(Q));
  for (std::size_t i = 0; i < n; ++i)  // exact symmetry (matmul rounding is not symmetric)
    for (std::size_t j = 0; j < i; ++j) A(i, j) = A(j, i);
  return A;
}

// Ascending values, orthonormal vectors, per-pair residuals ||A v - lambda v||, sign convention.
void expect_valid_eig(const Matrix& A, const EigSymResult& r) {
  const std::size_t n = A.rows();
  ASSERT_EQ(r.values.size(), n);
  ASSERT_EQ(r.vectors.rows(), n);
  ASSERT_EQ(r.vectors.cols(), n);
  EXPECT_TRUE(r.converged);
  for (std::size_t j = 0; j + 1 < n; ++j) EXPECT_LE(r.values[j], r.values[j + 1]);
  double norm = 0.0;
  for (double v : r.values) norm = std::max(norm, std::fabs(v));
  const double tol = kErrorUnits * std::max<std::size_t>(n, 1) * kEps;
  EXPECT_LE(max_abs_diff(matmul(transpose(r.vectors), r.vectors), Matrix::identity(n)), tol);
  for (std::size_t j = 0; j < n; ++j) {
    const std::vector<double> v = column(r.vectors, j);
    const std::vector<double> Av = matvec(A, v);
    double residual = 0.0;
    std::size_t arg = 0;
    for (std::size_t i = 0; i < n; ++i) {
      residual = std::max(residual, std::fabs(Av[i] - r.values[j] * v[i]));
      if (std::fabs(v[i]) > std::fabs(v[arg])) arg = i;
    }
    EXPECT_LE(residual, tol * norm) << "eigenpair " << j;
    EXPECT_GT(v[arg], 0.0) << "sign convention broken for vector " << j;
  }
}

TEST(EigSym, TwoByTwoMatchesHandComputation) {
  // [[2, 1], [1, 2]]: eigenvalues 1 and 3, vectors (1, -1)/sqrt 2 and (1, 1)/sqrt 2 (the tie in
  // magnitude goes to the first entry, which is made positive).
  const EigSymResult r = eig_sym(Matrix::from_rows({{2, 1}, {1, 2}}));
  const double h = 1.0 / std::sqrt(2.0);
  EXPECT_NEAR(r.values[0], 1.0, 4 * kEps);
  EXPECT_NEAR(r.values[1], 3.0, 4 * kEps);
  EXPECT_TRUE(MatricesNear(r.vectors, Matrix::from_rows({{h, h}, {-h, h}}), 4 * kEps));
}

TEST(EigSym, DiagonalMatrixIsSortedWithoutRotation) {
  const EigSymResult r = eig_sym(Matrix::diagonal({3.0, -1.0, 2.0}));
  EXPECT_EQ(r.values, (std::vector<double>{-1.0, 2.0, 3.0}));
  EXPECT_EQ(r.vectors, Matrix::from_rows({{0, 0, 1}, {1, 0, 0}, {0, 1, 0}}));
  EXPECT_EQ(r.sweeps, 1);
  EXPECT_EQ(r.off_norm, 0.0);
}

TEST(EigSym, RecoversPlantedSpectrumWithRepeatedAndNegativeValues) {
  const std::vector<double> lambda = {-4.0, -4.0, -1.0, 0.0, 0.5, 2.0, 2.0, 2.0, 7.0, 1e-9};
  const Matrix A = planted_symmetric(lambda, 3);
  const EigSymResult r = eig_sym(A);
  std::vector<double> want = lambda;
  std::sort(want.begin(), want.end());
  for (std::size_t j = 0; j < want.size(); ++j)
    EXPECT_NEAR(r.values[j], want[j], kErrorUnits * want.size() * kEps * 7.0) << "value " << j;
  expect_valid_eig(A, r);
}

TEST(EigSym, RandomSymmetricMatricesHaveSmallResiduals) {
  for (std::size_t n : {1u, 2u, 5u, 40u}) {
    const Matrix G = random_matrix(n, n, 10 + n);
    const Matrix A = G + transpose(G);
    SCOPED_TRACE("n = " + std::to_string(n));
    const EigSymResult r = eig_sym(A);
    expect_valid_eig(A, r);
    EXPECT_LE(r.off_norm, kErrorUnits * n * kEps * max_abs(A) * n);
  }
}

TEST(EigSym, ScalingNearOverflowAndUnderflowIsExact) {
  // The solver rescales by a power of two, so 2^e A gives 2^e lambda and the same vectors.
  const Matrix G = random_matrix(8, 8, 4);
  const Matrix A = G + transpose(G);
  const EigSymResult ref = eig_sym(A);
  for (int e : {1000, -1000}) {
    Matrix B = A;
    for (double& b : B.values()) b = std::ldexp(b, e);
    const EigSymResult r = eig_sym(B);
    for (std::size_t j = 0; j < 8; ++j) EXPECT_EQ(r.values[j], std::ldexp(ref.values[j], e));
    EXPECT_EQ(r.vectors, ref.vectors);
  }
}

TEST(EigSym, SweepCapReportsNonConvergence) {
  const Matrix G = random_matrix(20, 20, 5);
  const EigSymResult r = eig_sym(G + transpose(G), /*max_sweeps=*/1);
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.sweeps, 1);
  EXPECT_GT(r.off_norm, 1e-3);
  EXPECT_THROW(eig_sym(G + transpose(G), 0), std::invalid_argument);
}

TEST(EigSym, RejectsNonSquareAsymmetricAndNonFiniteInput) {
  EXPECT_THROW(eig_sym(Matrix(2, 3)), std::invalid_argument);
  try {
    eig_sym(Matrix::from_rows({{1, 2}, {2.001, 1}}));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("not symmetric"), std::string::npos) << e.what();
  }
  // NaN on the diagonal; +Inf in a symmetric off-diagonal pair (Inf - Inf is NaN, which the
  // symmetry test alone would let through): both must be reported as non-finite.
  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {std::nan(""), inf}) {
    Matrix A = Matrix::identity(3);
    if (std::isnan(bad)) {
      A(1, 1) = bad;
    } else {
      A(0, 2) = A(2, 0) = bad;
    }
    try {
      eig_sym(A);
      FAIL() << "expected std::invalid_argument for " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("eig_sym"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("non-finite"), std::string::npos) << e.what();
    }
  }
  Matrix B = Matrix::identity(2);
  B(1, 1) = -inf;
  EXPECT_THROW(eig_sym(B), std::invalid_argument);
}

}  // namespace
}  // namespace rl
