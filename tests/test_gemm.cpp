#include "linalg/gemm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "tests/test_helpers.h"

namespace rl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const Trans kBoth[] = {Trans::kNo, Trans::kYes};

const char* name(Trans t) { return t == Trans::kNo ? "N" : "T"; }

// Stored (untransposed) shape of an operand whose op() is rows x cols.
Matrix random_operand(Trans t, std::size_t rows, std::size_t cols, std::uint64_t seed) {
  return t == Trans::kNo ? testing::random_matrix(rows, cols, seed) : testing::random_matrix(cols, rows, seed);
}

// Checks C_out against the reference triple loop run on C_in, entry by entry, within the
// dot-product error bound (Higham, "Accuracy and Stability of Numerical Algorithms", 3.1):
// each of the two results is within gamma_{k+2} (|alpha| sum_p |a_ip||b_pj| + |beta||c_ij|) of the
// exact value, gamma_n = n eps / (1 - n eps), so they differ by at most twice that.  The blocked
// kernel sums in a different order (and with FMA), so exact equality is not expected.
::testing::AssertionResult MatchesReference(Trans ta, Trans tb, double alpha, const Matrix& A, const Matrix& B,
                                            double beta, const Matrix& C_in, const Matrix& C_out) {
  const std::size_t m = C_in.rows(), n = C_in.cols(), k = ta == Trans::kNo ? A.cols() : A.rows();
  Matrix R = C_in;
  gemm_reference(ta, tb, m, n, k, alpha, A.data(), A.cols(), B.data(), B.cols(), beta, R.data(), R.cols());
  const double gamma = (k + 2) * testing::kEps / (1.0 - (k + 2) * testing::kEps);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double abs_sum = 0.0;
      for (std::size_t p = 0; p < k; ++p) {
        const double a = ta == Trans::kNo ? A(i, p) : A(p, i);
        const double b = tb == Trans::kNo ? B(p, j) : B(j, p);
        abs_sum += std::fabs(a * b);
      }
      const double bound = 2.0 * gamma * (std::fabs(alpha) * abs_sum + std::fabs(beta) * std::fabs(C_in(i, j)));
      if (!(std::fabs(C_out(i, j) - R(i, j)) <= bound))
        return ::testing::AssertionFailure() << "op " << name(ta) << name(tb) << " m=" << m << " n=" << n
                                             << " k=" << k << ": C(" << i << ", " << j << ") = " << C_out(i, j)
                                             << ", reference " << R(i, j) << ", bound " << bound;
    }
  return ::testing::AssertionSuccess();
}

// Sizes chosen to straddle the blocking: the 12 x 16 register tile (1, 11, 13, 17, 31), the
// 144-row A block (150), the 320-deep k block (333, 650) and the 2048-column B block (2050).
TEST(Gemm, MatchesReferenceForAllTransposeCombinationsAtAwkwardSizes) {
  const std::size_t sizes[][3] = {{1, 1, 1},    {7, 5, 3},     {13, 17, 11},  {33, 65, 17}, {64, 64, 64},
                                  {130, 9, 301}, {150, 31, 333}, {12, 16, 650}, {3, 2050, 5}};
  for (Trans ta : kBoth)
    for (Trans tb : kBoth)
      for (const auto& sz : sizes) {
        const std::size_t m = sz[0], n = sz[1], k = sz[2];
        const Matrix A = random_operand(ta, m, k, 1), B = random_operand(tb, k, n, 2);
        const Matrix C0 = testing::random_matrix(m, n, 3);
        Matrix C = C0;
        gemm(ta, tb, 0.7, A, B, -1.3, C);
        EXPECT_TRUE(MatchesReference(ta, tb, 0.7, A, B, -1.3, C0, C));
      }
}

// [1 2; 3 4] [5 6; 7 8] = [19 22; 43 50]: small integers, so every step is exact.
TEST(Gemm, MultipliesSmallIntegerMatricesExactly) {
  const Matrix A = Matrix::from_rows({{1, 2}, {3, 4}}), B = Matrix::from_rows({{5, 6}, {7, 8}});
  Matrix C(2, 2);
  gemm(Trans::kNo, Trans::kNo, 1.0, A, B, 0.0, C);
  EXPECT_EQ(C, Matrix::from_rows({{19, 22}, {43, 50}}));
  // A^T B^T = (B A)^T, B A = [23 34; 31 46].
  gemm(Trans::kYes, Trans::kYes, 1.0, A, B, 0.0, C);
  EXPECT_EQ(C, Matrix::from_rows({{23, 31}, {34, 46}}));
  // 2 A B^T - C, with C = [1 1; 1 1]: A B^T = [17 23; 39 53].
  C.fill(1.0);
  gemm(Trans::kNo, Trans::kYes, 2.0, A, B, -1.0, C);
  EXPECT_EQ(C, Matrix::from_rows({{33, 45}, {77, 105}}));
}

