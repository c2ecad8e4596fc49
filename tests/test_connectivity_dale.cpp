// Tests for nn/connectivity/dale: Dale's-law matrices, their outlier and bulk (docs/connectivity.md#dales-law).
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <string>

#include "linalg/norms.h"
#include "nn/connectivity/dale.h"
#include "nn/connectivity/gaussian_null.h"
#include "nn/connectivity/spectrum_report.h"
#include "connectivity_test_helpers.h"
#include "test_helpers.h"

namespace rl {
namespace {

using testing::kEps;

using testing::error_of;

Connectivity dale(DaleParams p, std::uint64_t seed) {
  Rng rng(seed);
  return dale_connectivity(p, rng);
}

DaleParams small(std::size_t N = 50) {
  DaleParams p;
  p.N = N;
  return p;
}

// Graded (A7, rung 4): N = 4, half E, dense: columns 0, 1 excitatory (>= 0), 2, 3 inhibitory (<= 0).
TEST(Dale, TinyMatrixHasOneSignPerColumnAndZeroDiagonal) {
  DaleParams p = small(4);
  p.frac_e = 0.5;
  const Connectivity c = dale(p, 3);
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) {
      const double w = c.W_h(i, j);
      if (i == j)
        EXPECT_EQ(w, 0.0) << "W(" << i << ", " << i << ") must be 0 (zero diagonal); docs/connectivity.md#dales-law";
      else if (j < 2)
        EXPECT_GT(w, 0.0) << "W(" << i << ", " << j << ") = " << w << ": column " << j
                          << " is excitatory, every entry > 0 (the sign belongs to the PRESYNAPTIC unit, the "
                             "column); docs/connectivity.md#dales-law";
      else
        EXPECT_LT(w, 0.0) << "W(" << i << ", " << j << ") = " << w << ": column " << j
                          << " is inhibitory, every entry < 0; docs/connectivity.md#dales-law";
    }
}

// Graded (A7, rung 7): the order of the random draws (the same seed must give the same matrix as every
// other run of the library, docs/connectivity.md#dales-law).  Replayed here from the same seed: for
// i, j in row-major order, the magnitude |N(0, 1)| first, then one uniform for the mask (density 0.5),
// the diagonal drawing too.  Without balancing the matrix is that replay times one common factor for
// the excitatory columns and another for the inhibitory ones.
TEST(Dale, DrawsMagnitudeThenMaskInRowMajorOrder) {
  DaleParams p = small(4);
  p.frac_e = 0.5;
  p.density = 0.5;
  const Connectivity c = dale(p, 7);
  Rng rng(7);
  Matrix replay(4, 4);
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) {
      const double m = std::fabs(rng.normal());
      const bool kept = rng.uniform() < 0.5;
      replay(i, j) = kept && i != j ? m : 0.0;
    }
  double ratio[2] = {0.0, 0.0};  // W / replay in the E columns and in the I columns
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) {
      const double w = c.W_h(i, j), r = replay(i, j);
      double& q = ratio[j < 2 ? 0 : 1];
      const bool same = r == 0.0 ? w == 0.0 : w != 0.0 && (q == 0.0 || std::fabs(w / r - q) <= 1e-12 * std::fabs(q));
      if (r != 0.0 && q == 0.0) q = w / r;
      if (!same) {
        ADD_FAILURE() << "W(" << i << ", " << j << ") = " << w << ", expected "
                      << (r == 0.0 ? std::string("0 (dropped by the mask or on the diagonal)")
                                   : "a nonzero multiple of the magnitude drawn for it, " + std::to_string(r))
                      << ": for i, j in row-major order draw the magnitude, THEN the mask's uniform, for every "
                         "position including the diagonal (docs/connectivity.md#dales-law)";
        return;
      }
    }
}

TEST(Dale, ShapeZeroDiagonalAndOneSignPerColumn) {
  for (DaleMagnitude m : {DaleMagnitude::kHalfNormal, DaleMagnitude::kExponential, DaleMagnitude::kLognormal}) {
    DaleParams p = small();
    p.magnitude = m;
    const Connectivity c = dale(p, 1);
    ASSERT_EQ(c.W_h.rows(), 50u);
    ASSERT_EQ(c.W_h.cols(), 50u);
    for (std::size_t i = 0; i < 50; ++i) EXPECT_EQ(c.W_h(i, i), 0.0);
    EXPECT_TRUE(columns_follow_signs(c.W_h, c.column_sign)) << to_string(m);
    EXPECT_EQ(c.value("n_excitatory"), 40);
    EXPECT_EQ(c.column_sign[39], 1);
    EXPECT_EQ(c.column_sign[40], -1);
  }
}

TEST(Dale, FrobeniusNormEqualsGaussianReferenceExactly) {
  const Connectivity c = dale(small(), 2);
  const double target = 1.25 * std::sqrt(50.0);
  EXPECT_NEAR(frobenius_norm(c.W_h), target, 16 * kEps * target);  // one rounding per entry
}

