// Tests for theory/linear_setup: the student-teacher building blocks deliver exactly what the
// theory assumes (X X^T = n I, planted spectra, norms).
#include "theory/linear_setup.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "linalg/effective_rank.h"
#include "linalg/norms.h"
#include "linalg/svd.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

using rl::testing::kEps;
using rl::testing::MatricesNear;

TEST(LinearSetup, FirstLayerHasPlantedSpectrumAndNorm) {
  Rng rng(2);
  const std::vector<double> s = {4.0, 2.0, 1.0};
  const Matrix W1 = first_layer_with_spectrum(10, 6, s, 1e-3, rng);
  EXPECT_NEAR(frobenius_norm(W1), 1e-3, 8 * kEps * 1e-3);
  const std::vector<double> got = singular_values(W1);
  const double scale = 1e-3 / std::sqrt(16.0 + 4.0 + 1.0);  // Frobenius rescaling of s
  ASSERT_EQ(got.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    const double want = i < 3 ? s[i] * scale : 0.0;
    EXPECT_NEAR(got[i], want, 100 * kEps * 4.0 * scale) << "singular value " << i;  // Weyl, n eps s_max
  }
  // Flat rank r: participation ratio exactly r.
  for (std::size_t r : {1, 3, 6}) {
    const Matrix W = first_layer_with_spectrum(10, 6, flat_spectrum(r), 1.0, rng);
    EXPECT_NEAR(participation_ratio(singular_values(W)), static_cast<double>(r), 1e-12) << "rank " << r;
  }
  EXPECT_THROW(first_layer_with_spectrum(4, 6, flat_spectrum(5), 1.0, rng), std::invalid_argument);
  EXPECT_THROW(first_layer_with_spectrum(10, 6, {1.0, 0.0}, 1.0, rng), std::invalid_argument);
}

TEST(LinearSetup, ReadoutHasRequestedNorm) {
  Rng rng(3);
  EXPECT_NEAR(frobenius_norm(readout_with_norm(9, 1e-3, rng)), 1e-3, 8 * kEps * 1e-3);
  EXPECT_THROW(readout_with_norm(9, 0.0, rng), std::invalid_argument);
}

TEST(LinearSetup, TargetRowIsBetaTransposeX) {
  const Matrix X = Matrix::from_rows({{1, 0, 2}, {0, 1, -1}});
  EXPECT_TRUE(MatricesNear(target_row({2.0, 3.0}, X), Matrix::from_rows({{2, 3, 1}}), 0.0));
  EXPECT_THROW(target_row({1.0}, X), std::invalid_argument);
}

// Isotropy: the mean of w_hat w_hat^T over many draws approaches I / d (standard error of each
// entry ~ 1 / (d sqrt(N)); 5 standard errors with N = 20000 and d = 4 is 0.009).
TEST(LinearSetup, RandomUnitVectorsAreIsotropic) {
  Rng rng(4);
  constexpr std::size_t kDim = 4;
  constexpr int kDraws = 20000;
  Matrix mean(kDim, kDim);
  for (int k = 0; k < kDraws; ++k) {
    const std::vector<double> v = random_unit_vector(kDim, rng);
    for (std::size_t i = 0; i < kDim; ++i)
      for (std::size_t j = 0; j < kDim; ++j) mean(i, j) += v[i] * v[j] / kDraws;
  }
  EXPECT_TRUE(MatricesNear(mean, (1.0 / kDim) * Matrix::identity(kDim), 0.009));
}

}  // namespace
}  // namespace rl
