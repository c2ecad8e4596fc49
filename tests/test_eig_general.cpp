// Tests for linalg/eig_general: Hessenberg reduction + Francis double-shift QR eigenvalues.
//
// Eigenvalues of non-normal matrices are only as accurate as their condition numbers allow, so the
// strongest checks here are condition-free: (1) trace invariants sum lambda_i = tr(A) and
// sum lambda_i^2 = tr(A^2); (2) backward error: for each computed lambda = a + ib the real
// 2n x 2n matrix [[A - aI, bI], [-bI, A - aI]] (singular iff lambda is an eigenvalue) has its
// smallest singular value at rounding level, relative to ||A||_F.  Exact values are compared
// where the matrix is normal (perfectly conditioned) or the polynomial roots are well separated.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>

#include "linalg/eig_general.h"
#include "linalg/norms.h"
#include "linalg/qr.h"
#include "linalg/svd.h"
#include "nn/connectivity/sonet.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

using Complex = std::complex<double>;
using testing::kEps;
using testing::random_matrix;

constexpr double kErrorUnits = 10.0;  // errors in units of n * eps * ||A||

// Greedy match of each expected eigenvalue to the nearest unused computed one; returns the worst
// distance.
double worst_match(const std::vector<Complex>& got, const std::vector<Complex>& want) {
  EXPECT_EQ(got.size(), want.size());
  std::vector<bool> used(got.size(), false);
  double worst = 0.0;
  for (const Complex& w : want) {
    std::size_t best = got.size();
    for (std::size_t i = 0; i < got.size(); ++i)
      if (!used[i] && (best == got.size() || std::abs(got[i] - w) < std::abs(got[best] - w))) best = i;
    if (best == got.size()) return std::numeric_limits<double>::infinity();
    used[best] = true;
    worst = std::max(worst, std::abs(got[best] - w));
  }
  return worst;
}

void expect_sorted_by_modulus(const std::vector<Complex>& v) {
  for (std::size_t i = 0; i + 1 < v.size(); ++i)
    EXPECT_GE(std::abs(v[i]), std::abs(v[i + 1])) << "at " << i;
}

// |sum lambda - tr A| and |sum lambda^2 - tr A^2| within rounding of ||A||_F and ||A||_F^2.
void expect_trace_invariants(const Matrix& A, const std::vector<Complex>& values) {
  const std::size_t n = A.rows();
  Complex sum = 0.0, sum2 = 0.0;
  for (const Complex& z : values) {
    sum += z;
    sum2 += z * z;
  }
  const double frob = frobenius_norm(A);
  const double tol = kErrorUnits * n * kEps;
  EXPECT_LE(std::abs(sum - trace(A)), tol * frob * std::sqrt(static_cast<double>(n)));
  EXPECT_LE(std::abs(sum2 - trace(matmul(A, A))), tol * frob * frob);
}

// sigma_min(A - lambda I) via the real 2n x 2n embedding.
double backward_error(const Matrix& A, Complex lambda) {
  const std::size_t n = A.rows();
  Matrix M(2 * n, 2 * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) M(i, j) = M(n + i, n + j) = A(i, j);
    M(i, i) -= lambda.real();
    M(n + i, n + i) -= lambda.real();
    M(i, n + i) = lambda.imag();
    M(n + i, i) = -lambda.imag();
  }
  return singular_values(M).back();
}

// Companion matrix of x^n + c[n-1] x^(n-1) + ... + c[0].
Matrix companion(const std::vector<double>& c) {
  const std::size_t n = c.size();
  Matrix C(n, n, 0.0);
  for (std::size_t i = 1; i < n; ++i) C(i, i - 1) = 1.0;
  for (std::size_t i = 0; i < n; ++i) C(i, n - 1) = -c[i];
  return C;
}