// k = 1: every entry is one product a_i b_j, rounded once in both codes, so the outer product is
// exact to the last bit (alpha = 1, beta = 0).
TEST(Gemm, OuterProductWithKOneEqualsReferenceBitForBit) {
  for (Trans ta : kBoth)
    for (Trans tb : kBoth) {
      const Matrix A = random_operand(ta, 37, 1, 4), B = random_operand(tb, 1, 29, 5);
      Matrix C(37, 29, kNaN), R(37, 29);
      gemm(ta, tb, 1.0, A, B, 0.0, C);
      gemm_reference(ta, tb, 37, 29, 1, 1.0, A.data(), A.cols(), B.data(), B.cols(), 0.0, R.data(), R.cols());
      EXPECT_EQ(C, R) << "op " << name(ta) << name(tb);
    }
}

TEST(Gemm, EmptyOutputLeavesEverythingUntouched) {
  const Matrix A(0, 5), B(5, 4);
  Matrix C(0, 4);
  gemm(Trans::kNo, Trans::kNo, 1.0, A, B, 0.0, C);
  EXPECT_EQ(C.rows(), 0u);
  // n = 0 through the raw interface: C must not be written even though the pointer is valid.
  double sentinel = 42.0;
  const double a = 1.0;
  gemm_raw(Trans::kNo, Trans::kNo, 1, 0, 1, 1.0, &a, 1, &a, 1, 0.0, &sentinel, 1);
  EXPECT_EQ(sentinel, 42.0);
}

// k = 0: op(A) op(B) is an empty sum, so C = beta C; beta == 0 gives exact zeros even over NaN.
TEST(Gemm, ZeroInnerDimensionScalesCByBeta) {
  const Matrix A(6, 0), B(0, 7);
  const Matrix C0 = testing::random_matrix(6, 7, 6);
  Matrix C = C0;
  gemm(Trans::kNo, Trans::kNo, 3.0, A, B, 0.5, C);
  EXPECT_EQ(C, 0.5 * C0);
  Matrix D(6, 7, kNaN);
  gemm(Trans::kNo, Trans::kNo, 3.0, A, B, 0.0, D);
  EXPECT_EQ(D, Matrix(6, 7, 0.0));
}

// alpha == 0: BLAS does not read A or B, so NaN there does not reach C.
TEST(Gemm, AlphaZeroDoesNotReadOperands) {
  const Matrix A(20, 30, kNaN), B(30, 40, kNaN);
  const Matrix C0 = testing::random_matrix(20, 40, 7);
  Matrix C = C0;
  gemm(Trans::kNo, Trans::kNo, 0.0, A, B, 2.0, C);
  EXPECT_EQ(C, 2.0 * C0);
}

// beta == 0 overwrites without reading C, on full 12 x 16 tiles and on edge tiles alike.
TEST(Gemm, BetaZeroIgnoresNaNInC) {
  for (const auto& [m, n] : {std::pair<std::size_t, std::size_t>{4, 5}, {24, 32}, {25, 33}}) {
    const Matrix A = testing::random_matrix(m, 9, 1), B = testing::random_matrix(9, n, 2);
    Matrix C(m, n, kNaN);
    gemm(Trans::kNo, Trans::kNo, 1.0, A, B, 0.0, C);
    EXPECT_TRUE(all_finite(C)) << m << " x " << n;
    EXPECT_TRUE(MatchesReference(Trans::kNo, Trans::kNo, 1.0, A, B, 0.0, Matrix(m, n), C));
  }
}

// NaN in an operand must propagate (no shortcut skips entries).
TEST(Gemm, NaNInOperandPropagatesToItsRow) {
  Matrix A = testing::random_matrix(30, 20, 1);
  const Matrix B = testing::random_matrix(20, 18, 2);
  A(17, 3) = kNaN;
  Matrix C(30, 18);
  gemm(Trans::kNo, Trans::kNo, 1.0, A, B, 0.0, C);
  for (std::size_t j = 0; j < 18; ++j) EXPECT_TRUE(std::isnan(C(17, j))) << "column " << j;
  EXPECT_TRUE(std::isfinite(C(16, 0)) && std::isfinite(C(18, 17)));
}

