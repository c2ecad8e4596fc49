#include "linalg/gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/test_helpers.h"

namespace rl {
namespace {

// Every transpose combination at awkward sizes (not multiples of any block) against the
// reference triple loop.  The blocked kernel sums in a different order, so compare within
// k * eps * sum |a||b| (the standard dot-product error bound, Higham 3.1).
TEST(Gemm, MatchesReferenceForAllTransposeCombinations) {
  const std::size_t sizes[][3] = {{1, 1, 1}, {7, 5, 3}, {33, 65, 17}, {64, 64, 64}, {130, 9, 301}};
  for (auto ta : {Trans::kNo, Trans::kYes})
    for (auto tb : {Trans::kNo, Trans::kYes})
      for (const auto& sz : sizes) {
        const std::size_t m = sz[0], n = sz[1], k = sz[2];
        Matrix A = ta == Trans::kNo ? testing::random_matrix(m, k, 1) : testing::random_matrix(k, m, 1);
        Matrix B = tb == Trans::kNo ? testing::random_matrix(k, n, 2) : testing::random_matrix(n, k, 2);
        Matrix C = testing::random_matrix(m, n, 3);
        Matrix R = C;
        gemm(ta, tb, 0.7, A, B, -1.3, C);
        gemm_reference(ta, tb, m, n, k, 0.7, A.data(), A.cols(), B.data(), B.cols(), -1.3, R.data(),
                       R.cols());
        EXPECT_TRUE(testing::MatricesNear(C, R, 4.0 * k * testing::kEps * k))
            << "ta=" << int(ta) << " tb=" << int(tb) << " m=" << m << " n=" << n << " k=" << k;
      }
}

TEST(Gemm, BetaZeroIgnoresNaNInC) {
  Matrix A = testing::random_matrix(4, 3, 1), B = testing::random_matrix(3, 5, 2);
  Matrix C(4, 5, std::numeric_limits<double>::quiet_NaN());
  gemm(Trans::kNo, Trans::kNo, 1.0, A, B, 0.0, C);
  EXPECT_TRUE(all_finite(C));
}

TEST(Gemm, ShapeMismatchNamesShapes) {
  Matrix A(3, 4), B(5, 2), C(3, 2);
  try {
    gemm(Trans::kNo, Trans::kNo, 1.0, A, B, 0.0, C);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("(3 x 4)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(5 x 2)"), std::string::npos) << e.what();
  }
}

TEST(Gemm, TwoThreadsAreBitIdenticalToOne) {
  Matrix A = testing::random_matrix(300, 300, 1), B = testing::random_matrix(300, 300, 2);
  Matrix C1(300, 300), C2(300, 300);
  gemm(Trans::kNo, Trans::kYes, 1.0, A, B, 0.0, C1, 1);
  gemm(Trans::kNo, Trans::kYes, 1.0, A, B, 0.0, C2, 2);
  EXPECT_EQ(C1, C2);
}

}  // namespace
}  // namespace rl
