// Tests for nn/connectivity/cell_types: the Allen cell-type tables and the block-model builder.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "linalg/norms.h"
#include "nn/connectivity/cell_types.h"
#include "nn/connectivity/spectrum_report.h"
#include "connectivity_test_helpers.h"
#include "test_helpers.h"

namespace rl {
namespace {

using testing::kEps;
enum { E = 0, PV = 1, SST = 2, VIP = 3 };

using testing::error_of;

// Values from data/celltypes/PROVENANCE.md (tables "The numbers, L2/3").
TEST(CellTypeTable, L23ValuesMatchProvenance) {
  const CellTypeTable t = load_cell_type_table(CellLayer::L23);
  EXPECT_EQ(t.pmax_synphys[E][E], 0.11);
  EXPECT_EQ(t.pmax_synphys[E][PV], 0.79);
  EXPECT_EQ(t.pmax_synphys[PV][VIP], 0.0);
  EXPECT_EQ(t.pmax_synphys[SST][VIP], 0.92);
  EXPECT_EQ(t.pmax_synphys[VIP][PV], 0.04);
  EXPECT_EQ(t.pmax_v1dd[E][E], 0.0449424);
  EXPECT_EQ(t.pmax_v1dd[PV][E], 0.675761);
  EXPECT_EQ(t.psp_mean_resting_mV[E][VIP], 0.613046);
  EXPECT_EQ(t.psp_mean_resting_mV[VIP][E], 0.310226);  // pooled all_int -> l23_pyr
  EXPECT_EQ(t.sigma_um[E][E], 127.0);
  EXPECT_EQ(t.sigma_um[PV][PV], 126.77);
  EXPECT_EQ(t.logn_shape_90th[E][SST], 0.944402);
  EXPECT_EQ(t.sign[E], 1);
  EXPECT_EQ(t.sign[PV], -1);
  EXPECT_EQ(t.sign[VIP], -1);
  EXPECT_NEAR(t.fraction_of_layer[E], 0.9, 1e-12);
  EXPECT_NEAR(t.fraction_of_layer[VIP], 0.0489796, 1e-12);
  EXPECT_NEAR(t.fraction_of_layer[PV] + t.fraction_of_layer[SST] + t.fraction_of_layer[VIP], 0.1, 1e-6);
}

TEST(CellTypeTable, L4SumsItsFourExcitatoryPopulations) {
  const CellTypeTable t = load_cell_type_table(CellLayer::L4);
  EXPECT_NEAR(t.fraction_of_layer[E], 0.89, 1e-12);  // 0.1068 + 0.2314 + 0.267 + 0.2848
  EXPECT_NEAR(t.fraction_within_ei[E], 1.0, 1e-12);
  EXPECT_NEAR(t.fraction_of_layer[PV], 0.0607619, 1e-12);
  EXPECT_EQ(t.pmax_synphys[PV][PV], 0.97);
  EXPECT_EQ(t.pmax_synphys[VIP][E], 0.0);
}

// Suggested integer counts for N = 300 (docs/connectivity.md#cell-types, largest-remainder rounding).
TEST(CellTypeTable, CountsForN300MatchTheSpec) {
  const CellTypeTable t = load_cell_type_table(CellLayer::L23);
  const auto allen = cell_type_counts(t, CellProportions::kAllen, 300);
  EXPECT_EQ(allen[E], 270u);
  EXPECT_EQ(allen[VIP], 15u);
  EXPECT_EQ(allen[PV], 9u);
  EXPECT_EQ(allen[SST], 6u);
  const auto eighty = cell_type_counts(t, CellProportions::kEightyTwenty, 300);
  EXPECT_EQ(eighty[E], 240u);
  EXPECT_EQ(eighty[VIP], 29u);
  EXPECT_EQ(eighty[PV], 18u);
  EXPECT_EQ(eighty[SST], 13u);
  for (std::size_t N : {4, 17, 101}) {
    const auto c = cell_type_counts(t, CellProportions::kAllen, N);
    EXPECT_EQ(c[0] + c[1] + c[2] + c[3], N);
  }
}

TEST(CellTypeTable, DiskAverageShrinksPmaxByTheStatedFactor) {
  const CellTypeTable t = load_cell_type_table(CellLayer::L23);
  CellTypeParams p;
  p.profile = PmaxProfile::kDiskAverage;
  // PROVENANCE: factor 0.918 for sigma = 127 um (E -> E) at R = 75 um.
  EXPECT_NEAR(cell_type_probability(t, p, E, E) / 0.11, 0.918, 5e-4);
}

TEST(CellTypeTable, MissingDataDirectoryNamesThePathTried) {
  const std::string msg = error_of([] { load_cell_type_table(CellLayer::L23, "/no/such/place"); });
  EXPECT_NE(msg.find("/no/such/place/celltypes/celltype_connectivity_l23_l4.csv"), std::string::npos) << msg;
}

Connectivity build(CellTypeParams p, std::uint64_t seed) {
  Rng rng(seed);
  return cell_type_connectivity(p, rng);
}

TEST(CellTypeConnectivity, ShapeTypesNoAutapsesOneSignPerColumnAndExactNorm) {
  CellTypeParams p;
  p.N = 100;
  for (CellMagnitude m : {CellMagnitude::kBlockMean, CellMagnitude::kLognormal}) {
    p.magnitude = m;
    const Connectivity c = build(p, 1);
    ASSERT_EQ(c.W_h.rows(), 100u);
    EXPECT_EQ(c.unit_type.front(), "E");
    EXPECT_EQ(c.unit_type.back(), "VIP");
    EXPECT_EQ(c.value("n_E"), 90);
    for (std::size_t i = 0; i < 100; ++i) EXPECT_EQ(c.W_h(i, i), 0.0);
    EXPECT_TRUE(columns_follow_signs(c.W_h, c.column_sign));
    const double target = 1.25 * std::sqrt(100.0);
    EXPECT_NEAR(frobenius_norm(c.W_h), target, 16 * kEps * target);
  }
}

TEST(CellTypeConnectivity, SameSeedSameMatrix) {
  CellTypeParams p;
  p.N = 60;
  EXPECT_EQ(build(p, 5).W_h, build(p, 5).W_h);
  EXPECT_NE(build(p, 5).W_h, build(p, 6).W_h);
}

TEST(CellTypeConnectivity, BlockDensitiesFollowTheChosenPmaxTable) {
  for (PmaxSource src : {PmaxSource::kSynphys, PmaxSource::kV1dd}) {
    CellTypeParams p;  // N = 300, 270 E
    p.pmax = src;
    p.norm.kind = NormKind::kNone;
    const Connectivity c = build(p, 7);
    const CellTypeTable t = load_cell_type_table(CellLayer::L23);
    double edges = 0;
    for (std::size_t i = 0; i < 270; ++i)
      for (std::size_t j = 0; j < 270; ++j) edges += c.W_h(i, j) != 0.0;
    const double expected = src == PmaxSource::kSynphys ? t.pmax_synphys[E][E] : t.pmax_v1dd[E][E];
    // 270 * 269 Bernoulli draws: sd below 0.002; accept 0.008.
    EXPECT_NEAR(edges / (270.0 * 269.0), expected, 0.008);
    // Block-mean magnitudes: every E -> E weight is the E -> E mean PSP (unscaled here).
    for (std::size_t j = 0; j < 270; ++j) {
      if (c.W_h(1, j) != 0.0) {
        EXPECT_EQ(c.W_h(1, j), t.psp_mean_resting_mV[E][E]);
      }
    }
  }
}

TEST(CellTypeConnectivity, RejectsTooFewUnits) {
  CellTypeParams p;
  p.N = 3;
  EXPECT_NE(error_of([&] { build(p, 1); }).find("N = 3"), std::string::npos);
}

// docs/connectivity.md#expected-effective-ranks (an independent check): 0.07-0.12 (eigenvalues) and 0.05-0.09 (singular values) for both
// pmax tables, both proportion sets, mean or lognormal magnitudes; the Gaussian gives ~0.64 / ~0.43.
TEST(CellTypeConnectivity, EffectiveRanksLieFarBelowTheGaussians) {
  CellTypeParams a;  // synphys, Allen proportions, block means; N = 200 keeps the sanitizer run short
  a.N = 200;
  CellTypeParams b;
  b.N = 200;
  b.pmax = PmaxSource::kV1dd;
  b.proportions = CellProportions::kEightyTwenty;
  b.magnitude = CellMagnitude::kLognormal;
  for (const CellTypeParams& p : {a, b})
    for (std::uint64_t seed : {1, 2}) {
      const SpectrumReport r = spectrum_report(build(p, seed).W_h);
      EXPECT_LT(r.relative_rank_eigen, 0.25);
      EXPECT_LT(r.relative_rank_singular, 0.2);
    }
}

TEST(CellTypeConnectivity, FlagNamesRoundTripAndBadNamesAreRejected) {
  EXPECT_EQ(parse_cell_layer(to_string(CellLayer::L4)), CellLayer::L4);
  EXPECT_EQ(parse_pmax_source("v1dd"), PmaxSource::kV1dd);
  EXPECT_EQ(parse_cell_proportions("80_20"), CellProportions::kEightyTwenty);
  EXPECT_EQ(parse_cell_magnitude("lognormal"), CellMagnitude::kLognormal);
  EXPECT_EQ(parse_pmax_profile("disk"), PmaxProfile::kDiskAverage);
  EXPECT_NE(error_of([] { parse_cell_layer("L5"); }).find("L23, L4"), std::string::npos);
}

// --- corrupt data files (issue 15, defects 1 and 9): one clear message naming file and line ---

using testing::DataCopy;
using testing::Mentions;
const char* const kProportions = "celltypes/celltype_proportions_l23_l4.csv";
const char* const kConnections = "celltypes/celltype_connectivity_l23_l4.csv";

// Builds N = 40 cell-type networks from a corrupted copy; returns the message (or "(no exception)").
std::string build_error(const DataCopy& d, CellProportions proportions = CellProportions::kAllen) {
  CellTypeParams p;
  p.N = 40;
  p.proportions = proportions;
  p.data_dir = d.dir();
  return error_of([&] { build(p, 1); });
}

std::string at_line(const DataCopy& d, const char* file, const std::string& row_prefix) {
  return std::string(file) + ":" + std::to_string(d.line_of(file, row_prefix)) + ": ";
}

// Before the fix a negative fraction was cast to size_t and a vector grew until the machine ran out
// of memory (24 GB); a fraction of -0.5 now stops the build at once, in both proportion modes.
TEST(CellTypeData, NegativeFractionIsRejectedNamingFileLineAndValue) {
  for (const char* column : {"fraction_of_layer", "relative_fraction_within_ei"}) {
    DataCopy d;
    d.set_field(kProportions, "L2/3,i23Vip,", column, "-0.5");
    for (CellProportions mode : {CellProportions::kAllen, CellProportions::kEightyTwenty})
      EXPECT_TRUE(Mentions(build_error(d, mode), {at_line(d, kProportions, "L2/3,i23Vip,") + column +
                                                  " = -0.5 is outside [0, 1]"}));
  }
}

TEST(CellTypeData, HugeNanInfAndZeroSumFractionsAreRejected) {
  for (const char* bad : {"1e308", "2"}) {
    DataCopy d;
    d.set_field(kProportions, "L2/3,e23Cux2,", "fraction_of_layer", bad);
    EXPECT_TRUE(Mentions(build_error(d), {at_line(d, kProportions, "L2/3,e23Cux2,"), "outside [0, 1]"}));
  }
  for (const char* bad : {"nan", "inf", "-inf", "1e999"}) {
    DataCopy d;
    d.set_field(kProportions, "L2/3,i23Sst,", "fraction_of_layer", bad);
    EXPECT_TRUE(Mentions(build_error(d), {at_line(d, kProportions, "L2/3,i23Sst,"), "not a finite number"}));
  }
  DataCopy zero;
  for (const char* pop : {"L2/3,e23Cux2,", "L2/3,i23Vip,", "L2/3,i23Pvalb,", "L2/3,i23Sst,"})
    zero.set_field(kProportions, pop, "fraction_of_layer", "0");
  EXPECT_TRUE(Mentions(build_error(zero), {kProportions, "fraction_of_layer summed over all populations",
                                           "layer L2/3 is 0.000000", "(0, 1]"}));
  DataCopy over;  // each in [0, 1], but the inhibitory shares sum to 1.7
  over.set_field(kProportions, "L2/3,i23Vip,", "relative_fraction_within_ei", "1");
  EXPECT_TRUE(Mentions(build_error(over), {"relative_fraction_within_ei summed over the inhibitory populations"}));
}

TEST(CellTypeData, SignOtherThanPlusOrMinusOneIsRejected) {
  DataCopy seven;
  seven.set_field(kConnections, "L2/3,E,PV,", "sign", "7");  // accepted before the fix
  EXPECT_TRUE(Mentions(build_error(seven), {at_line(seven, kConnections, "L2/3,E,PV,") + "sign = 7 must be 1 or -1"}));
  DataCopy flipped;  // -1 is a valid sign, but E was +1 on the line before
  flipped.set_field(kConnections, "L2/3,E,PV,", "sign", "-1");
  EXPECT_TRUE(Mentions(build_error(flipped), {at_line(flipped, kConnections, "L2/3,E,PV,"), "contradicts the sign 1"}));
}

TEST(CellTypeData, ProbabilitiesPspsSigmasAndShapesOutsideTheirRangesAreRejected) {
  struct Case {
    const char* column;
    const char* value;
    const char* expected;
  };
  const Case cases[] = {
      {"pmax_synphys", "1.5", "pmax_synphys = 1.5 is outside [0, 1]"},
      {"pmax_v1dd", "-0.1", "pmax_v1dd = -0.1 is outside [0, 1]"},
      {"psp_mean_resting_mV", "-0.3", "psp_mean_resting_mV = -0.3 is outside [0, 1000]"},
      {"psp_mean_resting_mV", "nan", "column 'psp_mean_resting_mV': 'nan' is not a finite number"},
      {"logn_scale_90th_mV", "1e9", "logn_scale_90th_mV = 1e9 is outside [0, 1000]"},
      {"logn_shape_90th", "400", "logn_shape_90th = 400 is outside [0, 10]"},
      {"sigma_um", "0", "sigma_um = 0 must lie in (0, 10000]"},
  };
  for (const Case& c : cases) {
    DataCopy d;
    d.set_field(kConnections, "L2/3,SST,VIP,", c.column, c.value);
    EXPECT_TRUE(Mentions(build_error(d), {at_line(d, kConnections, "L2/3,SST,VIP,") + c.expected})) << c.column;
  }
}

TEST(CellTypeData, NulByteInsideAFieldIsRejected) {
  DataCopy d;
  d.set_field(kConnections, "L2/3,SST,VIP,", "psp_mean_resting_mV", std::string("0.3\0" "39", 6));
  EXPECT_TRUE(Mentions(build_error(d), {at_line(d, kConnections, "L2/3,SST,VIP,"), "NUL byte"}));
}

TEST(CellTypeData, DirectoryInPlaceOfAFileIsNamed) {
  DataCopy d;
  std::filesystem::remove(d.path(kProportions));
  std::filesystem::create_directory(d.path(kProportions));
  EXPECT_TRUE(Mentions(build_error(d), {d.path(kProportions), "is a directory, not a regular file"}));
}

// A table filled by hand (not from a file) is checked too: no negative, NaN or infinite count.
TEST(CellTypeCounts, RejectsBadFractionsZeroSumsAndNAboveTheCap) {
  CellTypeTable t = load_cell_type_table(CellLayer::L23);
  EXPECT_TRUE(Mentions(error_of([&] { cell_type_counts(t, CellProportions::kAllen, kMaxConnectivityN + 1); }),
                       {"N = 10001", "kMaxConnectivityN"}));
  for (double bad : {-0.5, std::nan(""), HUGE_VAL, 1e308}) {
    CellTypeTable u = t;
    u.fraction_of_layer[VIP] = bad;
    EXPECT_TRUE(Mentions(error_of([&] { cell_type_counts(u, CellProportions::kAllen, 40); }),
                         {"layer L2/3", "fraction of VIP", "outside [0, 1]"}));
  }
  CellTypeTable zero = t;
  zero.fraction_of_layer = {0, 0, 0, 0};
  EXPECT_TRUE(Mentions(error_of([&] { cell_type_counts(zero, CellProportions::kAllen, 40); }), {"positive sum"}));
}

TEST(CellTypeConnectivity, RejectsNAboveTheCap) {
  CellTypeParams p;
  p.N = 1000000;
  EXPECT_TRUE(Mentions(error_of([&] { build(p, 1); }), {"cell_types: N = 1000000", "cap"}));
}

}  // namespace
}  // namespace rl