// beta == 1 accumulates: two calls with half the columns of the inner dimension each add up to one
// call over all of it (within the reference bound of the one call).
TEST(Gemm, BetaOneAccumulatesIntoC) {
  const Matrix A = testing::random_matrix(40, 50, 1), B = testing::random_matrix(50, 35, 2);
  const Matrix C0 = testing::random_matrix(40, 35, 3);
  Matrix C = C0;
  gemm_raw(Trans::kNo, Trans::kNo, 40, 35, 25, 1.5, A.data(), 50, B.data(), 35, 1.0, C.data(), 35);
  gemm_raw(Trans::kNo, Trans::kNo, 40, 35, 25, 1.5, A.data() + 25, 50, B.row(25), 35, 1.0, C.data(), 35);
  EXPECT_TRUE(MatchesReference(Trans::kNo, Trans::kNo, 1.5, A, B, 1.0, C0, C));
}

// gemm_raw on sub-blocks of large buffers with leading dimensions far above the block widths: the
// block of C is right and nothing outside it is written.
TEST(Gemm, RawFormOnSubBlocksWithLargeStridesWritesOnlyTheBlock) {
  const std::size_t m = 29, n = 35, k = 23, ld = 1031;  // ld: odd, > 8 KiB between rows
  const std::size_t r0 = 3, c0 = 101;                   // offset of every block inside its buffer
  for (Trans ta : kBoth)
    for (Trans tb : kBoth) {
      const Matrix bigA = testing::random_matrix(40, ld, 8), bigB = testing::random_matrix(40, ld, 9);
      Matrix bigC = testing::random_matrix(40, ld, 10);
      const Matrix before = bigC;
      const std::size_t ar = ta == Trans::kNo ? m : k, ac = ta == Trans::kNo ? k : m;
      const std::size_t br = tb == Trans::kNo ? k : n, bc = tb == Trans::kNo ? n : k;
      gemm_raw(ta, tb, m, n, k, -0.9, bigA.row(r0) + c0, ld, bigB.row(r0) + c0, ld, 0.6, bigC.row(r0) + c0, ld);
      const Matrix A = block(bigA, r0, r0 + ar, c0, c0 + ac), B = block(bigB, r0, r0 + br, c0, c0 + bc);
      EXPECT_TRUE(MatchesReference(ta, tb, -0.9, A, B, 0.6, block(before, r0, r0 + m, c0, c0 + n),
                                   block(bigC, r0, r0 + m, c0, c0 + n)));
      std::size_t changed_outside = 0;
      for (std::size_t i = 0; i < bigC.rows(); ++i)
        for (std::size_t j = 0; j < ld; ++j) {
          const bool inside = i >= r0 && i < r0 + m && j >= c0 && j < c0 + n;
          if (!inside && bigC(i, j) != before(i, j)) ++changed_outside;
        }
      EXPECT_EQ(changed_outside, 0u) << "op " << name(ta) << name(tb);
    }
}

TEST(Gemm, ShapeMismatchNamesShapes) {
  Matrix A(3, 4), B(5, 2), C(3, 2);
  try {
    gemm(Trans::kNo, Trans::kNo, 1.0, A, B, 0.0, C);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("(3 x 4)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(5 x 2)"), std::string::npos) << e.what();
  }
  // Inner dimensions agree only without the transpose: A^T is (4 x 3), B (4 x 2) does not fit.
  Matrix B2(4, 2);
  EXPECT_THROW(gemm(Trans::kYes, Trans::kNo, 1.0, A, B2, 0.0, C), std::invalid_argument);
  // Output of the wrong shape.
  Matrix C2(2, 3);
  EXPECT_THROW(gemm(Trans::kNo, Trans::kNo, 1.0, A, B2, 0.0, C2), std::invalid_argument);
}

