// Tests for linalg/qr: Householder QR, Haar orthogonal matrices, Gaussian matrices.
// Backward error and orthogonality of Householder QR are O(n eps) (Golub & Van Loan 5.2.2);
// kErrorUnits = 10 allows for FMA contraction on or off.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "linalg/qr.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

using testing::kEps;
using testing::MatricesNear;
using testing::random_matrix;

constexpr double kErrorUnits = 10.0;

double orthogonality_error(const Matrix& Q) {
  return max_abs_diff(matmul(transpose(Q), Q), Matrix::identity(Q.cols()));
}

void expect_upper_triangular(const Matrix& R) {
  for (std::size_t i = 0; i < R.rows(); ++i)
    for (std::size_t j = 0; j < std::min(i, R.cols()); ++j)
      EXPECT_EQ(R(i, j), 0.0) << "R(" << i << ", " << j << ")";
}

TEST(HouseholderQr, TwoByOneColumnMatchesHandComputation) {
  // x = (3, 4): alpha = -sign(3) ||x|| = -5, so R = [-5] and Q = x / -5.
  const QrResult qr = householder_qr(Matrix::from_rows({{3}, {4}}));
  EXPECT_TRUE(MatricesNear(qr.R, Matrix::from_rows({{-5}}), 4 * kEps * 5));
  EXPECT_TRUE(MatricesNear(qr.Q, Matrix::from_rows({{-0.6}, {-0.8}}), 4 * kEps));
}

TEST(HouseholderQr, ReconstructsEveryShapeThinAndFull) {
  const std::size_t shapes[][2] = {{1, 1}, {6, 1}, {1, 6}, {5, 5}, {20, 7}, {7, 20}};
  std::uint64_t seed = 1;
  for (const auto& shape : shapes) {
    const Matrix A = random_matrix(shape[0], shape[1], seed++);
    const std::size_t m = A.rows(), n = A.cols(), k = std::min(m, n);
    const double tol = kErrorUnits * std::max(m, n) * kEps * std::max(1.0, max_abs(A));
    for (bool thin : {true, false}) {
      SCOPED_TRACE("shape " + shape_str(A) + (thin ? " thin" : " full"));
      const QrResult qr = householder_qr(A, thin);
      const std::size_t kq = thin ? k : m;
      ASSERT_EQ(qr.Q.rows(), m);
      ASSERT_EQ(qr.Q.cols(), kq);
      ASSERT_EQ(qr.R.rows(), kq);
      ASSERT_EQ(qr.R.cols(), n);
      EXPECT_TRUE(MatricesNear(matmul(qr.Q, qr.R), A, tol));
      EXPECT_LE(orthogonality_error(qr.Q), kErrorUnits * m * kEps);
      expect_upper_triangular(qr.R);
    }
  }
}

TEST(HouseholderQr, ZeroColumnsKeepQOrthogonal) {
  Matrix A = random_matrix(6, 4, 9);
  for (std::size_t i = 0; i < 6; ++i) A(i, 0) = A(i, 2) = 0.0;
  const QrResult qr = householder_qr(A);
  EXPECT_LE(orthogonality_error(qr.Q), kErrorUnits * 6 * kEps);
  EXPECT_TRUE(MatricesNear(matmul(qr.Q, qr.R), A, kErrorUnits * 6 * kEps * max_abs(A)));
  const QrResult zero = householder_qr(Matrix(3, 3, 0.0));
  EXPECT_EQ(zero.Q, Matrix::identity(3));
  EXPECT_EQ(zero.R, Matrix(3, 3, 0.0));
}

TEST(HouseholderQr, NonFiniteInputThrows) {
  for (double bad : {std::numeric_limits<double>::infinity(), std::nan("")}) {
    Matrix A = random_matrix(3, 3, 2);
    A(1, 1) = bad;
    for (bool thin : {true, false}) {
      try {
        householder_qr(A, thin);
        FAIL() << "expected std::invalid_argument for " << bad;
      } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("householder_qr"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("non-finite"), std::string::npos) << e.what();
      }
    }
  }
}

TEST(HaarOrthogonal, IsOrthogonal) {
  Rng rng(5);
  for (std::size_t n : {1u, 2u, 10u, 60u}) {
    const Matrix Q = haar_orthogonal(n, rng);
    EXPECT_LE(orthogonality_error(Q), kErrorUnits * n * kEps) << "n = " << n;
    EXPECT_LE(max_abs_diff(matmul(Q, transpose(Q)), Matrix::identity(n)), kErrorUnits * n * kEps);
  }
}

TEST(HaarOrthogonal, SignFixMakesTheDiagonalOfRPositive) {
  // Same seed -> the same Gaussian G; Q^T G must be the R factor with a positive diagonal.
  const std::size_t n = 12;
  Rng rng_q(77), rng_g(77);
  const Matrix Q = haar_orthogonal(n, rng_q);
  const Matrix G = gaussian_matrix(n, n, rng_g);
  const Matrix R = matmul(transpose(Q), G);
  const double tol = kErrorUnits * n * kEps * max_abs(G);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_GT(R(i, i), 0.0) << "R(" << i << ", " << i << ")";
    for (std::size_t j = 0; j < i; ++j) EXPECT_NEAR(R(i, j), 0.0, tol);
  }
}

TEST(HaarOrthogonal, FirstEntryHasMeanZero) {
  // Under the Haar measure Q_00 is symmetric about 0 with sd 1/sqrt(n) = 0.5 (n = 4); the mean of
  // 2000 draws has sd 0.011.  Without the sign fix the Householder convention makes
  // Q_00 = -|g_00| / ||g_0||, whose mean is about -0.4: the 0.05 bound (4.5 sd) separates them.
  Rng rng(2024);
  double sum = 0.0;
  const int draws = 2000;
  for (int d = 0; d < draws; ++d) sum += haar_orthogonal(4, rng)(0, 0);
  EXPECT_NEAR(sum / draws, 0.0, 0.05);
}

TEST(HaarOrthonormalColumns, HasOrthonormalColumnsAndRejectsWideShapes) {
  Rng rng(6);
  const Matrix Q = haar_orthonormal_columns(15, 4, rng);
  ASSERT_EQ(Q.rows(), 15u);
  ASSERT_EQ(Q.cols(), 4u);
  EXPECT_LE(orthogonality_error(Q), kErrorUnits * 15 * kEps);
  EXPECT_THROW(haar_orthonormal_columns(3, 4, rng), std::invalid_argument);
}

TEST(GaussianMatrix, HasTheRequestedMomentsAndIsReproducible) {
  // 200 x 200 = 40000 draws: the sample mean has sd 2.5 / 200 = 0.0125 and the sample variance
  // relative sd sqrt(2 / 40000) = 0.007; bounds at about 4 sd.
  Rng rng(8);
  const Matrix G = gaussian_matrix(200, 200, rng, 2.5);
  double mean = 0.0, var = 0.0;
  for (double g : G.values()) mean += g;
  mean /= G.size();
  for (double g : G.values()) var += (g - mean) * (g - mean);
  var /= G.size() - 1;
  EXPECT_NEAR(mean, 0.0, 0.05);
  EXPECT_NEAR(var / (2.5 * 2.5), 1.0, 0.03);
  Rng again(8);
  EXPECT_EQ(gaussian_matrix(200, 200, again, 2.5), G);
  EXPECT_THROW(gaussian_matrix(2, 2, rng, -1.0), std::invalid_argument);
}

}  // namespace
}  // namespace rl
