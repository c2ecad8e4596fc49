// Tests for the Fig. 2 registry (nn/connectivity/fig2_registry.h): which entries a selection gives,
// that every entry is matched with its Gaussian in size and norm, that the draws are reproducible and
// independent of the selection, and the paper's qualitative claim on the built matrices (lower
// eigenvalue-based effective rank than the Gaussian null; paper, Fig. 2 caption).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <string>
#include <vector>

#include "nn/connectivity/fig2_registry.h"
#include "linalg/norms.h"
#include "nn/connectivity/spectrum_report.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

// Small synthetic structures keep the suite fast (the EM matrices fix their own N: 198 and 104).
constexpr std::size_t kSmallN = 120;

Fig2Options small_options() {
  Fig2Options o;
  o.N = kSmallN;
  return o;
}

std::vector<std::string> names_of(const std::vector<Fig2Entry>& entries) {
  std::vector<std::string> names;
  for (const Fig2Entry& e : entries) names.push_back(e.name);
  return names;
}

TEST(Fig2Entries, ListEachStructureWithItsControlsThenOneGaussianPerSize) {
  const auto entries = fig2_entries(fig2_structure_names(), Fig2Options(), true);
  const std::vector<std::string> expected = {
      "cell_types",  "em_v1dd",     "em_v1dd_shuffle_edges",     "em_v1dd_shuffle_all", "em_pinky100",
      "em_pinky100_shuffle_edges", "em_pinky100_shuffle_all", "dale", "sonet_chain", "sonet_no_chain",
      "gaussian_N300", "gaussian_N198", "gaussian_N104"};
  EXPECT_EQ(names_of(entries), expected);
  for (const Fig2Entry& e : entries) {
    if (e.role == Fig2Role::kGaussian) {
      EXPECT_TRUE(e.gaussian.empty()) << e.name;
      continue;
    }
    const Fig2Entry& g = find_fig2_entry(entries, e.gaussian);
    EXPECT_EQ(g.N, e.N) << e.name << " is matched with " << g.name;
    EXPECT_EQ(g.role, Fig2Role::kGaussian) << e.name;
  }
}

TEST(Fig2Entries, WithoutControlsListOnlyStructuresAndGaussians) {
  const auto entries = fig2_entries({"dale", "em_pinky100"}, Fig2Options(), false);
  EXPECT_EQ(names_of(entries), (std::vector<std::string>{"dale", "em_pinky100", "gaussian_N300", "gaussian_N104"}));
}

TEST(Fig2Entries, RejectUnknownRepeatedAndEmptySelections) {
  try {
    fig2_entries({"dale", "chain"}, Fig2Options(), true);
    FAIL() << "an unknown structure was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'chain'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sonet_chain"), std::string::npos) << "accepted names listed: " << e.what();
  }
  EXPECT_THROW(fig2_entries({"dale", "dale"}, Fig2Options(), true), std::invalid_argument);
  EXPECT_THROW(fig2_entries({}, Fig2Options(), true), std::invalid_argument);
  EXPECT_THROW(find_fig2_entry(fig2_entries({"dale"}, Fig2Options(), true), "gaussian_N198"), std::out_of_range);
}

// Frobenius matching is exact up to rounding: one scaling by a ratio of norms.
constexpr double kNormRelTol = 1e-12;

TEST(Fig2Build, EveryEntryHasItsSizeAndTheGaussianFrobeniusNorm) {
  const Fig2Options o = small_options();
  for (const Fig2Entry& e : fig2_entries(fig2_structure_names(), o, true)) {
    const Connectivity c = build_fig2_entry(e, o, 7);
    ASSERT_EQ(c.W_h.rows(), e.N) << e.name;
    ASSERT_EQ(c.W_h.cols(), e.N) << e.name;
    const double target = o.norm.g * std::sqrt(static_cast<double>(e.N));  // E||g G / sqrt(N)||_F^2 = g^2 N
    EXPECT_NEAR(frobenius_norm(c.W_h), target, kNormRelTol * target) << e.name;
  }
}

TEST(Fig2Build, SpectralRadiusOptionScalesEntriesToTheGain) {
  Fig2Options o = small_options();
  o.norm.kind = NormKind::kSpectralRadius;
  // Eigenvalues of a scaled matrix are exact to about n eps ||W||; 1e-9 leaves a wide margin.
  constexpr double kRadiusTol = 1e-9;
  // (Not em_pinky100: rl::eig_general may stall on it, depending on the build; see Fig2Spectrum below.)
  for (const std::string name : {"dale", "gaussian_N120", "em_v1dd"}) {
    const auto entries = fig2_entries({"dale", "em_v1dd"}, o, false);
    const Connectivity c = build_fig2_entry(find_fig2_entry(entries, name), o, 3);
    EXPECT_NEAR(fig2_spectrum(c.W_h).spectral_radius, o.norm.g, kRadiusTol * o.norm.g) << name;
  }
}

