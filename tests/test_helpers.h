// Shared helpers for the GoogleTest suite.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#include "linalg/matrix.h"
#include "linalg/rng.h"

namespace rl::testing {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// A rows x cols matrix of iid N(0, 1) entries from a fixed seed.
inline Matrix random_matrix(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  Rng rng(seed);
  Matrix m(rows, cols);
  for (double& v : m.values()) v = rng.normal();
  return m;
}

// EXPECT that every |a_ij - b_ij| <= tol, reporting the worst entry.
inline ::testing::AssertionResult MatricesNear(const Matrix& a, const Matrix& b, double tol) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    return ::testing::AssertionFailure() << "shape " << shape_str(a) << " vs " << shape_str(b);
  double worst = 0.0;
  std::size_t wi = 0, wj = 0;
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) {
      const double d = std::fabs(a(i, j) - b(i, j));
      if (!(d <= worst)) {
        worst = d;
        wi = i;
        wj = j;
      }
    }
  if (worst <= tol) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "max |a - b| = " << worst << " at (" << wi << ", " << wj
                                       << "): " << a(wi, wj) << " vs " << b(wi, wj)
                                       << ", tolerance " << tol;
}

// EXPECT that `got` and `want` hold the same bits in every entry (a fast path against its plain route):
// on failure, how many entries differ and the first one, both values to 17 digits.
inline ::testing::AssertionResult SameBits(const Matrix& got, const Matrix& want) {
  if (got.rows() != want.rows() || got.cols() != want.cols())
    return ::testing::AssertionFailure() << "shape " << shape_str(got) << ", expected " << shape_str(want);
  std::size_t differ = 0, first = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (std::memcmp(got.data() + i, want.data() + i, sizeof(double)) != 0 && differ++ == 0) first = i;
  if (differ == 0) return ::testing::AssertionSuccess();
  const std::size_t r = first / got.cols(), c = first % got.cols();
  char values[96];
  std::snprintf(values, sizeof values, "%.17g, expected %.17g", got.data()[first], want.data()[first]);
  return ::testing::AssertionFailure() << differ << " of " << got.size()
                                       << " entries differ in their bits; the first, (" << r << ", " << c
                                       << "): got " << values;
}

}  // namespace rl::testing
