#include "nn/measures.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "linalg/norms.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

// Every measure below is a handful of sums and one division on O(1) numbers: a few ulps of
// rounding, so 1e-14 (about 50 eps) is generous yet far below any real error.
constexpr double kTight = 1e-14;

Matrix gram(const Matrix& A) { return matmul(A, transpose(A)); }  // A A^T, a PSD kernel

// Graded (A5, rung 1): a 2x2 case by hand.
TEST(WeightChange, IsTheFrobeniusNormOfTheDifference) {
  const Matrix W0 = Matrix::from_rows({{1, 0}, {0, 1}});
  const Matrix Wf = Matrix::from_rows({{1, 3}, {4, 1}});  // difference [[0, 3], [4, 0]]: norm 5
  EXPECT_NEAR(weight_change(W0, Wf), 5.0, kTight)
      << "expected ||Wf - W0||_F = ||[[0, 3], [4, 0]]||_F = 5 (the norm of the difference, not the "
         "difference of the norms sqrt(27) - sqrt(2) = 3.78); docs/measures.md#weight-change-rel";
  EXPECT_NEAR(relative_weight_change(W0, Wf), 5.0 / std::sqrt(2.0), kTight);
  EXPECT_EQ(weight_change(W0, W0), 0.0);
}

TEST(WeightChange, RejectsMismatchedShapesAndZeroReference) {
  EXPECT_THROW(weight_change(Matrix(2, 2), Matrix(2, 3)), std::invalid_argument);
  EXPECT_THROW(relative_weight_change(Matrix(2, 2), Matrix(2, 2, 1.0)), std::invalid_argument);
}

// Graded (A5, rung 2): a kernel aligns perfectly with itself, not at all with an orthogonal one.
TEST(KernelAlignment, IdenticalKernelsGiveOneOrthogonalKernelsGiveZero) {
  const Matrix K = Matrix::from_rows({{2, 1}, {1, 2}});  // <K, K>_F = 10, so an unnormalised KA shows
  EXPECT_NEAR(kernel_alignment(K, K), 1.0, kTight)
      << "expected KA(K, K) = 1 for K = [[2, 1], [1, 2]] (<K, K>_F = 10): divide <K0, Kf>_F by "
         "||K0||_F ||Kf||_F; docs/measures.md#tangent-kernel-alignment-ka-rel";
  const Matrix A = Matrix::from_rows({{1, 0}, {0, 0}}), B = Matrix::from_rows({{0, 0}, {0, 1}});
  EXPECT_NEAR(kernel_alignment(A, B), 0.0, kTight)
      << "expected KA(diag(1, 0), diag(0, 1)) = 0 (<A, B>_F = 0); docs/measures.md#tangent-kernel-alignment-ka-rel";
}

// Graded (A5, rung 3).
TEST(KernelAlignment, HandBuiltCaseHasExactValue) {
  // <diag(3, 0), 1 1^T>_F = 3, norms 3 and 2 (||K0|| != 1, so that one norm squared, 3 / 9, and no
  // normalisation, 3, give different wrong values).
  const Matrix K0 = Matrix::from_rows({{3, 0}, {0, 0}});
  const Matrix Kf = Matrix::from_rows({{1, 1}, {1, 1}});
  EXPECT_NEAR(kernel_alignment(K0, Kf), 0.5, kTight)
      << "expected <K0, Kf>_F / (||K0||_F ||Kf||_F) = 3 / (3 * 2) = 0.5: both norms in the denominator; "
         "docs/measures.md#tangent-kernel-alignment-ka-rel";
}

// Graded (A5, rung 4): Centering::kCentred aligns C K0 C with C Kf C, C = I - 1 1^T / P.
TEST(KernelAlignment, CentredOptionCentresBothKernels) {
  const Matrix K0 = Matrix::from_rows({{2, 1, 0}, {1, 2, 1}, {0, 1, 2}});
  const Matrix Kf = Matrix::from_rows({{1, 1, 1}, {1, 3, 1}, {1, 1, 1}});
  const double want = frobenius_cosine(center_kernel(K0), center_kernel(Kf));
  EXPECT_NEAR(kernel_alignment(K0, Kf, Centering::kCentred), want, kTight)
      << "expected the cosine of the CENTRED kernels (center_kernel on both); the uncentred value is "
      << frobenius_cosine(K0, Kf) << "; docs/measures.md#tangent-kernel-alignment-ka-rel";
}