TEST(EigGeneral, CompanionMatrixGivesPolynomialRoots) {
  // (x-1)(x-2)(x-3)(x-4) = x^4 - 10x^3 + 35x^2 - 50x + 24.  Roots of this polynomial have
  // condition numbers up to ~1e2, so 1e-12 is a comfortable bound.
  const EigGeneralResult r = eig_general(companion({24, -50, 35, -10}));
  EXPECT_TRUE(r.converged);
  EXPECT_LE(worst_match(r.values, {4.0, 3.0, 2.0, 1.0}), 1e-12);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(r.values[i].real(), 4.0 - i, 1e-12);
  // (x^2 + 1)(x - 2) = x^3 - 2x^2 + x - 2: roots 2, i, -i, in that order (ties: imag desc).
  const EigGeneralResult c = eig_general(companion({-2, 1, -2}));
  ASSERT_EQ(c.values.size(), 3u);
  const double tol = kErrorUnits * 3 * kEps * 4.0;
  EXPECT_NEAR(std::abs(c.values[0] - Complex(2, 0)), 0.0, tol);
  EXPECT_NEAR(std::abs(c.values[1] - Complex(0, 1)), 0.0, tol);
  EXPECT_NEAR(std::abs(c.values[2] - Complex(0, -1)), 0.0, tol);
}

TEST(EigGeneral, RotationHasConjugatePairOnUnitCircle) {
  const double theta = 0.7;
  const Matrix R = Matrix::from_rows({{std::cos(theta), -std::sin(theta)}, {std::sin(theta), std::cos(theta)}});
  const EigGeneralResult r = eig_general(R);
  ASSERT_EQ(r.values.size(), 2u);
  EXPECT_NEAR(std::abs(r.values[0] - std::polar(1.0, theta)), 0.0, 4 * kEps);
  EXPECT_NEAR(std::abs(r.values[1] - std::polar(1.0, -theta)), 0.0, 4 * kEps);
}

TEST(EigGeneral, TriangularMatrixGivesItsDiagonal) {
  Matrix T = random_matrix(12, 12, 3);
  for (std::size_t i = 0; i < 12; ++i)
    for (std::size_t j = 0; j < i; ++j) T(i, j) = 0.0;
  std::vector<Complex> want;
  for (std::size_t i = 0; i < 12; ++i) want.emplace_back(T(i, i), 0.0);
  const EigGeneralResult r = eig_general(T);
  EXPECT_EQ(r.iterations, 0);  // already Schur: deflates at once
  EXPECT_EQ(worst_match(r.values, want), 0.0);
  expect_sorted_by_modulus(r.values);
}

TEST(EigGeneral, RandomOrthogonalMatrixHasAllModuliOne) {
  // Orthogonal matrices are normal: eigenvalues are perfectly conditioned.
  Rng rng(4);
  const std::size_t n = 60;
  const EigGeneralResult r = eig_general(haar_orthogonal(n, rng));
  EXPECT_TRUE(r.converged);
  ASSERT_EQ(r.values.size(), n);
  for (const Complex& z : r.values) EXPECT_NEAR(std::abs(z), 1.0, kErrorUnits * n * kEps);
}

TEST(EigGeneral, CyclicPermutationGivesRootsOfUnity) {
  // A classic stall case for unshifted and plainly shifted QR: needs the exceptional shifts.
  const std::size_t n = 40;
  Matrix P(n, n, 0.0);
  for (std::size_t i = 0; i < n; ++i) P(i, (i + 1) % n) = 1.0;
  std::vector<Complex> want;
  for (std::size_t k = 0; k < n; ++k) want.push_back(std::polar(1.0, 2.0 * std::acos(-1.0) * k / n));
  const EigGeneralResult r = eig_general(P);
  EXPECT_TRUE(r.converged);
  EXPECT_LE(worst_match(r.values, want), kErrorUnits * n * kEps);
}