TEST(Dale, SpectralRadiusNormalisationHitsTheGaussianRadius) {
  DaleParams p = small(60);
  p.norm.kind = NormKind::kSpectralRadius;
  const Connectivity c = dale(p, 2);
  EXPECT_NEAR(spectral_radius(c.W_h), 1.25, 1e-10);  // eigensolver accuracy on a 60 x 60 matrix
}

TEST(Dale, SameSeedGivesIdenticalMatrixAndOtherSeedsDiffer) {
  EXPECT_EQ(dale(small(), 3).W_h, dale(small(), 3).W_h);
  EXPECT_NE(dale(small(), 3).W_h, dale(small(), 4).W_h);
}

TEST(Dale, RejectsInvalidParametersNamingThem) {
  for (double f : {0.0, 1.0, -0.2, 1.5}) {
    DaleParams p = small();
    p.frac_e = f;
    EXPECT_NE(error_of([&] { dale(p, 1); }).find("frac_e"), std::string::npos) << f;
  }
  DaleParams tiny = small(3);
  tiny.frac_e = 0.9;  // round(2.7) = 3 leaves no inhibitory unit
  EXPECT_NE(error_of([&] { dale(tiny, 1); }).find("no inhibitory"), std::string::npos);
  DaleParams sparse = small();
  sparse.density = 0.0;
  EXPECT_NE(error_of([&] { dale(sparse, 1); }).find("density"), std::string::npos);
  DaleParams k = small();
  k.inh_scale = -1.0;
  EXPECT_NE(error_of([&] { dale(k, 1); }).find("inhibitory scale"), std::string::npos);
  EXPECT_THROW(parse_dale_balance("exact"), std::invalid_argument);
  EXPECT_EQ(parse_dale_magnitude("exponential"), DaleMagnitude::kExponential);
}

// W = 1 m^T + X (docs/connectivity.md#dale-outlier): the rank-one mean throws out lambda_out = sum_j m_j, which
// for 80/20 half-normal k = 1 scaled to ||W||_F = g sqrt(N) is g sqrt(N) sqrt(2/pi) (0.8 - 0.2).
// N = 300, g = 1.25: 10.36.  The realised outlier fluctuates with the mean row sum: sd about
// sqrt(r^2 / N) = 0.04 here, so 0.25 is about 6 sd.
TEST(Dale, OutlierEigenvalueMatchesSumOfColumnMeans) {
  const double kOutlierTol = 0.25;
  for (std::uint64_t seed : {1, 2}) {
    const Connectivity c = dale(DaleParams{}, seed);
    EXPECT_NEAR(c.value("predicted_outlier"), 10.36, 0.02);
    const SpectrumReport r = spectrum_report(c.W_h);
    EXPECT_NEAR(r.eigenvalues[0].real(), c.value("predicted_outlier"), kOutlierTol);
    EXPECT_NEAR(r.eigenvalues[0].imag(), 0.0, 1e-9);  // a real outlier
    // Bulk radius r = sqrt(sum_j Var W_ij) = 1.25 sqrt(1 - 2/pi) ~ 0.75; at N = 300 the largest bulk
    // modulus sits a few percent outside r (finite-N edge), so accept [0.9, 1.15] r.
    const double bulk = std::abs(r.eigenvalues[1]), radius = c.value("predicted_bulk_radius");
    EXPECT_GT(bulk, 0.9 * radius);
    EXPECT_LT(bulk, 1.15 * radius);
    // The paper's measure: far below the Gaussian's ~0.64 (docs/connectivity.md#dales-law: 0.052).
    EXPECT_LT(r.relative_rank_eigen, 0.1);
  }
}

TEST(Dale, RowBalanceMakesEveryRowSumZeroAndKeepsSigns) {
  DaleParams p = small(100);
  p.balance = DaleBalance::kRow;
  const Connectivity c = dale(p, 5);
  EXPECT_TRUE(columns_follow_signs(c.W_h, c.column_sign));
  EXPECT_EQ(c.value("rows_unbalanceable"), 0);
  const double scale = max_abs(c.W_h);
  for (std::size_t i = 0; i < 100; ++i) {
    double sum = 0;
    for (std::size_t j = 0; j < 100; ++j) sum += c.W_h(i, j);
    // Summation rounding of 100 terms after two rescalings: 4 N eps of the largest entry.
    EXPECT_NEAR(sum, 0.0, 4 * 100 * kEps * scale) << "row " << i;
  }
}