TEST(Fig2Build, SameSeedSameMatrixWhateverTheSelection) {
  const Fig2Options o = small_options();
  const auto all = fig2_entries(fig2_structure_names(), o, true);
  const auto one = fig2_entries({"em_v1dd"}, o, true);
  for (const std::string name : {"em_v1dd_shuffle_edges", "gaussian_N198"}) {
    const Matrix a = build_fig2_entry(find_fig2_entry(all, name), o, 5).W_h;
    const Matrix b = build_fig2_entry(find_fig2_entry(one, name), o, 5).W_h;
    EXPECT_TRUE(testing::MatricesNear(a, b, 0.0)) << name;
    const Matrix c = build_fig2_entry(find_fig2_entry(one, name), o, 6).W_h;
    EXPECT_FALSE(testing::MatricesNear(a, c, 0.0)) << name << ": seeds 5 and 6 gave the same matrix";
  }
}

TEST(Fig2Build, PinkyOptionSwitchesBetweenCentredAndAllExcitatory) {
  Fig2Options o = small_options();
  const auto entries = fig2_entries({"em_pinky100"}, o, false);
  const Fig2Entry& pinky = find_fig2_entry(entries, "em_pinky100");
  o.pinky_centred = false;
  const Matrix raw = build_fig2_entry(pinky, o, 1).W_h;
  EXPECT_GE(*std::min_element(raw.values().begin(), raw.values().end()), 0.0) << "raw pinky100 is all E";
  o.pinky_centred = true;
  const Matrix centred = build_fig2_entry(pinky, o, 1).W_h;
  double off_diagonal_sum = 0.0, abs_sum = 0.0;
  for (std::size_t i = 0; i < centred.rows(); ++i)
    for (std::size_t j = 0; j < centred.cols(); ++j)
      if (i != j) {
        off_diagonal_sum += centred(i, j);
        abs_sum += std::abs(centred(i, j));
      }
  EXPECT_LT(std::abs(off_diagonal_sum), 1e-12 * abs_sum) << "centred: off-diagonal mean removed";
}

// Centred pinky100: the edge shuffle must keep the wiring.  The centred non-edges all hold the
// smallest value (-mean * scale; every edge has a count >= 1), so the edge positions are the
// off-diagonal entries above the minimum, and they must coincide before and after the shuffle.
TEST(Fig2Build, CentredPinkyEdgeShuffleKeepsTheTopology) {
  const Fig2Options o = small_options();
  const auto entries = fig2_entries({"em_pinky100"}, o, true);
  const Matrix data = build_fig2_entry(find_fig2_entry(entries, "em_pinky100"), o, 4).W_h;
  const Matrix shuffled = build_fig2_entry(find_fig2_entry(entries, "em_pinky100_shuffle_edges"), o, 4).W_h;
  double lowest = data(0, 1);
  for (std::size_t i = 0; i < data.rows(); ++i)
    for (std::size_t j = 0; j < data.cols(); ++j)
      if (i != j) lowest = std::min(lowest, data(i, j));
  std::size_t edges = 0, moved = 0, changed_values = 0;
  for (std::size_t i = 0; i < data.rows(); ++i)
    for (std::size_t j = 0; j < data.cols(); ++j) {
      if (i == j) continue;
      const bool edge = data(i, j) > lowest;
      edges += edge;
      moved += edge != (shuffled(i, j) > lowest);
      changed_values += data(i, j) != shuffled(i, j);
    }
  EXPECT_EQ(edges, 680u) << "pinky100 has 680 edges (docs/connectivity.md)";
  EXPECT_EQ(moved, 0u) << "edges moved by the edge shuffle";
  EXPECT_GT(changed_values, 0u) << "the shuffle permuted nothing";
}