TEST(EigGeneral, RecoversPlantedComplexPairsOfANonNormalMatrix) {
  // Real Schur form T: 2x2 blocks [[a, b], [-b, a]] (eigenvalues a +- ib) and 1x1 blocks on the
  // diagonal, a random strictly upper part; A = Q T Q^T with Haar Q has the same eigenvalues.
  const std::size_t n = 9;
  Matrix T = random_matrix(n, n, 6);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j) T(i, j) = 0.0;
  const double blocks[3][2] = {{1.0, 2.0}, {-0.5, 0.25}, {3.0, -1.0}};  // (a, b)
  std::vector<Complex> want;
  for (std::size_t k = 0; k < 3; ++k) {
    const double a = blocks[k][0], b = blocks[k][1];
    T(2 * k, 2 * k) = T(2 * k + 1, 2 * k + 1) = a;
    T(2 * k, 2 * k + 1) = b;
    T(2 * k + 1, 2 * k) = -b;
    want.emplace_back(a, b);
    want.emplace_back(a, -b);
  }
  for (std::size_t i = 6; i < n; ++i) {
    T(i, i) = -2.0 + i * 0.5;
    want.emplace_back(T(i, i), 0.0);
  }
  Rng rng(7);
  const Matrix Q = haar_orthogonal(n, rng);
  const Matrix A = matmul(matmul(Q, T), transpose(Q));
  const EigGeneralResult r = eig_general(A);
  EXPECT_TRUE(r.converged);
  EXPECT_LE(worst_match(r.values, want), 1e-12);  // condition numbers here are O(10)
  for (const Complex& z : r.values) {  // conjugate pairs are exact conjugates
    if (z.imag() == 0.0) continue;
    EXPECT_NE(std::find(r.values.begin(), r.values.end(), std::conj(z)), r.values.end()) << z;
  }
  expect_sorted_by_modulus(r.values);
}

TEST(EigGeneral, DalesLawMatrixWithBigOutlierAtN300) {
  // 80% excitatory columns (positive), 20% inhibitory (negative): the nonzero mean creates an
  // outlier eigenvalue near N * mean ~ 200 far from the bulk of radius ~ 1.
  const std::size_t n = 300;
  Rng rng(8);
  Matrix W(n, n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const double w = std::fabs(rng.normal()) / std::sqrt(static_cast<double>(n)) + 1.0;
      W(i, j) = j < 4 * n / 5 ? w : -0.5 * w;
    }
  const EigGeneralResult r = eig_general(W);
  EXPECT_TRUE(r.converged);
  EXPECT_LE(r.iterations, static_cast<int>(30 * n));
  ASSERT_EQ(r.values.size(), n);
  expect_trace_invariants(W, r.values);
  EXPECT_GT(std::abs(r.values[0]), 100.0);
  EXPECT_LT(std::abs(r.values[1]), 10.0);
}

TEST(EigGeneral, ConnectomeLikeSparseMatrixWithHugeEntries) {
  // EM-style: 85% zeros, heavy-tailed weights capped at 1e5, whole rows and columns of zeros.
  const std::size_t n = 80;
  Rng rng(9);
  Matrix C(n, n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const bool silent = i % 3 == 0 || j % 4 == 1 || rng.uniform() < 0.85;
      if (!silent) C(i, j) = std::min(1e5, std::exp(3.0 * rng.normal()));
    }
  const EigGeneralResult r = eig_general(C);
  EXPECT_TRUE(r.converged);
  ASSERT_EQ(r.values.size(), n);
  expect_trace_invariants(C, r.values);
  const double tol = kErrorUnits * n * kEps * frobenius_norm(C);
  for (std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{5}, n / 2})
    EXPECT_LE(backward_error(C, r.values[k]), tol) << "eigenvalue " << k << " = " << r.values[k];
}

TEST(EigGeneral, GaussianMatrixEigenvaluesHaveRoundingLevelBackwardError) {
  const std::size_t n = 50;
  const Matrix A = random_matrix(n, n, 10);
  const EigGeneralResult r = eig_general(A);
  EXPECT_TRUE(r.converged);
  expect_trace_invariants(A, r.values);
  expect_sorted_by_modulus(r.values);
  const double tol = kErrorUnits * n * kEps * frobenius_norm(A);
  for (std::size_t k = 0; k < n; k += 7)
    EXPECT_LE(backward_error(A, r.values[k]), tol) << "eigenvalue " << k << " = " << r.values[k];
}

