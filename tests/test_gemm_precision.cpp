// GEMM in both scalar types, float and double, from the one template of linalg/gemm.cpp: error ratios
// against the exact product in the style of the LAPACK/BLAS test drivers, and the bit-identity
// promises (threads, pre-packed operand) for float too.  docs/gemm.md#accuracy-in-float-and-double
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "linalg/gemm.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

const Trans kBoth[] = {Trans::kNo, Trans::kYes};

// A wider type in which the exact product is computed: a float product is exact in double (24 + 24
// significant bits < 53), and a sum of k of them in double is off by at most k eps_double, 2^-29 of
// float's eps; double products are summed in long double (64 significant bits on x86: 2^-11 of
// double's eps).  Either way the "truth" is good to far below the ratios' resolution.
template <class T>
struct Wider;
template <>
struct Wider<float> {
  using type = double;
};
template <>
struct Wider<double> {
  using type = long double;
};

// An m x n operand of N(0, 1) values rounded to T (row-major, stored rows x cols).
template <class T>
std::vector<T> random_values(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  const Matrix M = testing::random_matrix(rows, cols, seed);
  return std::vector<T>(M.values().begin(), M.values().end());
}

// One product C = alpha op(A) op(B) + beta C0 (m x n x k) with its inputs, stored row-major tightly.
template <class T>
struct Product {
  Trans ta, tb;
  std::size_t m, n, k;
  T alpha, beta;
  std::vector<T> A, B, C0;
  std::size_t lda() const { return ta == Trans::kNo ? k : m; }
  std::size_t ldb() const { return tb == Trans::kNo ? n : k; }
  T a(std::size_t i, std::size_t p) const { return ta == Trans::kNo ? A[i * k + p] : A[p * m + i]; }
  T b(std::size_t p, std::size_t j) const { return tb == Trans::kNo ? B[p * n + j] : B[j * k + p]; }
};

template <class T>
Product<T> make_product(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, T alpha, T beta) {
  return {ta, tb, m, n, k, alpha, beta, random_values<T>(m, k, 1), random_values<T>(k, n, 2),
          random_values<T>(m, n, 3)};
}

// The LAPACK-style error ratio (the BLAS test drivers' xMMCH, normalised by the a priori bound):
//   max_ij |C_ij - C_true_ij| / ((k + 2) eps_T G_ij),   G_ij = |alpha| sum_p |a_ip b_pj| + |beta| |c0_ij|.
// Any order of the k multiply-adds (FMA or not), then alpha and beta, puts C within
// gamma_{k+2} G_ij of the truth (Higham, "Accuracy and Stability of Numerical Algorithms", 3.1), with
// gamma_n = n eps / (1 - n eps): the ratio is at most 1 / (1 - (k + 2) eps) for a correct kernel.  A
// lost or doubled term, a wrong lane or a value rounded to a narrower type gives a ratio of order
// 1 / eps.  (xMMCH itself divides by eps G without the k + 2 and accepts up to 16.)
template <class T>
double error_ratio(const Product<T>& P, const std::vector<T>& C) {
  using W = typename Wider<T>::type;
  const double eps = std::numeric_limits<T>::epsilon();
  double worst = 0.0;
  for (std::size_t i = 0; i < P.m; ++i)
    for (std::size_t j = 0; j < P.n; ++j) {
      W exact = 0, magnitude = 0;
      for (std::size_t p = 0; p < P.k; ++p) {
        exact += W(P.a(i, p)) * W(P.b(p, j));
        magnitude += std::fabs(W(P.a(i, p)) * W(P.b(p, j)));
      }
      const W c0 = P.C0[i * P.n + j];
      const W truth = W(P.alpha) * exact + W(P.beta) * c0;
      const W g = std::fabs(W(P.alpha)) * magnitude + std::fabs(W(P.beta) * c0);
      const double err = double(std::fabs(W(C[i * P.n + j]) - truth));
      if (g > 0) worst = std::max(worst, err / ((P.k + 2) * eps * double(g)));
      else if (err > 0) return std::numeric_limits<double>::infinity();
    }
  return worst;
}

template <class T>
std::vector<T> fast(const Product<T>& P, int threads = 1) {
  std::vector<T> C = P.C0;
  gemm_raw(P.ta, P.tb, P.m, P.n, P.k, P.alpha, P.A.data(), P.lda(), P.B.data(), P.ldb(), P.beta, C.data(), P.n,
           threads);
  return C;
}

template <class T>
std::vector<T> reference(const Product<T>& P) {
  std::vector<T> C = P.C0;
  gemm_reference(P.ta, P.tb, P.m, P.n, P.k, P.alpha, P.A.data(), P.lda(), P.B.data(), P.ldb(), P.beta, C.data(),
                 P.n);
  return C;
}

template <class T>
class GemmPrecision : public ::testing::Test {};
using ScalarTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(GemmPrecision, ScalarTypes);