// The centred pinky100 edge shuffle of seed 1 is a matrix on which rl::eig_general stalls at its
// iteration cap (found by the Fig. 2 program; at -O3 -march=native the plain call stalls and a
// retry converges).  When fig2_spectrum converges, its values, scaled back, must agree with the
// report of an exactly rescaled copy (lambda(c W) = c lambda(W)) and sum to the trace; the tolerance is
// a few hundred n eps relative to |lambda_1|.  When every retry stalls (the -O1 sanitizer build), the
// test is skipped with that message: the fix belongs in linalg/eig_general.cpp.
TEST(Fig2Spectrum, ConvergesOnACentredPinkyShuffleAndScalesBack) {
  Fig2Options o;
  const auto entries = fig2_entries({"em_pinky100"}, o, true);
  const Matrix W = build_fig2_entry(find_fig2_entry(entries, "em_pinky100_shuffle_edges"), o, 1).W_h;
  const SpectrumReport r = fig2_spectrum(W);
  ASSERT_TRUE(r.eig_converged) << "eig_general stalled (docs/linalg.md#stalled-blocks)";
  double trace = 0.0;
  for (std::size_t i = 0; i < W.rows(); ++i) trace += W(i, i);
  std::complex<double> sum = 0.0;
  for (const auto& z : r.eigenvalues) sum += z;
  const double tol = 1e-10 * r.spectral_radius;
  EXPECT_NEAR(sum.real(), trace, tol * static_cast<double>(W.rows()));
  Matrix half = W;
  half *= 0.5;  // powers of two are exact: the same matrix to eig_general, so the same convergence
  const SpectrumReport h = fig2_spectrum(half);
  ASSERT_TRUE(h.eig_converged) << "W converged but W / 2 (the same matrix to eig_general) did not";
  EXPECT_NEAR(h.spectral_radius, 0.5 * r.spectral_radius, tol);
  EXPECT_NEAR(h.relative_rank_eigen, r.relative_rank_eigen, 1e-10);
  EXPECT_NEAR(r.frobenius, o.norm.g * std::sqrt(static_cast<double>(W.rows())), tol * 10);
}

// The paper's qualitative claim (Fig. 2 caption): every structure has a lower eigenvalue-based relative
// effective rank sum |lambda| / (|lambda_1| N) than the Gaussian of its size, checked per structure on
// 3 seeds, each against that seed's Gaussian.  Measured over 30 seeds (N = 120 for the synthetic
// structures), ratio structure / Gaussian: cell types 0.200 (sd 0.007, max 0.223), V1DD 0.212 (max
// 0.224), Dale 0.134 (max 0.143), SONET chains 0.268 (sd 0.025, max 0.320), all against Gaussians of
// 0.636-0.640 (sd 0.016-0.021).  A factor 0.5 is 9 sd above the mean ratio of the closest of these
// (SONET), and a builder that lost its structure (ratio near 1) fails it on every seed.  Centred
// pinky100 is the exception (docs/connectivity.md: 0.469 against 0.646): its ratio is 0.738 (sd 0.025,
// max 0.798, all from the N = 104 Gaussian: the data matrix does not depend on the seed), so it gets
// a factor 0.85, 4.5 sd above its mean ratio and still failed by a near-Gaussian matrix.
constexpr double kRankFactor = 0.5;
constexpr double kPinkyRankFactor = 0.85;

class Fig2RankAgainstGaussian : public ::testing::TestWithParam<std::string> {};

TEST_P(Fig2RankAgainstGaussian, StructureHasLowerEigenvalueRankOnEverySeed) {
  const Fig2Options o = small_options();
  const auto entries = fig2_entries({GetParam()}, o, false);
  const Fig2Entry& e = entries.at(0);
  ASSERT_EQ(e.role, Fig2Role::kStructure);
  const double factor = e.name == "em_pinky100" ? kPinkyRankFactor : kRankFactor;
  Matrix last;  // the EM structures are data, the same matrix for every seed: one spectrum suffices
  SpectrumReport structured;
  for (std::uint64_t seed : {2, 3, 4}) {
    const Matrix W = build_fig2_entry(e, o, seed).W_h;
    if (!(W == last)) {
      structured = fig2_spectrum(W);
      last = W;
    }
    const SpectrumReport gaussian =
        fig2_spectrum(build_fig2_entry(find_fig2_entry(entries, e.gaussian), o, seed).W_h);
    ASSERT_TRUE(structured.eig_converged && gaussian.eig_converged) << e.name << ", seed " << seed;
    EXPECT_LT(structured.relative_rank_eigen, factor * gaussian.relative_rank_eigen)
        << e.name << " vs " << e.gaussian << ", seed " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(Structures, Fig2RankAgainstGaussian, ::testing::ValuesIn(fig2_structure_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// A shuffle over all positions destroys the V1DD wiring: its rank moves back towards the Gaussian
// (docs/connectivity.md: 0.135 -> 0.578, Gaussian 0.646).
TEST(Fig2Build, ShufflingV1ddOverAllPositionsRaisesItsRank) {
  const Fig2Options o = small_options();
  const auto entries = fig2_entries({"em_v1dd"}, o, true);
  const double data = fig2_spectrum(build_fig2_entry(entries[0], o, 1).W_h).relative_rank_eigen;
  const double shuffled =
      fig2_spectrum(build_fig2_entry(find_fig2_entry(entries, "em_v1dd_shuffle_all"), o, 1).W_h).relative_rank_eigen;
  EXPECT_GT(shuffled, 2.0 * data);
}

}  // namespace
}  // namespace rl
