// row_dots (linalg/row_dots.h): C = A B^T for n <= 4 columns as dot products of rows, in float and
// double, against the exact product (the a priori dot-product bound, as tests/test_gemm_precision.cpp
// checks the GEMM) and against its plain loop; it reads only the k values of each row it is given.
#include "linalg/row_dots.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "linalg/simd_width.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

// A (rows x ld) block of N(0, 1) values rounded to T whose columns k .. ld - 1 are NaN: a kernel that
// reads past the k values of a row poisons its result.
template <class T>
std::vector<T> rows_with_poisoned_padding(std::size_t rows, std::size_t k, std::size_t ld, std::uint64_t seed) {
  const Matrix M = testing::random_matrix(rows, k, seed);
  std::vector<T> out(rows * ld, std::numeric_limits<T>::quiet_NaN());
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t p = 0; p < k; ++p) out[i * ld + p] = static_cast<T>(M(i, p));
  return out;
}

// max over entries of |C - exact| / (k eps_T sum_p |a_ip b_jp|): at most 1 / (1 - k eps) for any
// order of the sums (Higham 3.1); a lost, doubled or misplaced term gives about 1 / eps.
template <class T>
double worst_error_ratio(std::size_t m, std::size_t n, std::size_t k, const std::vector<T>& A, std::size_t lda,
                         const std::vector<T>& B, std::size_t ldb, const std::vector<T>& C, std::size_t ldc) {
  const double eps = std::numeric_limits<T>::epsilon();
  double worst = 0.0;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      long double exact = 0, magnitude = 0;
      for (std::size_t p = 0; p < k; ++p) {
        const long double term = static_cast<long double>(A[i * lda + p]) * B[j * ldb + p];
        exact += term;
        magnitude += std::fabs(term);
      }
      const double err = static_cast<double>(std::fabs(C[i * ldc + j] - exact));
      if (std::isnan(err) || (magnitude == 0 && err > 0)) return std::numeric_limits<double>::infinity();
      if (magnitude > 0) worst = std::max(worst, err / (k * eps * static_cast<double>(magnitude)));
    }
  return worst;
}

template <class T>
class RowDots : public ::testing::Test {};
using ScalarTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(RowDots, ScalarTypes);

// Sizes around every lane count (k = 1 .. 2 vectors and tails, Fig. 4B's 784, a long 1000) and
// around the kernel's row blocks (m = 1 .. 9 and 37: blocks of 4 or 2 and the rest), every n <= 4,
// rows strided past their k values (NaN there) and C strided too.
TYPED_TEST(RowDots, StaysWithinTheDotProductBoundAndReadsOnlyItsRows) {
  using T = TypeParam;
  for (std::size_t k : {1, 3, 7, 8, 15, 16, 17, 33, 784, 1000})
    for (std::size_t m : {1, 2, 3, 4, 5, 9, 37})
      for (std::size_t n = 1; n <= kRowDotsMaxColumns; ++n) {
        const std::size_t lda = k + 5, ldb = k + 3, ldc = n + 2;
        const std::vector<T> A = rows_with_poisoned_padding<T>(m, k, lda, 10 + k);
        const std::vector<T> B = rows_with_poisoned_padding<T>(n, k, ldb, 20 + k);
        std::vector<T> C(m * ldc, T(-7)), R(m * ldc, T(-7));
        row_dots(m, n, k, A.data(), lda, B.data(), ldb, C.data(), ldc);
        row_dots_reference(m, n, k, A.data(), lda, B.data(), ldb, R.data(), ldc);
        EXPECT_LE(worst_error_ratio(m, n, k, A, lda, B, ldb, C, ldc), 1.01) << "row_dots m=" << m << " n=" << n << " k=" << k;
        EXPECT_LE(worst_error_ratio(m, n, k, A, lda, B, ldb, R, ldc), 1.01) << "reference m=" << m << " n=" << n << " k=" << k;
        for (std::size_t i = 0; i < m; ++i)
          for (std::size_t j = n; j < ldc; ++j)
            ASSERT_EQ(C[i * ldc + j], T(-7)) << "row_dots wrote outside its n columns at (" << i << ", " << j << ")";
      }
}

