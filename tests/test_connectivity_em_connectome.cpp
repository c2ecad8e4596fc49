// Tests for nn/connectivity/em_connectome: the shipped EM matrices reproduce the facts in their
// PROVENANCE.md (computed there with numpy), and the loaders reject corrupt files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

#include "linalg/norms.h"
#include "nn/connectivity/em_connectome.h"
#include "nn/connectivity/spectrum_report.h"
#include "connectivity_test_helpers.h"

namespace rl {
namespace {

using testing::error_of;

// PROVENANCE states the relative ranks to 5 digits (0.13477): half a unit in the last digit.
constexpr double kFiveDigits = 5e-6;

Connectivity build(EmDataset d, EmTransform t = EmTransform::kRaw, EmControl c = EmControl::kNone,
                   NormKind norm = NormKind::kNone, std::uint64_t seed = 1) {
  EmParams p;
  p.dataset = d;
  p.transform = t;
  p.control = c;
  p.norm.kind = norm;
  Rng rng(seed);
  return em_connectome(p, rng);
}

TEST(EmConnectome, V1ddCountsDensityAndSummedWeightsMatchProvenance) {
  const Connectivity c = build(EmDataset::kV1ddL23L4);
  EXPECT_EQ(c.W_h.rows(), 198u);
  EXPECT_EQ(c.value("n_excitatory"), 146);
  EXPECT_EQ(c.value("n_inhibitory"), 52);
  EXPECT_EQ(c.value("nonzeros"), 5573);
  EXPECT_NEAR(c.value("density"), 0.1422, 5e-5);
  EXPECT_EQ(c.value("sum_positive"), 9233804.0);   // integer sums are exact in double
  EXPECT_EQ(c.value("sum_negative"), -17098746.0);
  EXPECT_NEAR(frobenius_norm(c.W_h), 527966.0, 0.5);
  EXPECT_EQ(*std::min_element(c.W_h.values().begin(), c.W_h.values().end()), -76350.0);
  EXPECT_EQ(*std::max_element(c.W_h.values().begin(), c.W_h.values().end()), 34896.0);
}

TEST(EmConnectome, V1ddHasOneSignPerColumnAndNoAutapses) {
  const Connectivity c = build(EmDataset::kV1ddL23L4);
  EXPECT_TRUE(columns_follow_signs(c.W_h, c.column_sign));
  for (std::size_t i = 0; i < 198; ++i) EXPECT_EQ(c.W_h(i, i), 0.0);
  std::size_t rows_with_both_signs = 0;
  for (std::size_t i = 0; i < 198; ++i) {
    bool pos = false, neg = false;
    for (std::size_t j = 0; j < 198; ++j) (c.W_h(i, j) > 0 ? pos : neg) |= c.W_h(i, j) != 0.0;
    rows_with_both_signs += pos && neg;
  }
  EXPECT_EQ(rows_with_both_signs, 190u);
}

TEST(EmConnectome, V1ddCellTypesAndLayersMatchProvenance) {
  const EmData d = load_em_connectome(EmDataset::kV1ddL23L4);
  std::map<std::string, int> types, layers;
  for (const auto& t : d.cell_type) ++types[t];
  for (const auto& l : d.layer) ++layers[l];
  EXPECT_EQ(types["PYC"], 146);
  EXPECT_EQ(types["BC"], 22);
  EXPECT_EQ(types["BPC"], 17);
  EXPECT_EQ(types["MC"], 12);
  EXPECT_EQ(types["NGC"], 1);
  EXPECT_EQ(layers["23"], 135);
  EXPECT_EQ(layers["4"], 63);
}

TEST(EmConnectome, V1ddSpectrumAndRelativeRanksMatchProvenance) {
  const SpectrumReport r = spectrum_report(build(EmDataset::kV1ddL23L4).W_h);
  EXPECT_NEAR(r.relative_rank_eigen, 0.13477, kFiveDigits);
  EXPECT_NEAR(r.relative_rank_singular, 0.07940, kFiveDigits);
  EXPECT_NEAR(r.spectral_radius, 101264.0, 0.5);
  EXPECT_NEAR(r.eigenvalues[0].real(), -45898.0, 0.5);
  EXPECT_NEAR(std::fabs(r.eigenvalues[0].imag()), 90265.0, 0.5);  // a complex pair
  EXPECT_NEAR(r.singular_values[0], 264364.0, 0.5);
  EXPECT_NEAR(r.participation_ratio, 11.105, 5e-4);
}

TEST(EmConnectome, V1ddScaledToGaussianFrobeniusHasStatedSpectralRadius) {
  const Connectivity c = build(EmDataset::kV1ddL23L4, EmTransform::kRaw, EmControl::kNone, NormKind::kFrobenius);
  EXPECT_NEAR(frobenius_norm(c.W_h), 1.25 * std::sqrt(198.0), 1e-12);
  EXPECT_NEAR(spectral_radius(c.W_h), 3.3736, 5e-5);
}

TEST(EmConnectome, V1ddSignOnlyTransformMatchesProvenanceRanks) {
  const SpectrumReport r = spectrum_report(build(EmDataset::kV1ddL23L4, EmTransform::kSignOnly).W_h);
  EXPECT_NEAR(r.relative_rank_eigen, 0.09524, kFiveDigits);
  EXPECT_NEAR(r.relative_rank_singular, 0.06976, kFiveDigits);
}

TEST(EmConnectome, V1ddLayer23VariantMatchesProvenance) {
  const Connectivity c = build(EmDataset::kV1ddL23);
  EXPECT_EQ(c.value("n_excitatory"), 153);
  EXPECT_EQ(c.value("n_inhibitory"), 45);
  EXPECT_EQ(c.value("nonzeros"), 5072);
  const SpectrumReport r = spectrum_report(c.W_h);
  EXPECT_NEAR(r.relative_rank_eigen, 0.13956, kFiveDigits);
  EXPECT_NEAR(r.relative_rank_singular, 0.08195, kFiveDigits);
}

TEST(EmConnectome, LogMagnitudeKeepsSignsAndCompressesRange) {
  const Connectivity c = build(EmDataset::kV1ddL23L4, EmTransform::kLogMagnitude);
  EXPECT_TRUE(columns_follow_signs(c.W_h, c.column_sign));
  EXPECT_NEAR(*std::min_element(c.W_h.values().begin(), c.W_h.values().end()), -std::log1p(76350.0), 1e-12);
}

TEST(EmConnectome, Pinky100FactsMatchProvenance) {
  const Connectivity c = build(EmDataset::kPinky100);
  ASSERT_EQ(c.W_h.rows(), 104u);
  EXPECT_EQ(c.value("nonzeros"), 680);
  EXPECT_NEAR(c.value("density"), 0.0629, 5e-5);
  EXPECT_EQ(c.value("sum_positive"), 773);  // synapses
  EXPECT_EQ(c.value("n_inhibitory"), 0);
  std::size_t reciprocal = 0, no_output = 0, no_input = 0;
  for (std::size_t i = 0; i < 104; ++i) {
    double in = 0, out = 0;
    for (std::size_t j = 0; j < 104; ++j) {
      in += c.W_h(i, j);
      out += c.W_h(j, i);
      reciprocal += j > i && c.W_h(i, j) != 0 && c.W_h(j, i) != 0;
    }
    no_output += out == 0;
    no_input += in == 0;
  }
  EXPECT_EQ(reciprocal, 31u);
  EXPECT_EQ(no_output, 5u);
  EXPECT_EQ(no_input, 0u);
  const SpectrumReport r = spectrum_report(c.W_h);
  EXPECT_NEAR(r.relative_rank_eigen, 0.20751, kFiveDigits);
  EXPECT_NEAR(r.relative_rank_singular, 0.19581, kFiveDigits);
  EXPECT_NEAR(r.eigenvalues[0].real(), 7.3788, 5e-5);
  EXPECT_EQ(r.eigenvalues[0].imag(), 0.0);
}

TEST(EmConnectome, Pinky100CleftSizeWeightsMatchProvenanceRanks) {
  EmParams p;
  p.dataset = EmDataset::kPinky100;
  p.value = EmValue::kSumCleftVx;
  Rng rng(1);
  const SpectrumReport r = spectrum_report(em_connectome(p, rng).W_h);
  EXPECT_NEAR(r.relative_rank_eigen, 0.23293, kFiveDigits);
  EXPECT_NEAR(r.relative_rank_singular, 0.20300, kFiveDigits);
}

TEST(EmConnectome, CentringZeroesTheOffDiagonalMeanAndDropsTheSignLaw) {
  EmParams p;
  p.dataset = EmDataset::kPinky100;
  p.centre = true;
  p.norm.kind = NormKind::kNone;
  Rng rng(1);
  const Connectivity c = em_connectome(p, rng);
  double sum = 0;
  for (std::size_t i = 0; i < 104; ++i)
    for (std::size_t j = 0; j < 104; ++j) sum += i == j ? 0.0 : c.W_h(i, j);
  EXPECT_NEAR(sum, 0.0, 1e-10);
  EXPECT_TRUE(c.column_sign.empty());
  EXPECT_EQ(c.W_h(3, 3), 0.0);
}

std::vector<double> sorted_values(const Matrix& W) {
  std::vector<double> v(W.values().begin(), W.values().end());
  std::sort(v.begin(), v.end());
  return v;
}

bool same_pattern(const Matrix& a, const Matrix& b) {
  for (std::size_t k = 0; k < a.size(); ++k)
    if ((a.values()[k] != 0.0) != (b.values()[k] != 0.0)) return false;
  return true;
}

TEST(EmConnectome, ShuffleOverEdgesKeepsTopologyAndValues) {
  const Matrix data = build(EmDataset::kV1ddL23L4).W_h;
  const Connectivity c = build(EmDataset::kV1ddL23L4, EmTransform::kRaw, EmControl::kShuffleEdges);
  EXPECT_TRUE(same_pattern(data, c.W_h));
  EXPECT_EQ(sorted_values(data), sorted_values(c.W_h));
  EXPECT_NE(data, c.W_h);
  EXPECT_TRUE(c.column_sign.empty());  // a permuted column no longer has one sign
  EXPECT_FALSE(columns_follow_signs(c.W_h, build(EmDataset::kV1ddL23L4).column_sign));
}

TEST(EmConnectome, ShuffleOverAllPositionsKeepsValuesMovesEdgesAndSparesTheDiagonal) {
  const Matrix data = build(EmDataset::kV1ddL23L4).W_h;
  const Connectivity c = build(EmDataset::kV1ddL23L4, EmTransform::kRaw, EmControl::kShuffleAll);
  EXPECT_EQ(sorted_values(data), sorted_values(c.W_h));
  EXPECT_FALSE(same_pattern(data, c.W_h));
  for (std::size_t i = 0; i < 198; ++i) EXPECT_EQ(c.W_h(i, i), 0.0);
}

TEST(EmConnectome, GaussianValuesKeepTopologyOnly) {
  const Matrix data = build(EmDataset::kV1ddL23L4).W_h;
  const Connectivity c = build(EmDataset::kV1ddL23L4, EmTransform::kRaw, EmControl::kGaussianValues);
  EXPECT_TRUE(same_pattern(data, c.W_h));
  EXPECT_TRUE(c.column_sign.empty());
}

TEST(EmConnectome, ControlsAreDeterministicPerSeed) {
  for (EmControl ctl : {EmControl::kShuffleAll, EmControl::kShuffleEdges, EmControl::kGaussianValues}) {
    EXPECT_EQ(build(EmDataset::kPinky100, EmTransform::kRaw, ctl, NormKind::kFrobenius, 7).W_h,
              build(EmDataset::kPinky100, EmTransform::kRaw, ctl, NormKind::kFrobenius, 7).W_h);
    EXPECT_NE(build(EmDataset::kPinky100, EmTransform::kRaw, ctl, NormKind::kFrobenius, 7).W_h,
              build(EmDataset::kPinky100, EmTransform::kRaw, ctl, NormKind::kFrobenius, 8).W_h);
  }
}

TEST(EmConnectome, EffectiveRanksLieFarBelowTheGaussians) {
  // A 198 x 198 iid Gaussian gives about 0.642 (eigenvalues) and 0.428 (singular values).
  for (EmDataset d : {EmDataset::kV1ddL23L4, EmDataset::kV1ddL23, EmDataset::kPinky100}) {
    const SpectrumReport r = spectrum_report(build(d).W_h);
    EXPECT_LT(r.relative_rank_eigen, 0.3) << to_string(d);
    EXPECT_LT(r.relative_rank_singular, 0.25) << to_string(d);
  }
}

// --- the edge-list reader on corrupt input ---

CsvTable parse(const std::string& text) {
  std::istringstream in(text);
  return parse_csv(in, "edges_test.csv");
}

TEST(EmConnectome, EdgeReaderRejectsUnknownCellIndexNamingFileAndLine) {
  const std::string msg = error_of([] { em_matrix_from_edges(parse("pre,post,w\n0,1,5\n3,0,2\n"), 3, "w"); });
  EXPECT_NE(msg.find("edges_test.csv:3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown cell index 3"), std::string::npos) << msg;
  EXPECT_NE(error_of([] { em_matrix_from_edges(parse("pre,post,w\n-1,1,5\n"), 3, "w"); }).find("unknown cell"),
            std::string::npos);
}

TEST(EmConnectome, EdgeReaderRejectsDuplicateEdgesAndAutapses) {
  const std::string dup = error_of([] { em_matrix_from_edges(parse("pre,post,w\n0,1,5\n2,1,1\n0,1,7\n"), 3, "w"); });
  EXPECT_NE(dup.find("edges_test.csv:4"), std::string::npos) << dup;
  EXPECT_NE(dup.find("duplicate edge 0 -> 1"), std::string::npos) << dup;
  EXPECT_NE(error_of([] { em_matrix_from_edges(parse("pre,post,w\n1,1,5\n"), 3, "w"); }).find("autapse"),
            std::string::npos);
}

TEST(EmConnectome, EdgeReaderPlacesPreAsColumnAndPostAsRow) {
  const Matrix W = em_matrix_from_edges(parse("pre,post,w\n0,2,5\n"), 3, "w");
  EXPECT_EQ(W(2, 0), 5.0);  // W_h[post][pre]
  EXPECT_EQ(W(0, 2), 0.0);
}

using testing::DataCopy;
using testing::Mentions;
const char* const kPinkyEdges = "connectomes/pinky100_l23_pyc/edges_104.csv";
const char* const kV1ddCells = "connectomes/v1dd_l23_l4_198/cells_l23_l4.csv";
const char* const kV1ddEdges = "connectomes/v1dd_l23_l4_198/edges_l23_l4.csv";

std::string load_error(const DataCopy& d, EmDataset dataset) {
  return error_of([&] { load_em_connectome(dataset, EmValue::kNSynapses, d.dir()); });
}

TEST(EmConnectome, LoaderReportsMalformedLineOfTheFileItRead) {
  DataCopy d;
  d.replace(kPinkyEdges, "38,0,1,168,0.044568", "38,0,1,168");  // one field short
  EXPECT_TRUE(Mentions(load_error(d, EmDataset::kPinky100), {"edges_104.csv:3", "malformed"}));
}

// Before the fix strtod stopped at the NUL and "-29<NUL>80" loaded silently as -29.
TEST(EmConnectome, NulByteInsideANumberIsRejectedNotTruncated) {
  DataCopy d;
  d.replace(kV1ddEdges, "2,0,-2980", std::string("2,0,-29\0" "80", 10));
  EXPECT_TRUE(Mentions(load_error(d, EmDataset::kV1ddL23L4), {"edges_l23_l4.csv:2", "NUL byte"}));
  // A table built by hand (not through parse_csv) gets the same protection from number().
  CsvTable t;
  t.source = "hand.csv";
  t.header = {"pre", "post", "w"};
  t.rows = {{"1", "0", std::string("-29\0" "80", 6)}};
  t.line = {2};
  EXPECT_TRUE(Mentions(error_of([&] { em_matrix_from_edges(t, 3, "w"); }), {"hand.csv:2", "not a finite number"}));
}

TEST(EmConnectome, CellSignOtherThanPlusOrMinusOneIsRejected) {
  DataCopy d;
  d.set_field(kV1ddCells, "0,", "sign", "7");
  EXPECT_TRUE(Mentions(load_error(d, EmDataset::kV1ddL23L4), {"cells_l23_l4.csv:2: sign = 7 must be 1 or -1"}));
}

// Before the fix an empty cell table gave "cells are 0..18446744073709551615" (N - 1 wrapped).
TEST(EmConnectome, EmptyOrOversizedCellTableIsNamed) {
  DataCopy d;
  const std::string text = testing::read_text(d.path(kV1ddCells));
  d.write(kV1ddCells, text.substr(0, text.find('\n') + 1));  // the header alone
  const std::string msg = load_error(d, EmDataset::kV1ddL23L4);
  EXPECT_TRUE(Mentions(msg, {"cells_l23_l4.csv: 0 cells; a connectome needs at least 2"}));
  EXPECT_EQ(msg.find("18446744073709551615"), std::string::npos) << msg;
  EXPECT_TRUE(Mentions(error_of([] { em_matrix_from_edges(CsvTable{"e.csv", {"pre", "post", "w"}, {}, {}}, 0, "w"); }),
                       {"e.csv", "at least one cell"}));
  std::string big = "index,pt_root_id,cell_type\n";
  for (std::size_t i = 0; i <= kMaxConnectivityN; ++i) big += std::to_string(i) + ",1,e\n";
  d.write("connectomes/pinky100_l23_pyc/cells_104.csv", big);
  EXPECT_TRUE(Mentions(load_error(d, EmDataset::kPinky100), {"cells_104.csv: 10001 cells, above the cap"}));
}

TEST(EmConnectome, EdgeIndexOutOfRangeSaysHowManyCellsThereAre) {
  DataCopy d;
  d.replace(kPinkyEdges, "38,0,1,168", "104,0,1,168");
  EXPECT_TRUE(Mentions(load_error(d, EmDataset::kPinky100),
                       {"edges_104.csv:3: unknown cell index 104 (the cell table has 104 cells, 0..103)"}));
}

TEST(EmConnectome, HugeOrNonFiniteWeightsAreRejected) {
  for (const char* bad : {"-1e300", "nan", "inf"}) {
    DataCopy d;
    d.replace(kV1ddEdges, "2,0,-2980", std::string("2,0,") + bad);
    EXPECT_TRUE(Mentions(load_error(d, EmDataset::kV1ddL23L4), {"edges_l23_l4.csv:2"})) << bad;
  }
}

// Before the fix a header-only edges file loaded as an all-zero W ("W has zero frobenius norm" later,
// naming no file) and a file cut at a line boundary loaded silently: the row counts of PROVENANCE.md.
TEST(EmConnectome, HeaderOnlyEdgesFileIsNamedWithTheShippedRowCount) {
  DataCopy d;
  const std::string text = testing::read_text(d.path(kV1ddEdges));
  d.write(kV1ddEdges, text.substr(0, text.find('\n') + 1));
  EXPECT_TRUE(Mentions(load_error(d, EmDataset::kV1ddL23L4),
                       {d.path(kV1ddEdges) + ": 0 edges, but the shipped file has 5573", "PROVENANCE.md"}));
}

TEST(EmConnectome, EdgesFileCutAtALineBoundaryIsRejected) {
  for (const auto& [dataset, file, shipped] :
       {std::tuple{EmDataset::kPinky100, kPinkyEdges, "680"}, std::tuple{EmDataset::kV1ddL23L4, kV1ddEdges, "5573"}}) {
    DataCopy d;
    const std::string text = testing::read_text(d.path(file));
    const std::size_t last_line = text.rfind('\n', text.size() - 2);  // drop the last edge, keep whole lines
    d.write(file, text.substr(0, last_line + 1));
    const std::string lost = std::to_string(std::stoi(shipped) - 1);
    EXPECT_TRUE(Mentions(load_error(d, dataset),
                         {d.path(file) + ": " + lost + " edges, but the shipped file has " + shipped,
                          "truncated or edited copy"}));
  }
}

TEST(EmConnectome, CellsFileCutAtALineBoundaryIsRejected) {
  DataCopy d;
  const char* const cells = "connectomes/pinky100_l23_pyc/cells_104.csv";
  std::string text = testing::read_text(d.path(cells));
  // Every edge of the last cell must go too, or the edges file names it first: drop edges to/from 103.
  d.write(cells, text.substr(0, text.rfind('\n', text.size() - 2) + 1));
  std::istringstream in(testing::read_text(d.path(kPinkyEdges)));
  std::string line, kept;
  for (std::size_t n = 0; std::getline(in, line); ++n)
    if (n == 0 || (line.rfind("103,", 0) != 0 && line.find(",103,") == std::string::npos)) kept += line + "\n";
  d.write(kPinkyEdges, kept);
  EXPECT_TRUE(Mentions(load_error(d, EmDataset::kPinky100), {d.path(cells) + ": 103 cells, but the shipped file has 104"}));
}

TEST(EmConnectome, DirectoryInPlaceOfTheEdgesFileIsNamed) {
  DataCopy d;
  std::filesystem::remove(d.path(kPinkyEdges));
  std::filesystem::create_directory(d.path(kPinkyEdges));
  EXPECT_TRUE(Mentions(load_error(d, EmDataset::kPinky100), {d.path(kPinkyEdges), "is a directory, not a regular file"}));
}

TEST(EmConnectome, LoaderReportsMissingFileWithThePathTried) {
  const std::string msg = error_of([] { load_em_connectome(EmDataset::kV1ddL23L4, EmValue::kNSynapses, "no/such/dir"); });
  EXPECT_NE(msg.find("no/such/dir/connectomes/v1dd_l23_l4_198/cells_l23_l4.csv"), std::string::npos) << msg;
  EXPECT_NE(msg.find("data_dir"), std::string::npos) << msg;
}

TEST(EmConnectome, ParsersRejectUnknownNames) {
  EXPECT_EQ(parse_em_dataset("pinky100"), EmDataset::kPinky100);
  EXPECT_EQ(parse_em_control("shuffle_edges"), EmControl::kShuffleEdges);
  EXPECT_NE(error_of([] { parse_em_transform("sqrt"); }).find("raw, sign, log"), std::string::npos);
}

}  // namespace
}  // namespace rl
