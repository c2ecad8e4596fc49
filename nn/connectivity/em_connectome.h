// EM connectomes as recurrent weights (docs/connectivity.md#em-connectomes; data/connectomes/*/PROVENANCE.md).
//
// * V1DD, 198 proofread cells of mouse V1 L2/3 + L4 (AllenInstitute/RNNsComplexity, the matrix the
//   Allen group of the paper's first author used for RNN inits): signed summed synapse size, sign by
//   presynaptic type (PYC +, BC/MC/BPC/NGC -).  Also the L2/3-only 198-cell variant.
// * MICrONS phase-1 L2/3 "pinky100" (Dorkenwald et al. eLife 2022): 104 pyramidal cells, E only.
// Which volume and cells the paper used is unknown (docs/connectivity.md#what-is-known); these are sourced substitutes.
//
// Orientation: the files list (pre, post); we set W_h[post][pre] = value, i.e. W_h = A^T, so each
// column carries one sign.  (RNNsComplexity loads A without the transpose: same spectrum, transposed
// dynamics.)
#pragma once

#include <string>
#include <vector>

#include "linalg/matrix.h"
#include "linalg/rng.h"
#include "nn/connectivity/connectivity_csv.h"
#include "nn/connectivity/normalize.h"
#include "nn/connectivity/structure.h"

namespace rl {

enum class EmDataset {
  kV1ddL23L4,  // 198 cells, L2/3 + L4 (default)
  kV1ddL23,    // 198 cells, L2/3 only
  kPinky100,   // 104 pyramidal cells, E -> E only
};
enum class EmValue {   // pinky100 only: which per-pair aggregate is the weight
  kNSynapses,       // synapse count (default)
  kSumCleftVx,      // summed synaptic cleft size (voxels)
  kSumSpineVolUm3,  // summed spine-head volume
};
enum class EmTransform {
  kRaw,           // the data value
  kSignOnly,      // sign(w)
  kLogMagnitude,  // sign(w) log1p(|w|)
};
enum class EmControl {
  kNone,
  kShuffleAll,      // permute every off-diagonal entry (zeros too): destroys topology
  kShuffleEdges,    // permute the non-zero values among the existing edges: keeps topology
  kGaussianValues,  // keep the topology, values N(0, 1): destroys Dale's law
};

// The data exactly as shipped, before any transform.
struct EmData {
  Matrix W;                             // (N, N), W[post][pre]
  std::vector<int> column_sign;         // (N) from the cell table; all +1 for pinky100
  std::vector<std::string> cell_type;   // (N) PYC / BC / MC / BPC / NGC, or "e"
  std::vector<std::string> layer;       // (N) "23" / "4"; empty for pinky100
};

// Reads the cells and edges CSVs of a dataset.  Errors name file and line for: malformed rows (NUL
// bytes included), fewer than 2 or more than kMaxConnectivityN cells, a cell index out of range or not
// equal to its row, a sign other than 1 / -1, an edge to an unknown cell, an autapse, a duplicate
// (pre, post) edge, a weight above 1e12 in magnitude, an edge whose sign contradicts its presynaptic cell;
// then, with `shipped_counts`, a cells or edges file whose row count is not the shipped file's (its
// PROVENANCE.md): a header-only file, or one cut at a line boundary, parses but is not the data.
// shipped_counts = false only for a deliberately reduced copy (tests/fuzz cuts 24 cells).
EmData load_em_connectome(EmDataset dataset, EmValue value = EmValue::kNSynapses,
                          const std::string& data_dir = kDefaultConnectivityDataDir, bool shipped_counts = true);

// The edge-list part on its own (exposed for tests): fills W[post][pre] from columns "pre", "post"
// and value_column of an edges table with N cells.
Matrix em_matrix_from_edges(const CsvTable& edges, std::size_t N, const std::string& value_column);

struct EmParams {
  EmDataset dataset = EmDataset::kV1ddL23L4;
  EmValue value = EmValue::kNSynapses;
  EmTransform transform = EmTransform::kRaw;
  bool centre = false;  // subtract the mean off-diagonal entry (PROVENANCE pinky100 option (b))
  EmControl control = EmControl::kNone;
  NormalizeParams norm;  // default: Frobenius-matched, g = 1.25
  std::string data_dir = kDefaultConnectivityDataDir;
  bool shipped_counts = true;  // see load_em_connectome
};

std::string to_string(EmDataset d);
std::string to_string(EmTransform t);
std::string to_string(EmControl c);
EmDataset parse_em_dataset(const std::string& text);
EmTransform parse_em_transform(const std::string& text);
EmControl parse_em_control(const std::string& text);

// Data -> transform -> centring -> control -> normalisation.  column_sign is kept only when the
// result still obeys it (no centring; control none).  Records "N", "n_excitatory", "n_inhibitory",
// "nonzeros", "density", "sum_positive", "sum_negative" (after transform, before scaling),
// "scale_factor".  The Rng is used only by the controls.
Connectivity em_connectome(const EmParams& params, Rng& rng);

}  // namespace rl