// Deterministic: the same inputs give the same bits wherever the operands sit in memory (the order of
// the sums depends on k and the lane count only, never on an address).
TYPED_TEST(RowDots, SameBitsWhereverTheOperandsSit) {
  using T = TypeParam;
  const std::size_t m = 9, n = 4, k = 101;
  const std::vector<T> A = rows_with_poisoned_padding<T>(m, k, k, 1), B = rows_with_poisoned_padding<T>(n, k, k, 2);
  std::vector<T> C(m * n);
  row_dots(m, n, k, A.data(), k, B.data(), k, C.data(), n);
  for (std::size_t shift = 1; shift < 16; shift += 5) {  // copies starting `shift` values later
    std::vector<T> A2(shift + A.size()), B2(shift + B.size()), C2(m * n);
    std::copy(A.begin(), A.end(), A2.begin() + shift);
    std::copy(B.begin(), B.end(), B2.begin() + shift);
    row_dots(m, n, k, A2.data() + shift, k, B2.data() + shift, k, C2.data(), n);
    EXPECT_EQ(C2, C) << "operands shifted by " << shift << " values";
  }
}

// The documented order, one scalar at a time: lane l of a vector accumulator sums the terms p = l,
// l + kLanes, ... of the whole vectors, the lanes are added as a pairwise tree (l and l + kLanes / 2,
// and so on), then the last k mod kLanes terms in increasing p.  Multiply-adds are fused where the
// target has FMA, as the compiler fuses the kernel's `acc += a * b`.
template <class T>
T multiply_add(T a, T b, T sum) {
#ifdef __FMA__
  return std::fma(a, b, sum);
#else
  return sum + a * b;
#endif
}

template <class T>
T documented_order(const T* a, const T* b, std::size_t k) {
  constexpr std::size_t kLanes = SimdVec<T>::kLanes;
  const std::size_t k_vectors = k / kLanes * kLanes;
  T lanes[kLanes] = {};
  for (std::size_t p = 0; p < k_vectors; ++p) lanes[p % kLanes] = multiply_add(a[p], b[p], lanes[p % kLanes]);
  for (std::size_t width = kLanes / 2; width >= 1; width /= 2)
    for (std::size_t l = 0; l < width; ++l) lanes[l] += lanes[l + width];
  T sum = lanes[0];
  for (std::size_t p = k_vectors; p < k; ++p) sum = multiply_add(a[p], b[p], sum);
  return sum;
}

// Bit for bit the order the header documents, on N(0, 1) values where another order rounds otherwise
// (k = 37: whole vectors and a tail on every target).
TYPED_TEST(RowDots, SumsInTheDocumentedOrder) {
  using T = TypeParam;
  const std::size_t m = 9, n = 4, k = 37;
  const std::vector<T> A = rows_with_poisoned_padding<T>(m, k, k, 3), B = rows_with_poisoned_padding<T>(n, k, k, 4);
  std::vector<T> C(m * n);
  row_dots(m, n, k, A.data(), k, B.data(), k, C.data(), n);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      ASSERT_EQ(C[i * n + j], documented_order(A.data() + i * k, B.data() + j * k, k))
          << "C(" << i << ", " << j << "): row_dots does not sum in the order linalg/row_dots.h states";
}

TEST(RowDots, RefusesMoreThanFourColumnsAndDoesNothingForNone) {
  std::vector<double> A(10, 1.0), C(10, 5.0);
  EXPECT_THROW(row_dots<double>(2, 5, 2, A.data(), 2, A.data(), 2, C.data(), 5), std::invalid_argument);
  row_dots<double>(2, 0, 2, A.data(), 2, A.data(), 2, C.data(), 5);
  EXPECT_EQ(C, std::vector<double>(10, 5.0));
}

}  // namespace
}  // namespace rl