// Sizes straddle the register tiles of every target (6 or 12 rows; 4 to 32 columns: 33, 65), the
// 144-row A block (150), the 320-deep k block (333, 650) and the 2048-column B block (2050).
const std::size_t kSizes[][3] = {{1, 1, 1},   {7, 5, 3},      {13, 33, 11},  {33, 65, 17},
                                 {32, 70, 300}, {150, 31, 333}, {12, 40, 650}, {3, 2050, 5}};

// The blocked kernel and the reference loop are each within the a priori bound of the exact product
// (ratio <= 1, plus 1 % for the (1 - (k + 2) eps) denominator and the wider truth's own rounding),
// for every transpose pair, with alpha and beta both active.  The bound is what any summation order
// guarantees, so it holds in every build (AVX-512, SSE2, ...).  Observed ratios are 0.01-0.1.
TYPED_TEST(GemmPrecision, FastAndReferenceErrorRatiosStayWithinTheDotProductBound) {
  using T = TypeParam;
  for (Trans ta : kBoth)
    for (Trans tb : kBoth)
      for (const auto& sz : kSizes) {
        const Product<T> P = make_product<T>(ta, tb, sz[0], sz[1], sz[2], T(0.7), T(-1.3));
        const double r_fast = error_ratio(P, fast(P)), r_ref = error_ratio(P, reference(P));
        EXPECT_LE(r_fast, 1.01) << "fast, m=" << P.m << " n=" << P.n << " k=" << P.k;
        EXPECT_LE(r_ref, 1.01) << "reference, m=" << P.m << " n=" << P.n << " k=" << P.k;
      }
}

// Float is really computed in float: a kernel that silently summed in double and rounded once at
// the end would pass the bound above, but it would return the exact product rounded to float in
// (almost) every entry.  Summing 300 float products rounds at every step, so most entries differ
// from that correctly rounded value.
TEST(GemmPrecision, FloatKernelRoundsInFloat) {
  const Product<float> P = make_product<float>(Trans::kNo, Trans::kNo, 64, 64, 300, 1.0f, 0.0f);
  const std::vector<float> C = fast(P);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < P.m; ++i)
    for (std::size_t j = 0; j < P.n; ++j) {
      double exact = 0;  // exact to double's rounding (each product of two floats is exact in double)
      for (std::size_t p = 0; p < P.k; ++p) exact += double(P.a(i, p)) * double(P.b(p, j));
      if (C[i * P.n + j] != float(exact)) ++differ;
    }
  EXPECT_GT(differ, C.size() / 2);
}

// Threads own whole column panels computed by the same serial kernel, and a pre-packed right operand
// runs the same blocks: both give the bits of one thread, in either scalar type.
TYPED_TEST(GemmPrecision, ThreadsAndPrePackedOperandGiveTheBitsOfOneThread) {
  using T = TypeParam;
  const std::size_t sizes[][3] = {{64, 200, 340}, {150, 97, 350}, {32, 300, 300}};  // k across two blocks
  for (Trans ta : kBoth)
    for (Trans tb : kBoth)
      for (const auto& sz : sizes) {
        const Product<T> P = make_product<T>(ta, tb, sz[0], sz[1], sz[2], T(1.1), T(0.3));
        const std::vector<T> one = fast(P, 1);
        if (sz[0] != 32) {  // the RNN step's shape stays on one thread (under the flop threshold)
          ASSERT_GT(gemm_thread_count<T>(P.m, P.n, P.k, 3), 1);
          EXPECT_EQ(one, fast(P, 3)) << P.m << " x " << P.n;
        }
        BasicPackedRhs<T> Bp;
        pack_rhs(tb, P.k, P.n, P.B.data(), P.ldb(), Bp);
        std::vector<T> C = P.C0;
        gemm_packed_rhs(ta, P.m, P.alpha, P.A.data(), P.lda(), Bp, P.beta, C.data(), P.n);
        EXPECT_EQ(one, C) << "pre-packed, " << P.m << " x " << P.n << " x " << P.k;
      }
}