// A semisimple eigenvalue of multiplicity m leaves, after Hessenberg reduction, a block lambda I + E
// whose entries E are rounding noise (5-70 eps |lambda|): no shift reduces them, and the relative
// deflation test eps (|h_{l-1,l-1}| + |h_ll|) never passes.  Rows that share all off-diagonal entries,
// W_i = v^T - c e_i^T for i in S, give (e_i - e_j)^T W = -c (e_i - e_j)^T: eigenvalue -c, multiplicity
// |S| - 1.  Before the stalled-block floor (docs/linalg.md, "Stalled blocks") eig_general ran into
// its 30 n cap on such matrices.
TEST(EigGeneral, SharedRowsGiveARepeatedEigenvalueThatConverges) {
  const std::size_t n = 60, shared = 12;
  const double c = 0.3;
  Matrix W = random_matrix(n, n, 14);
  W *= 1.0 / std::sqrt(static_cast<double>(n));
  for (std::size_t i = 1; i < shared; ++i)
    for (std::size_t j = 0; j < n; ++j) W(i, j) = W(0, j);
  for (std::size_t i = 0; i < shared; ++i) W(i, i) = W(0, i) - c;  // W_i = v^T - c e_i^T, v = old row 0
  const EigGeneralResult r = eig_general(W);
  ASSERT_TRUE(r.converged) << "stalled after " << r.iterations << " steps (docs/linalg.md#stalled-blocks)";
  expect_trace_invariants(W, r.values);
  std::size_t at_minus_c = 0;
  for (const Complex& z : r.values) at_minus_c += std::abs(z + c) < 1e-8;
  EXPECT_EQ(at_minus_c, shared - 1) << "eigenvalue -c = " << -c << " has multiplicity " << shared - 1;
}

// The centred SONET matrices of Fig. 2 (docs/reproducing.md, "Open problems": 6 of seeds 1-10 stalled
// at N = 100).  Their nodes without inputs share a row (-p_hat off the diagonal), hence a repeated
// eigenvalue as above.
TEST(EigGeneral, CentredSonetMatricesConvergeOnSeeds1To10) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    SonetParams p;
    p.N = 100;
    Rng rng(seed);
    const Matrix W = sonet_connectivity(p, rng).W_h;
    const EigGeneralResult r = eig_general(W);
    EXPECT_TRUE(r.converged) << "seed " << seed << ": stalled after " << r.iterations
                             << " steps (docs/linalg.md#stalled-blocks)";
    ASSERT_EQ(r.values.size(), p.N);
    expect_trace_invariants(W, r.values);
    const double tol = kErrorUnits * p.N * kEps * frobenius_norm(W);
    for (std::size_t k : {std::size_t{0}, std::size_t{1}, p.N / 2, p.N - 1})
      EXPECT_LE(backward_error(W, r.values[k]), tol) << "seed " << seed << ", eigenvalue " << k << " = "
                                                      << r.values[k];
  }
}

TEST(EigGeneral, ScalingNearOverflowAndUnderflowIsExact) {
  const Matrix A = random_matrix(10, 10, 11);
  const EigGeneralResult ref = eig_general(A);
  for (int e : {1000, -1000}) {
    Matrix B = A;
    for (double& b : B.values()) b = std::ldexp(b, e);
    const EigGeneralResult r = eig_general(B);
    for (std::size_t i = 0; i < 10; ++i) {
      EXPECT_EQ(r.values[i].real(), std::ldexp(ref.values[i].real(), e));
      EXPECT_EQ(r.values[i].imag(), std::ldexp(ref.values[i].imag(), e));
    }
  }
}

TEST(EigGeneral, ZeroAndTinyMatrices) {
  EXPECT_EQ(eig_general(Matrix(4, 4, 0.0)).values, std::vector<Complex>(4, 0.0));
  EXPECT_EQ(eig_general(Matrix::from_rows({{-3}})).values, std::vector<Complex>{-3.0});
  EXPECT_TRUE(eig_general(Matrix(0, 0)).values.empty());
}

