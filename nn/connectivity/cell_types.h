// Cell-type block model: E / PV / SST / VIP populations with Allen Institute connection statistics
// (docs/connectivity.md#cell-types; data/celltypes/PROVENANCE.md).  The paper says only that its cell-type
// structure comes from Allen Institute data (docs/connectivity.md#what-is-known); the table, layer, proportions and
// magnitudes below are a sourced substitute, each a parameter.
//
// Recipe (PROVENANCE "Recipe"): give each unit a type; for i != j connect j -> i with probability
// p[type j -> type i]; magnitude = block-mean PSP or a lognormal draw scale * exp(shape z) (the 90th
// percentile fit); W_h[i][j] = sign(type j) * magnitude; rescale to the Gaussian control.
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "linalg/rng.h"
#include "nn/connectivity/connectivity_csv.h"
#include "nn/connectivity/normalize.h"
#include "nn/connectivity/structure.h"

namespace rl {

inline constexpr std::size_t kNumCellTypes = 4;  // E, PV, SST, VIP (this order everywhere)
const std::array<std::string, kNumCellTypes>& cell_type_names();

enum class CellLayer { L23, L4 };
enum class PmaxSource {
  kSynphys,  // Campagnola et al. 2022 Fig. S1A (synaptic physiology), `pmax_synphys`
  kV1dd,     // V1DD EM, `pmax_v1dd`
};
enum class CellProportions {
  kAllen,        // the Allen model's layer fractions (L2/3: E .900, VIP .049, PV .030, SST .021)
  kEightyTwenty  // 80 % E, the Allen split inside I
};
enum class CellMagnitude {
  kBlockMean,  // psp_mean_resting_mV of the (pre, post) block
  kLognormal,  // logn_scale_90th_mV * exp(logn_shape_90th * z)
};
enum class PmaxProfile {
  kPeak,         // pmax itself (upper bound)
  kDiskAverage,  // pmax (2 sigma^2 / R^2)(1 - exp(-R^2 / (2 sigma^2))) over a disk of radius R
};

// Names for flags: "L23" / "L4"; "synphys" / "v1dd"; "allen" / "80_20"; "mean" / "lognormal";
// "peak" / "disk".  The parsers throw naming the bad text and the accepted names.
std::string to_string(CellLayer v);
std::string to_string(PmaxSource v);
std::string to_string(CellProportions v);
std::string to_string(CellMagnitude v);
std::string to_string(PmaxProfile v);
CellLayer parse_cell_layer(const std::string& text);
PmaxSource parse_pmax_source(const std::string& text);
CellProportions parse_cell_proportions(const std::string& text);
CellMagnitude parse_cell_magnitude(const std::string& text);
PmaxProfile parse_pmax_profile(const std::string& text);

// One layer's tables, indexed [pre][post] in the order E, PV, SST, VIP.
struct CellTypeTable {
  std::string layer;                                    // "L2/3" or "L4"
  using Block = std::array<std::array<double, kNumCellTypes>, kNumCellTypes>;
  Block pmax_synphys{}, pmax_v1dd{}, sigma_um{}, psp_mean_resting_mV{}, logn_shape_90th{}, logn_scale_90th_mV{};
  std::array<int, kNumCellTypes> sign{};                // +1 for E, -1 for the interneurons
  std::array<double, kNumCellTypes> fraction_of_layer{};  // Allen proportions (sum 1)
  std::array<double, kNumCellTypes> fraction_within_ei{};  // E: 1; I types: share of the inhibitory cells
};

// Reads celltypes/celltype_connectivity_l23_l4.csv and celltypes/celltype_proportions_l23_l4.csv
// under data_dir; throws naming the file and line on any missing, malformed or out-of-range entry:
// probabilities outside [0, 1], a sign other than +1 / -1 (or two signs for one type), sigma not in
// (0, 1e4] um, PSP magnitudes outside [0, 1e3] mV, a lognormal shape outside [0, 10], fractions
// outside [0, 1], or fractions whose sum over the layer (or over E, or over I) is 0 or above 1.
CellTypeTable load_cell_type_table(CellLayer layer, const std::string& data_dir = kDefaultConnectivityDataDir);

// Integer counts (E, PV, SST, VIP) summing to N by largest-remainder rounding of the proportions.
// Throws std::invalid_argument on N outside [4, kMaxConnectivityN], a fraction outside [0, 1] or a zero sum.
std::array<std::size_t, kNumCellTypes> cell_type_counts(const CellTypeTable& table, CellProportions proportions,
                                                        std::size_t N);

struct CellTypeParams {
  std::size_t N = 300;
  CellLayer layer = CellLayer::L23;
  PmaxSource pmax = PmaxSource::kSynphys;
  CellProportions proportions = CellProportions::kAllen;
  CellMagnitude magnitude = CellMagnitude::kBlockMean;
  PmaxProfile profile = PmaxProfile::kPeak;
  double disk_radius_um = 75.0;  // R of the disk average (the Allen model's R0)
  NormalizeParams norm;          // default: Frobenius-matched, g = 1.25
  std::string data_dir = kDefaultConnectivityDataDir;
};

// The connection probability used for a block (after the chosen profile).
double cell_type_probability(const CellTypeTable& table, const CellTypeParams& params, std::size_t pre,
                             std::size_t post);

// Units are ordered E, PV, SST, VIP.  Records "n_E", "n_PV", "n_SST", "n_VIP", "density_realised",
// "scale_factor".  Throws on N outside [4, kMaxConnectivityN] or a non-positive disk radius.
Connectivity cell_type_connectivity(const CellTypeParams& params, Rng& rng);

}  // namespace rl