// Threads own fixed column panels computed by the same serial kernel, so every thread count gives
// the same bits.  Sizes are large enough that the work really is split (checked first), with n not
// a multiple of the tile width and k spanning two k blocks.
TEST(Gemm, ThreadedResultIsBitIdenticalToSerial) {
  const std::size_t sizes[][3] = {{300, 300, 300}, {150, 333, 350}, {401, 40, 650}};
  for (const auto& sz : sizes) {
    const std::size_t m = sz[0], n = sz[1], k = sz[2];
    for (int threads : {2, 3, 7}) {
      ASSERT_GT(gemm_thread_count(m, n, k, threads), 1) << m << " x " << n << " x " << k;
      for (Trans ta : kBoth)
        for (Trans tb : kBoth) {
          const Matrix A = random_operand(ta, m, k, 1), B = random_operand(tb, k, n, 2);
          const Matrix C0 = testing::random_matrix(m, n, 3);
          Matrix C1 = C0, Ct = C0;
          gemm(ta, tb, 1.1, A, B, 0.3, C1, 1);
          gemm(ta, tb, 1.1, A, B, 0.3, Ct, threads);
          EXPECT_EQ(C1, Ct) << "op " << name(ta) << name(tb) << " " << m << " x " << n << " x " << k
                            << ", threads " << threads;
        }
    }
  }
}

TEST(Gemm, ThreadCountStaysSerialForSmallProductsAndCapsAtPanels) {
  EXPECT_EQ(gemm_thread_count(10, 10, 10, 8), 1);     // 2000 flops: not worth a thread
  EXPECT_EQ(gemm_thread_count(300, 300, 300, 1), 1);  // never more than asked
  // n = 20: two 16-column panels with AVX-512 (five 4-column ones with SSE2): never more threads than panels.
  const std::size_t w = gemm_panel_width<double>();
  EXPECT_EQ(gemm_thread_count(2000, 20, 2000, 8), std::min<int>(8, (20 + w - 1) / w));
  EXPECT_EQ(gemm_thread_count(300, 300, 300, 0), 1);  // nonsense requests run serially
}

// pack_rhs + gemm_packed_rhs run the blocks, kernel and summation order of gemm_raw, minus the
// packing of op(B) per call, so they must give the same bits (not merely agree within rounding).
// Sizes straddle the register tile, the 320-deep k block (333, 650) and the 2048-column B block
// (2050); operands are sub-blocks of wider arrays (ld > width) to exercise the strides.
TEST(GemmPackedRhs, EqualsGemmRawBitForBitAtAwkwardSizes) {
  const std::size_t sizes[][3] = {{1, 1, 1},    {7, 5, 3},      {32, 300, 300}, {13, 17, 333},
                                  {40, 33, 650}, {3, 2050, 5}, {150, 31, 17}};
  for (Trans ta : kBoth)
    for (Trans tb : kBoth)
      for (const auto& sz : sizes)
        for (double beta : {0.0, 0.3}) {
          const std::size_t m = sz[0], n = sz[1], k = sz[2], pad = 3;
          const Matrix A = random_operand(ta, m, k + pad, 1), B = random_operand(tb, k + pad, n + pad, 2);
          const std::size_t lda = A.cols(), ldb = B.cols(), ldc = n + pad;
          const Matrix C0 = testing::random_matrix(m, ldc, 3);
          Matrix C_raw = C0, C_packed = C0;
          gemm_raw(ta, tb, m, n, k, -1.7, A.data(), lda, B.data(), ldb, beta, C_raw.data(), ldc);
          PackedRhs Bp;
          pack_rhs(tb, k, n, B.data(), ldb, Bp);
          ASSERT_EQ(Bp.k(), k);
          ASSERT_EQ(Bp.n(), n);
          gemm_packed_rhs(ta, m, -1.7, A.data(), lda, Bp, beta, C_packed.data(), ldc);
          EXPECT_EQ(C_raw, C_packed) << "op " << name(ta) << name(tb) << " m=" << m << " n=" << n
                                     << " k=" << k << " beta=" << beta;
        }
}

// The use it exists for: one packing, many left operands; then a smaller repack into the same
// object must replace the old panels entirely; a copy must multiply like the original.
TEST(GemmPackedRhs, ReusedRepackedAndCopiedOperandsStayExact) {
  const Matrix W = testing::random_matrix(300, 300, 4);
  PackedRhs Wp;
  pack_rhs(Trans::kYes, 300, 300, W.data(), 300, Wp);
  for (std::uint64_t seed = 10; seed < 14; ++seed) {
    const Matrix H = testing::random_matrix(32, 300, seed);
    Matrix C_raw(32, 300), C_packed(32, 300);
    gemm(Trans::kNo, Trans::kYes, 1.0, H, W, 0.0, C_raw);
    gemm_packed_rhs(Trans::kNo, 32, 1.0, H.data(), 300, Wp, 0.0, C_packed.data(), 300);
    EXPECT_EQ(C_raw, C_packed) << "left operand seed " << seed;
  }
  const Matrix V = testing::random_matrix(20, 9, 5), A = testing::random_matrix(6, 20, 6);
  pack_rhs(Trans::kNo, 20, 9, V.data(), 9, Wp);
  const PackedRhs copy = Wp;
  Matrix C_raw(6, 9), C_packed(6, 9), C_copy(6, 9);
  gemm(Trans::kNo, Trans::kNo, 1.0, A, V, 0.0, C_raw);
  gemm_packed_rhs(Trans::kNo, 6, 1.0, A.data(), 20, Wp, 0.0, C_packed.data(), 9);
  gemm_packed_rhs(Trans::kNo, 6, 1.0, A.data(), 20, copy, 0.0, C_copy.data(), 9);
  EXPECT_EQ(C_raw, C_packed);
  EXPECT_EQ(C_raw, C_copy);
}

