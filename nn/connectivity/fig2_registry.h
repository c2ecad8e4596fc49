// The Fig. 2 registry: which initial recurrent matrices the Fig. 2 program compares, how each is
// built (nn/connectivity/), and which Gaussian it is matched with.
//
// Paper, Fig. 2 caption [CAP]: "We present the eigenspectrum and the relative effective rank of
// connectivity in A) structures with cell-type-specific statistics, B) structures derived from EM
// data, C) structures obeying Dale's law, and D) structures with an over-representation of chain
// motifs [...] These structures exhibit a lower effective rank compared to standard random Gaussian
// initialization (null)."  The recipes behind each panel are not published (docs/paper.md#unknowns,
// docs/connectivity.md#what-is-known): every builder call below is a sourced substitute [OURS], documented in
// docs/connectivity.md.
//
// Entries and roles:
//   structure  one of fig2_structure_names(): cell_types (A), em_v1dd and em_pinky100 (B), dale (C),
//              sonet_chain (D);
//   control    a shuffle of an EM matrix (em_v1dd_shuffle_edges / _shuffle_all, same for pinky100):
//              is the low rank a property of the wiring or of the weight distribution?
//              and sonet_no_chain (same degree variance, no chain excess: isolates the chains);
//   gaussian   the null W0 = g G / sqrt(N) (docs/paper.md#initial-weights), one per distinct N ("gaussian_N300"),
//              shared by every structure of that N.
//
// Scale: every entry, the Gaussian included, is scaled to the Gaussian control's reference value of
// the chosen norm (nn/connectivity/normalize.h): g sqrt(N) for Frobenius (the project convention),
// 2 g for the spectral norm, g for the spectral radius.  So within a structure's group every
// matrix has the same N and the same norm, and ||dW_h||_F is comparable without normalising.
//
// Randomness: the matrix of entry e for repetition seed s is drawn from
// Rng(derive_seed(derive_seed(s, kFig2StructureStream), e.stream)), where `stream` is a constant of
// the entry's name: the same seed gives the same matrix whichever entries are selected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "linalg/matrix.h"
#include "linalg/rng.h"
#include "nn/connectivity/em_connectome.h"
#include "nn/connectivity/normalize.h"
#include "nn/connectivity/sonet.h"
#include "nn/connectivity/spectrum_report.h"
#include "nn/connectivity/structure.h"

namespace rl {

inline constexpr std::uint64_t kFig2StructureStream = 4;  // derive_seed stream of the matrices

enum class Fig2Role { kStructure, kControl, kGaussian };
std::string to_string(Fig2Role role);

// The choices the paper leaves open, as flags of the Fig. 2 program.
struct Fig2Options {
  std::size_t N = 300;        // size of the synthetic structures (cell types, Dale, SONET) and their Gaussian
  NormalizeParams norm;       // default: Frobenius norm of the g = 1.25 Gaussian
  // pinky100 is all excitatory: centred (mean off-diagonal entry subtracted, default) or raw
  // (all-positive, a Perron outlier that ReLU dynamics amplify).  docs/connectivity.md#em-connectomes.
  bool pinky_centred = true;
  EmTransform em_transform = EmTransform::kRaw;  // applied to both EM datasets
  SonetWeights sonet_weights = SonetWeights::kCentred;
  std::string data_dir = "nn/connectivity/data";
};

struct Fig2Entry {
  std::string name;       // e.g. "em_v1dd_shuffle_edges"; unique
  std::string structure;  // the structure this entry belongs to ("" for a Gaussian)
  Fig2Role role = Fig2Role::kStructure;
  std::size_t N = 0;      // matrix size
  std::string gaussian;   // name of the matched Gaussian ("" for a Gaussian)
  std::uint64_t stream = 0;  // random stream of this entry (constant per name)
  std::string description;   // one line for tables and the manifest
};

// The five structures, in panel order: cell_types, em_v1dd, em_pinky100, dale, sonet_chain.
const std::vector<std::string>& fig2_structure_names();
// Size of a structure's matrix: the EM data fix their own (198, 104), the others use options.N.
// Throws std::invalid_argument naming an unknown structure and the accepted names.
std::size_t fig2_structure_size(const std::string& structure, const Fig2Options& options);

// The entries for the selected structures, in order: each structure followed by its controls (when
// `with_controls`), then one Gaussian per distinct N in order of first need.  Throws on an unknown or
// repeated structure name, or an empty selection.
std::vector<Fig2Entry> fig2_entries(const std::vector<std::string>& structures, const Fig2Options& options,
                                    bool with_controls);

// The entry of that name in `entries`; throws std::out_of_range naming it.
const Fig2Entry& find_fig2_entry(const std::vector<Fig2Entry>& entries, const std::string& name);

// spectrum_report(W), retried while rl::eig_general reports no convergence on exact similarity
// transforms (W, W^T, index-reversed) times fixed scales c, with the eigenvalues, singular values
// and norms scaled back by 1 / c; the relative ranks are scale-free.  A local workaround: eig_general stalls at its 30 n
// cap on some centred pinky100 matrices (many zero, defective eigenvalues), and whether it does
// depends on the mantissa of the scale.  eig_converged stays false only if every retry stalls.
SpectrumReport fig2_spectrum(const Matrix& W);

// Builds the entry's W_h (N, N) for repetition `seed` (see "Randomness" above), scaled as described
// under "Scale" (for the spectral radius, measured with fig2_spectrum; throws if even that stalls).
// Data files are read from options.data_dir.
Connectivity build_fig2_entry(const Fig2Entry& entry, const Fig2Options& options, std::uint64_t seed);

}  // namespace rl