// Graded (A7, rung 5): inhibitory entries carry the factor k.
TEST(Dale, MeanBalanceUsesRatioOfPopulationsAndRemovesTheOutlier) {
  DaleParams p = small(200);
  p.balance = DaleBalance::kMean;
  const Connectivity c = dale(p, 6);
  EXPECT_DOUBLE_EQ(c.value("inh_scale"), 4.0);  // N_E / N_I for 80/20
  EXPECT_NEAR(c.value("predicted_outlier"), 0.0, 1e-12);
  // The 8.46 outlier of the unbalanced matrix at this N is gone.  What remains is the bulk (radius
  // ~0.76) plus, in some draws, a weak stray complex pair from the non-normal mean 1 m^T (measured
  // 1.0-1.65 over 8 draws at N = 200 and 300; docs/connectivity.md#dale-balanced notes the same), so bound by 2.5.
  EXPECT_LT(spectrum_report(c.W_h).spectral_radius, 2.5);
}

TEST(Dale, SparsityMaskKeepsTheRequestedDensity) {
  DaleParams p = small(200);
  p.density = 0.2;
  const Connectivity c = dale(p, 7);
  // 40,000 Bernoulli(0.2) draws minus the diagonal: sd 0.002; accept 0.01.
  EXPECT_NEAR(c.value("density_realised"), 0.2 * 199.0 / 200.0, 0.01);
  EXPECT_TRUE(columns_follow_signs(c.W_h, c.column_sign));
}

// The Fig. 2 claim for every Dale variant, on 3 seeds, each against its own Gaussian draw.  Measured
// over 30 seeds at N = 100 (Dale seed s, Gaussian seed 1000 + s; docs/connectivity.md has N = 300):
//   eigenvalue rank:  Gaussian 0.634 (sd 0.024, min 0.571); unbalanced 0.096; mean-balanced 0.328
//     (sd 0.044, max 0.415); row-balanced 0.401 (sd 0.025, max 0.452).  The paired gap
//     Gaussian - Dale is smallest for row balance: mean 0.232, sd 0.036, min 0.140 (mean balance:
//     0.306, sd 0.051, min 0.170).  A margin of 0.1 sits 3.7 sd below the row-balanced mean gap,
//     yet a builder that lost its structure (rank near the Gaussian's) fails it on every seed.
//   singular-value rank:  Gaussian 0.432 (sd 0.006) against 0.062-0.074 for every variant (sd
//     <= 0.002): the paired gap is at least 0.342, so a margin of 0.2 is about 25 sd.
// N = 100 keeps the 12 spectra of this test near 0.2 s; the gaps above barely change from N = 100
// to 120 (row-balanced mean gap 0.232 -> 0.236).
TEST(Dale, EffectiveRankBelowTheGaussianForEveryVariantOnSeveralSeeds) {
  constexpr std::size_t kN = 100;
  constexpr double kEigenMargin = 0.1, kSingularMargin = 0.2;
  for (std::uint64_t seed : {1, 2, 3}) {
    GaussianNullParams gp;
    gp.N = kN;
    Rng grng(1000 + seed);
    const SpectrumReport gauss = spectrum_report(gaussian_null(gp, grng).W_h);
    ASSERT_TRUE(gauss.eig_converged) << "Gaussian, seed " << seed;
    for (DaleBalance b : {DaleBalance::kNone, DaleBalance::kMean, DaleBalance::kRow}) {
      DaleParams p = small(kN);
      p.balance = b;
      const SpectrumReport r = spectrum_report(dale(p, seed).W_h);
      ASSERT_TRUE(r.eig_converged) << to_string(b) << ", seed " << seed;
      EXPECT_LT(r.relative_rank_eigen, gauss.relative_rank_eigen - kEigenMargin)
          << to_string(b) << ", seed " << seed << ": Gaussian " << gauss.relative_rank_eigen;
      EXPECT_LT(r.relative_rank_singular, gauss.relative_rank_singular - kSingularMargin)
          << to_string(b) << ", seed " << seed << ": Gaussian " << gauss.relative_rank_singular;
    }
  }
}

TEST(Dale, RejectsNAboveTheCapAndExplodingLognormalShapes) {
  DaleParams p = small(kMaxConnectivityN + 1);
  EXPECT_TRUE(testing::Mentions(error_of([&] { dale(p, 1); }), {"dale: N = 10001 is above the cap"}));
  DaleParams q = small();
  q.magnitude = DaleMagnitude::kLognormal;
  for (double shape : {HUGE_VAL, 11.0, std::nan("")}) {
    q.lognormal_shape = shape;
    EXPECT_TRUE(testing::Mentions(error_of([&] { dale(q, 1); }), {"dale: lognormal_shape", "[0, 10]"}));
  }
}

// Found by make fuzz: k = 5e-324 with row balance made the row factor e_sum / -i_sum infinite.
TEST(Dale, RejectsSubnormalOrHugeInhibitoryScales) {
  for (double k : {4.9406564584124654e-324, 1e-7, 1e7}) {
    DaleParams p = small(11);
    p.inh_scale = k;
    p.balance = DaleBalance::kRow;
    EXPECT_TRUE(testing::Mentions(error_of([&] { dale(p, 1); }), {"dale: inhibitory scale k", "[1e-6, 1e6]"}));
  }
}

}  // namespace
}  // namespace rl