// The BLAS rules of gemm_raw hold here too: alpha == 0 or k == 0 only scales C (a NaN in A is
// never read), beta == 0 does not read C, and an empty output touches nothing.
TEST(GemmPackedRhs, FollowsTheBlasRulesForZeroAlphaBetaAndSizes) {
  const Matrix B = testing::random_matrix(4, 5, 7);
  PackedRhs Bp;
  pack_rhs(Trans::kNo, 4, 5, B.data(), 5, Bp);
  const Matrix A_nan(3, 4, kNaN);
  Matrix C(3, 5, 2.0);
  gemm_packed_rhs(Trans::kNo, 3, 0.0, A_nan.data(), 4, Bp, 0.5, C.data(), 5);
  EXPECT_EQ(C, Matrix(3, 5, 1.0));
  Matrix C_nan(3, 5, kNaN), C_ref(3, 5, kNaN);
  const Matrix A = testing::random_matrix(3, 4, 8);
  gemm_packed_rhs(Trans::kNo, 3, 1.0, A.data(), 4, Bp, 0.0, C_nan.data(), 5);
  gemm_raw(Trans::kNo, Trans::kNo, 3, 5, 4, 1.0, A.data(), 4, B.data(), 5, 0.0, C_ref.data(), 5);
  EXPECT_EQ(C_nan, C_ref);
  PackedRhs empty_k;
  pack_rhs(Trans::kNo, 0, 5, B.data(), 5, empty_k);
  Matrix C2(3, 5, 2.0);
  gemm_packed_rhs(Trans::kNo, 3, 1.0, A.data(), 4, empty_k, 3.0, C2.data(), 5);
  EXPECT_EQ(C2, Matrix(3, 5, 6.0));
  Matrix C3(1, 1, 9.0);
  gemm_packed_rhs(Trans::kNo, 0, 1.0, A_nan.data(), 4, Bp, 0.0, C3.data(), 5);
  EXPECT_EQ(C3(0, 0), 9.0);
}

// An untransposed A is read in place in whole tile-height panels, and only its last partial panel
// is packed (with zero rows).  Poison everything around the m x k block of A (rows past m, columns
// past k) with NaN, and give C sentinel rows past m: the block must equal the plain product and the
// sentinels must survive (a panel read in place past row m would also write C past row m), for m on
// either tile height (13 -> 8-row tiles, 30 -> 12) and m = 32 (whole 8-row panels only).
TEST(Gemm, InPlaceReadOfUntransposedANeverTouchesEntriesOutsideTheBlock) {
  for (std::size_t m : {13u, 30u, 32u}) {
    const std::size_t n = 20, k = 9, lda = k + 4, extra = 12;
    Matrix A(m + extra, lda, kNaN);
    const Matrix inner = testing::random_matrix(m, k, 9), B = testing::random_matrix(k, n, 10);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t p = 0; p < k; ++p) A(i, p) = inner(i, p);
    Matrix C(m + extra, n, 7.0), C_ref(m, n);
    gemm_raw(Trans::kNo, Trans::kNo, m, n, k, 1.0, A.data(), lda, B.data(), n, 0.0, C.data(), n);
    gemm(Trans::kNo, Trans::kNo, 1.0, inner, B, 0.0, C_ref);
    EXPECT_EQ(block(C, 0, m, 0, n), C_ref) << "m = " << m;
    for (std::size_t i = m; i < m + extra; ++i)
      for (std::size_t j = 0; j < n; ++j)
        ASSERT_EQ(C(i, j), 7.0) << "m = " << m << ", sentinel C(" << i << ", " << j << ")";
  }
}

}  // namespace
}  // namespace rl