TEST(KernelAlignment, IsOneForPositiveMultiplesAndSymmetric) {
  const Matrix K = gram(testing::random_matrix(6, 4, 1));
  const Matrix L = gram(testing::random_matrix(6, 4, 2));
  for (double c : {1e-8, 0.3, 1.0, 7.0, 1e8}) EXPECT_NEAR(kernel_alignment(K, c * K), 1.0, kTight) << c;
  EXPECT_NEAR(kernel_alignment(K, -1.0 * K), -1.0, kTight);  // not PSD: the sign shows
  EXPECT_EQ(kernel_alignment(K, L), kernel_alignment(L, K));
}

TEST(KernelAlignment, LiesInZeroOneForPsdKernels) {
  // <A, B>_F = tr(A B) >= 0 for PSD A, B; Cauchy-Schwarz gives <= 1.
  for (std::uint64_t seed = 10; seed < 30; ++seed) {
    const Matrix K0 = gram(testing::random_matrix(5, 1 + seed % 5, seed));
    const Matrix Kf = gram(testing::random_matrix(5, 1 + seed % 3, seed + 100));
    const double ka = kernel_alignment(K0, Kf);
    EXPECT_GE(ka, 0.0) << seed;
    EXPECT_LE(ka, 1.0 + kTight) << seed;
    const double kac = kernel_alignment(K0, Kf, Centering::kCentred);
    EXPECT_GE(kac, 0.0 - kTight) << seed;  // C K C is PSD too
    EXPECT_LE(kac, 1.0 + kTight) << seed;
  }
}

// Graded (A5, rung 5): an undefined alignment is an error, never a NaN (docs/measures.md#errors-not-nan).
TEST(KernelAlignment, ZeroOrNonFiniteKernelIsAnError) {
  const Matrix K = Matrix::from_rows({{1, 0}, {0, 1}});
  EXPECT_THROW(kernel_alignment(K, Matrix(2, 2)), std::invalid_argument);
  EXPECT_THROW(kernel_alignment(Matrix(2, 2), K), std::invalid_argument);
  // A constant kernel centres to zero.
  EXPECT_THROW(kernel_alignment(K, Matrix(2, 2, 3.0), Centering::kCentred), std::invalid_argument);
  Matrix bad = K;
  bad(0, 1) = std::nan("");
  EXPECT_THROW(kernel_alignment(K, bad), std::invalid_argument);
  EXPECT_THROW(kernel_alignment(K, Matrix(3, 3, 1.0)), std::invalid_argument);
  EXPECT_THROW(kernel_alignment(Matrix(2, 3, 1.0), Matrix(2, 3, 1.0)), std::invalid_argument);
}

TEST(CenterKernel, EqualsCKCWithTheCenteringMatrix) {
  const Matrix K = gram(testing::random_matrix(5, 3, 4));
  Matrix C = Matrix::identity(5);
  for (double& v : C.values()) v -= 1.0 / 5.0;
  EXPECT_TRUE(testing::MatricesNear(center_kernel(K), matmul(matmul(C, K), C), 1e-13));
}

// Graded (A5, rung 6).
TEST(RepresentationAlignment, HandBuiltCaseHasExactValue) {
  // K_R(0) = I, K_R(f) = 1 1^T: <I, J> = 2, ||I|| = sqrt 2, ||J|| = 2.
  const Matrix H0 = Matrix::from_rows({{1, 0}, {0, 1}});
  const Matrix Hf = Matrix::from_rows({{1, 0}, {1, 0}});
  EXPECT_NEAR(representation_alignment(H0, Hf), 1.0 / std::sqrt(2.0), kTight);
  EXPECT_TRUE(testing::MatricesNear(representation_kernel(Hf), Matrix(2, 2, 1.0), 0.0))
      << "expected H H^T = [[1, 1], [1, 1]] for H = [[1, 0], [1, 0]] (one row per example: a (P, P) "
         "kernel, not the (N, N) H^T H); docs/measures.md#representation-alignment-ra-rel";
}

TEST(RepresentationAlignment, IsInvariantToRotatingAndScalingUnits) {
  // H -> c H Q (Q orthogonal) leaves H H^T up to scale c^2.
  const Matrix H = testing::random_matrix(6, 3, 7);
  const double a = 0.6, b = 0.8;
  const Matrix Q = Matrix::from_rows({{a, -b, 0}, {b, a, 0}, {0, 0, 1}});
  EXPECT_NEAR(representation_alignment(H, 2.5 * matmul(H, Q)), 1.0, kTight);
}

