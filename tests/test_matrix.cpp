#include "linalg/matrix.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "tests/test_helpers.h"

namespace rl {
namespace {

TEST(Matrix, StoresRowMajor) {
  Matrix m = Matrix::from_rows({{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(m.rows(), 2u);
  EXPECT_EQ(m.cols(), 3u);
  EXPECT_EQ(m.data()[1], 2.0);
  EXPECT_EQ(m.data()[3], 4.0);
  EXPECT_EQ(m(1, 2), 6.0);
}

TEST(Matrix, HasValueSemantics) {
  Matrix a = Matrix::from_rows({{1, 2}});
  Matrix b = a;
  b(0, 0) = 9;
  EXPECT_EQ(a(0, 0), 1.0);
}

TEST(Matrix, RaggedRowsAreRejected) {
  EXPECT_THROW(Matrix::from_rows({{1, 2}, {3}}), std::invalid_argument);
}

#ifndef NDEBUG
TEST(Matrix, AccessIsBoundsCheckedInDebugBuilds) {
  Matrix m(2, 2);
  EXPECT_THROW(m(2, 0), std::out_of_range);
}
#endif

TEST(Matrix, ShapeErrorsNameBothShapes) {
  Matrix a(2, 3), b(3, 2);
  try {
    a += b;
    FAIL() << "expected a shape error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("(2 x 3)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(3 x 2)"), std::string::npos) << e.what();
  }
}

TEST(Matrix, TransposeOfTransposeIsIdentity) {
  Matrix a = testing::random_matrix(37, 71, 1);
  EXPECT_EQ(transpose(transpose(a)), a);
  EXPECT_EQ(transpose(a)(5, 30), a(30, 5));
}

TEST(Matrix, MatmulExactOnIntegers) {
  Matrix a = Matrix::from_rows({{1, 2}, {3, 4}});
  Matrix b = Matrix::from_rows({{5, 6}, {7, 8}});
  EXPECT_EQ(matmul(a, b), Matrix::from_rows({{19, 22}, {43, 50}}));
}

TEST(Matrix, RequireFiniteNamesTheEntry) {
  Matrix a(2, 2);
  a(1, 0) = std::numeric_limits<double>::quiet_NaN();
  try {
    require_finite(a, "weights");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("weights"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("(1, 0)"), std::string::npos);
  }
}

TEST(Matrix, BlockAndMatvec) {
  Matrix a = Matrix::from_rows({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
  EXPECT_EQ(block(a, 1, 3, 0, 2), Matrix::from_rows({{4, 5}, {7, 8}}));
  EXPECT_EQ(matvec(a, {1, 0, -1}), (std::vector<double>{-2, -2, -2}));
  EXPECT_THROW(block(a, 0, 4, 0, 1), std::invalid_argument);
}

// all_finite sums x * 0 in 32 lanes plus a tail: every position of a 67-entry matrix (two full
// rounds of lanes and a 3-entry tail) must see NaN, +Inf and -Inf, and the largest, smallest and
// signed-zero finite values must pass.
TEST(Matrix, AllFiniteFindsABadValueInAnyLaneAndInTheTail) {
  Matrix m(1, 67, std::numeric_limits<double>::max());
  m(0, 1) = -std::numeric_limits<double>::max();
  m(0, 2) = std::numeric_limits<double>::denorm_min();
  m(0, 3) = -0.0;
  EXPECT_TRUE(all_finite(m));
  EXPECT_TRUE(all_finite(Matrix()));
  for (double bad : {std::nan(""), HUGE_VAL, -HUGE_VAL})
    for (std::size_t j = 0; j < m.cols(); ++j) {
      Matrix b = m;
      b(0, j) = bad;
      EXPECT_FALSE(all_finite(b)) << bad << " at column " << j << " of 67 (linalg/matrix.cpp: all_finite)";
    }
}

}  // namespace
}  // namespace rl

namespace rl {
namespace {

// Every matrix's storage starts on a 64-byte cache line (linalg/cache_line_allocator.h), however it was
// made: so rows of a multiple of 16 floats or 8 doubles never straddle two lines in a vector load.
TEST(Matrix, StorageStartsOnACacheLineHoweverItWasMade) {
  auto aligned = [](const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; };
  for (std::size_t n : {1, 3, 17, 1000, 300 * 784}) {
    Matrix a(1, n);
    MatrixF f(n, 1);
    Matrix copy = a, source(n, 2);
    Matrix moved = std::move(source);
    Matrix from = Matrix::from_vector(1, n, std::vector<double>(n, 1.0));
    MatrixF cast = cast_matrix<float>(a);
    ensure_shape(copy, n, 3);
    for (const void* p : {static_cast<const void*>(a.data()), static_cast<const void*>(f.data()),
                          static_cast<const void*>(copy.data()), static_cast<const void*>(moved.data()),
                          static_cast<const void*>(from.data()), static_cast<const void*>(cast.data())})
      EXPECT_TRUE(aligned(p)) << "n = " << n << ": storage at " << p;
  }
}

}  // namespace
}  // namespace rl