TEST(EigGeneral, RejectsNonSquareAndNonFiniteInput) {
  EXPECT_THROW(eig_general(Matrix(2, 3)), std::invalid_argument);
  for (double bad : {-std::numeric_limits<double>::infinity(), std::nan("")}) {
    Matrix A = Matrix::identity(3);
    A(0, 2) = bad;
    try {
      eig_general(A);
      FAIL() << "expected std::invalid_argument for " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("eig_general"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("non-finite"), std::string::npos) << e.what();
    }
    EXPECT_THROW(hessenberg(A), std::invalid_argument) << bad;
  }
}

// The give-up path (header contract): with the cap reached, converged = false, iterations = cap,
// and values holds n entries whose sum is tr(A) (deflated eigenvalues plus the diagonal of the
// undeflated block; every Francis step is a similarity, so the trace is kept to rounding).
TEST(EigGeneral, IterationCapGivesUpAndReportsNonConvergence) {
  const std::size_t n = 50;
  const Matrix A = random_matrix(n, n, 10);
  const EigGeneralResult full = eig_general(A);  // the default cap 30 n = 1500
  ASSERT_TRUE(full.converged);
  ASSERT_GT(full.iterations, 2);
  EXPECT_LE(full.iterations, static_cast<int>(30 * n));
  for (int cap : {0, 1, full.iterations - 1}) {
    const EigGeneralResult r = eig_general(A, cap);  // returns: a hang would stall this test
    EXPECT_FALSE(r.converged) << "cap " << cap;
    EXPECT_EQ(r.iterations, cap);
    ASSERT_EQ(r.values.size(), n) << "cap " << cap;
    Complex sum = 0.0;
    for (const Complex& z : r.values) {
      EXPECT_TRUE(std::isfinite(z.real()) && std::isfinite(z.imag())) << z;
      sum += z;
    }
    EXPECT_LE(std::abs(sum - trace(A)), kErrorUnits * n * kEps * frobenius_norm(A) * std::sqrt(double(n)))
        << "cap " << cap;
    expect_sorted_by_modulus(r.values);
  }
  // One step short of convergence gives up; exactly enough steps is the default run, bit for bit,
  // and so is the explicit default (any negative cap).
  const EigGeneralResult enough = eig_general(A, full.iterations), negative = eig_general(A, -1);
  EXPECT_TRUE(enough.converged);
  EXPECT_EQ(enough.iterations, full.iterations);
  EXPECT_EQ(enough.values, full.values);
  EXPECT_EQ(negative.values, full.values);
  // A matrix that needs no step converges even with cap 0.
  Matrix T = random_matrix(6, 6, 3);
  for (std::size_t i = 0; i < 6; ++i)
    for (std::size_t j = 0; j < i; ++j) T(i, j) = 0.0;
  EXPECT_TRUE(eig_general(T, 0).converged);
}

TEST(Hessenberg, IsAnOrthogonalSimilarityToHessenbergForm) {
  // Orthogonal similarity keeps ||A||_F, tr(A) and tr(A^2); the form has zeros below the
  // subdiagonal.
  const std::size_t n = 15;
  const Matrix A = random_matrix(n, n, 12);
  const Matrix H = hessenberg(A);
  for (std::size_t i = 2; i < n; ++i)
    for (std::size_t j = 0; j + 1 < i; ++j) EXPECT_EQ(H(i, j), 0.0);
  const double tol = kErrorUnits * n * kEps;
  EXPECT_NEAR(frobenius_norm(H), frobenius_norm(A), tol * frobenius_norm(A));
  EXPECT_NEAR(trace(H), trace(A), tol * frobenius_norm(A));
  EXPECT_NEAR(trace(matmul(H, H)), trace(matmul(A, A)), tol * frobenius_norm(A) * frobenius_norm(A));
  EXPECT_THROW(hessenberg(Matrix(3, 2)), std::invalid_argument);
}

}  // namespace
}  // namespace rl