// Graded (A5, rung 7).
TEST(RepresentationAlignment, CentredOptionIgnoresACommonOffset) {
  // Adding the same vector m to every example's activity changes H H^T but not the centred kernel.
  const Matrix H0 = testing::random_matrix(6, 3, 8);
  Matrix Hf = H0;
  for (std::size_t p = 0; p < 6; ++p)
    for (std::size_t j = 0; j < 3; ++j) Hf(p, j) += 5.0 * (j + 1);
  EXPECT_NEAR(representation_alignment(H0, Hf, Centering::kCentred), 1.0, 1e-13)
      << "expected 1: with Centering::kCentred, representation_kernel returns center_kernel(H H^T); "
         "docs/measures.md#representation-alignment-ra-rel";
  EXPECT_LT(representation_alignment(H0, Hf), 0.99);
}

TEST(KernelTargetAlignment, HandBuiltCasesHaveExactValues) {
  const Matrix I = Matrix::identity(2);
  // y^T I y = 2, ||y||^2 = 2, ||I||_F = sqrt 2.
  EXPECT_NEAR(kernel_target_alignment(I, std::vector<double>{1, 1}), 1.0 / std::sqrt(2.0), kTight);
  // K = y y^T: y^T K y = ||y||^4, ||K||_F = ||y||^2.
  const std::vector<double> y = {1, -2, 3};
  Matrix K(3, 3);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) K(i, j) = y[i] * y[j];
  EXPECT_NEAR(kernel_target_alignment(K, y), 1.0, kTight);
}

TEST(KernelTargetAlignment, MatrixFormReducesToVectorFormForOneColumn) {
  const Matrix K = gram(testing::random_matrix(5, 5, 9));
  const std::vector<double> y = {0.5, -1, 2, 0, 1};
  EXPECT_NEAR(kernel_target_alignment(K, Matrix::from_vector(5, 1, y)), kernel_target_alignment(K, y),
              kTight);
}

TEST(KernelTargetAlignment, OneHotTargetKernelAlignsPerfectly) {
  const Matrix Y = one_hot({0, 2, 0, 1}, 3);
  EXPECT_EQ(Y(1, 2), 1.0);
  EXPECT_EQ(Y(1, 0), 0.0);
  const Matrix target = gram(Y);  // 1 where two examples share a class
  EXPECT_NEAR(kernel_target_alignment(target, Y), 1.0, kTight);
  // Identity kernel: <I, Y Y^T> = P = 4, ||Y Y^T||_F = sqrt(6) (4 diagonal + 2 off), ||I|| = 2.
  EXPECT_NEAR(kernel_target_alignment(Matrix::identity(4), Y), 4.0 / (std::sqrt(6.0) * 2.0), kTight);
}

TEST(KernelTargetAlignment, RejectsZeroTargetsAndBadShapes) {
  const Matrix K = Matrix::identity(3);
  EXPECT_THROW(kernel_target_alignment(K, std::vector<double>{0, 0, 0}), std::invalid_argument);
  EXPECT_THROW(kernel_target_alignment(K, std::vector<double>{1, 0}), std::invalid_argument);
  EXPECT_THROW(kernel_target_alignment(K, Matrix(2, 2, 1.0)), std::invalid_argument);
  EXPECT_THROW(one_hot({0, 3}, 3), std::invalid_argument);
}

TEST(SignSimilarity, CountsMatchingSigns) {
  // signs: (+, +) same, (0, 0) same, (-, +) differ, (+, 0) differ.
  const Matrix H0 = Matrix::from_rows({{1, 0}, {-1, 2}});
  const Matrix Hf = Matrix::from_rows({{3, 0}, {1, 0}});
  EXPECT_EQ(sign_similarity(H0, Hf), 0.5);
  EXPECT_EQ(sign_similarity(H0, H0), 1.0);
  EXPECT_THROW(sign_similarity(H0, Matrix(2, 3)), std::invalid_argument);
  EXPECT_THROW(sign_similarity(Matrix(0, 0), Matrix(0, 0)), std::invalid_argument);
}

}  // namespace
}  // namespace rl
