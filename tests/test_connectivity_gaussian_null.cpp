// Tests for nn/connectivity/gaussian_null: the Gaussian control and its rank-r truncation.
#include <gtest/gtest.h>

#include <cmath>

#include "linalg/norms.h"
#include "linalg/svd.h"
#include "nn/connectivity/gaussian_null.h"
#include "nn/connectivity/spectrum_report.h"

namespace rl {
namespace {

TEST(GaussianNull, ShapeScaleAndDeterminism) {
  GaussianNullParams p;
  Rng a(1), b(1), c(2);
  const Connectivity w = gaussian_null(p, a);
  ASSERT_EQ(w.W_h.rows(), 300u);
  EXPECT_EQ(w.W_h, gaussian_null(p, b).W_h);
  EXPECT_NE(w.W_h, gaussian_null(p, c).W_h);
  // ||W0||_F^2 / (g^2 N) is a mean of N^2 chi^2_1 / N^2 terms: sd sqrt(2) / N = 0.005; accept 0.03.
  const double ratio = std::pow(frobenius_norm(w.W_h), 2) / (1.25 * 1.25 * 300);
  EXPECT_NEAR(ratio, 1.0, 0.03);
  EXPECT_EQ(w.value("frobenius_norm"), frobenius_norm(w.W_h));
}

// Circular law: eigenvalues fill the disk of radius g, so sum |lambda| / (|lambda_1| N) -> 2/3 as
// N -> infinity (mean |lambda| of the uniform disk is 2g/3); docs/connectivity.md#expected-effective-ranks: 0.642 at N = 198
// and 300 (the largest modulus sits slightly outside g at finite N).
TEST(GaussianNull, RelativeEffectiveRanksMatchTheSpec) {
  GaussianNullParams p;
  p.N = 198;
  for (std::uint64_t seed : {3, 4}) {
    Rng rng(seed);
    const SpectrumReport r = spectrum_report(gaussian_null(p, rng).W_h);
    EXPECT_NEAR(r.relative_rank_eigen, 0.642, 0.04);
    EXPECT_NEAR(r.relative_rank_singular, 0.428, 0.02);
  }
}

TEST(GaussianNull, RankTruncationKeepsTheLeadingSingularValues) {
  GaussianNullParams p;
  p.N = 40;
  Rng rng(5);
  const Matrix W0 = gaussian_null(p, rng).W_h;
  const std::vector<double> s = singular_values(W0);
  const Connectivity t = gaussian_rank_truncated(W0, 5);
  const std::vector<double> st = singular_values(t.W_h);
  double kept = 0, all = 0;
  for (std::size_t i = 0; i < 40; ++i) {
    all += s[i] * s[i];
    if (i < 5) {
      kept += s[i] * s[i];
      EXPECT_NEAR(st[i], s[i], 1e-12 * s[0]);
    } else {
      EXPECT_LT(st[i], 1e-12 * s[0]);  // Weyl: rounding-level residue
    }
  }
  EXPECT_NEAR(t.value("frobenius_ratio"), std::sqrt(kept / all), 1e-12);
  EXPECT_THROW(gaussian_rank_truncated(W0, 0), std::invalid_argument);
  EXPECT_THROW(gaussian_rank_truncated(W0, 41), std::invalid_argument);
}

TEST(GaussianNull, RejectsBadParameters) {
  Rng rng(1);
  EXPECT_THROW(gaussian_null({0, 1.25}, rng), std::invalid_argument);
  EXPECT_THROW(gaussian_null({10, -1.0}, rng), std::invalid_argument);
}

}  // namespace
}  // namespace rl
