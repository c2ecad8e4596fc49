// Tests for nn/connectivity/spectrum_report on planted spectra.
#include <gtest/gtest.h>

#include <cmath>

#include "nn/connectivity/spectrum_report.h"

namespace rl {
namespace {

// Upper-triangular: eigenvalues are the diagonal (4, -2, 1), whatever the strictly upper part.
TEST(SpectrumReport, PlantedEigenvaluesGiveRelativeModuliAndRank) {
  const Matrix W = Matrix::from_rows({{4, 1, 2}, {0, -2, 3}, {0, 0, 1}});
  const SpectrumReport r = spectrum_report(W);
  ASSERT_EQ(r.N, 3u);
  EXPECT_NEAR(r.modulus_rel[0], 1.0, 1e-14);
  EXPECT_NEAR(r.modulus_rel[1], 0.5, 1e-13);
  EXPECT_NEAR(r.modulus_rel[2], 0.25, 1e-13);
  EXPECT_NEAR(r.index_over_N[0], 1.0 / 3.0, 1e-15);
  EXPECT_EQ(r.index_over_N[2], 1.0);
  EXPECT_NEAR(r.relative_rank_eigen, 7.0 / 12.0, 1e-13);  // (4 + 2 + 1) / (4 * 3)
  EXPECT_NEAR(r.spectral_radius, 4.0, 1e-13);
  EXPECT_TRUE(r.eig_converged);
}

// Singular values (3, 2, 1): docs/paper.md#measures check values sum/s1 = 2, PR = 2, Roy-Vetterli = 2.74946,
// stable rank = 14/9; relative singular rank = 6 / (3 * 3).
TEST(SpectrumReport, PlantedSingularValuesGiveThePaperCheckValues) {
  const Matrix W = Matrix::from_rows({{0, 3, 0}, {0, 0, 2}, {1, 0, 0}});  // a scaled permutation
  const SpectrumReport r = spectrum_report(W);
  EXPECT_NEAR(r.singular_values[0], 3.0, 1e-14);
  EXPECT_NEAR(r.singular_values[2], 1.0, 1e-14);
  EXPECT_NEAR(r.relative_rank_singular, 2.0 / 3.0, 1e-14);
  EXPECT_NEAR(r.participation_ratio, 2.0, 1e-13);
  EXPECT_NEAR(r.roy_vetterli, 2.74946, 5e-6);
  EXPECT_NEAR(r.stable_rank, 14.0 / 9.0, 1e-13);
  EXPECT_NEAR(r.nuclear_over_spectral, 2.0, 1e-13);
  EXPECT_NEAR(r.spectral_norm, 3.0, 1e-14);
  // Its eigenvalues are the cube roots of 6, all of modulus 6^(1/3): relative rank exactly 1.
  EXPECT_NEAR(r.relative_rank_eigen, 1.0, 1e-12);
}

TEST(SpectrumReport, RejectsNonSquareZeroAndNonFinite) {
  EXPECT_THROW(spectrum_report(Matrix(2, 3, 1.0)), std::invalid_argument);
  EXPECT_THROW(spectrum_report(Matrix(3, 3)), std::invalid_argument);
  Matrix bad(2, 2, 1.0);
  bad(0, 1) = std::nan("");
  EXPECT_THROW(spectrum_report(bad), std::invalid_argument);
}

}  // namespace
}  // namespace rl