// The narrow edge tile (docs/gemm.md#the-narrow-edge-tile): a last panel with at most one vector of
// valid columns is multiplied by a tile half as wide.  Its columns must carry the bits the two-vector
// tile gives them, so the same product with lanes + 1 - r more columns (a last panel of lanes + 1
// columns, which the two-vector tile multiplies) must agree entry for entry on the shared columns; and
// both stay within the a priori bound.  n = q * width + r for r = 1, lanes / 2 and lanes.
TYPED_TEST(GemmPrecision, NarrowEdgeTileGivesTheBitsOfTheTwoVectorTile) {
  using T = TypeParam;
  const std::size_t width = gemm_panel_width<T>(), lanes = width / 2;
  for (Trans ta : kBoth)
    for (Trans tb : kBoth)
      for (const std::size_t r : {std::size_t(1), std::max<std::size_t>(1, lanes / 2), lanes})
        for (const std::size_t m : {std::size_t(13), std::size_t(150)}) {
          const std::size_t n = 2 * width + r, k = 333;  // k across two 320-deep blocks
          const Product<T> wide = make_product<T>(ta, tb, m, n + (lanes + 1 - r), k, T(1.1), T(0.3));
          Product<T> P = wide;  // the same values on the first n columns of B and C0
          P.n = n;
          P.B.clear();
          P.C0.clear();
          for (std::size_t p = 0; p < k; ++p)
            for (std::size_t j = 0; j < n; ++j) P.B.push_back(0);
          for (std::size_t p = 0; p < k; ++p)
            for (std::size_t j = 0; j < n; ++j)
              (tb == Trans::kNo ? P.B[p * n + j] : P.B[j * k + p]) = wide.b(p, j);
          for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) P.C0.push_back(wide.C0[i * wide.n + j]);
          const std::vector<T> narrow = fast(P), full = fast(wide);
          for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j)
              ASSERT_EQ(narrow[i * n + j], full[i * wide.n + j])
                  << "C(" << i << ", " << j << ") of " << m << " x " << n << " x " << k << ", last panel " << r
                  << " of " << width << " columns: the narrow tile's bits differ from the two-vector tile's "
                  << "(linalg/gemm.cpp, micro_kernel)";
          EXPECT_LE(error_ratio(P, narrow), 1.01) << m << " x " << n;
        }
}

// A transposed B is packed by a register transpose, kLanes values of k at a time (linalg/gemm.cpp,
// transposed_panel_rows), and the rest by the scalar loop; an untransposed B is packed by plain
// copies.  Packing must only move values, so op(B) = B^T and the same op(B) stored explicitly must give
// the same bits, for whole panels and the last partial one, k with and without a tail past whole
// vectors, across the 320-deep block, with B a block of a wider array (ldb > k).
TYPED_TEST(GemmPrecision, TransposedOperandPacksToTheBitsOfItsExplicitTranspose) {
  using T = TypeParam;
  const std::size_t width = gemm_panel_width<T>();
  for (const std::size_t k : {std::size_t(5), width / 2, width / 2 + 3, std::size_t(333), std::size_t(784)})
    for (const std::size_t n : {width, 3 * width + 4, 2 * width + 1}) {
      const std::size_t m = 13, ldb = k + 7;  // B^T stored as n rows of ldb values, k of them used
      const Matrix Bt = testing::random_matrix(n, ldb, 5 + k + n), A = testing::random_matrix(m, k, 6);
      std::vector<T> bt(Bt.values().begin(), Bt.values().end()), a(A.values().begin(), A.values().end());
      std::vector<T> b(k * n);  // the same op(B), stored k x n
      for (std::size_t p = 0; p < k; ++p)
        for (std::size_t j = 0; j < n; ++j) b[p * n + j] = bt[j * ldb + p];
      std::vector<T> via_transpose(m * n), via_copy(m * n);
      gemm_raw<T>(Trans::kNo, Trans::kYes, m, n, k, T(1), a.data(), k, bt.data(), ldb, T(0), via_transpose.data(), n);
      gemm_raw<T>(Trans::kNo, Trans::kNo, m, n, k, T(1), a.data(), k, b.data(), n, T(0), via_copy.data(), n);
      EXPECT_EQ(via_transpose, via_copy) << m << " x " << n << " x " << k
                                         << ": the transposed packing put a value in another place (linalg/gemm.cpp, pack_b)";
    }
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
  EXPECT_TRUE(gemm_packs_transposed_in_registers()) << "this compiler has __builtin_shufflevector: the register "
                                                       "transpose should have run (linalg/gemm.cpp, RL_HAVE_SHUFFLEVECTOR)";
#endif
}

// The register tile follows the instruction set (linalg/simd_width.h): two vector registers wide,
// so twice as many float columns as double ones; 16 doubles on AVX-512, the tile the repository's
// float64 numbers were computed with.
TEST(GemmPrecision, PanelWidthIsTwoVectorRegistersOfTheTarget) {
  EXPECT_EQ(gemm_panel_width<double>(), 2 * kSimdBytes / sizeof(double));
  EXPECT_EQ(gemm_panel_width<float>(), 2 * gemm_panel_width<double>());
#if defined(__AVX512F__)
  EXPECT_EQ(gemm_panel_width<double>(), 16u);
#elif defined(__AVX__)
  EXPECT_EQ(gemm_panel_width<double>(), 8u);
#elif defined(__SSE2__)
  EXPECT_EQ(gemm_panel_width<double>(), 4u);
#endif
  // Threads split C in whole panels: never more threads than panels.
  const std::size_t w = gemm_panel_width<float>();
  EXPECT_EQ(gemm_thread_count<float>(2000, w + 1, 2000, 8), 2);
  EXPECT_EQ(gemm_thread_count<float>(2000, w, 2000, 8), 1);
}

}  // namespace
}  // namespace rl
