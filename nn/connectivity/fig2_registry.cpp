#include "nn/connectivity/fig2_registry.h"

#include <algorithm>
#include <stdexcept>

#include "nn/connectivity/cell_types.h"
#include "nn/connectivity/dale.h"
#include "nn/connectivity/gaussian_null.h"

namespace rl {

namespace {

// 64-bit FNV-1a of the entry name (Fowler, Noll, Vo): a stream id that depends on the name only.
std::uint64_t name_stream(const std::string& name) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string gaussian_name(std::size_t N) { return "gaussian_N" + std::to_string(N); }

std::string joined_structure_names() {
  std::string s;
  for (const std::string& n : fig2_structure_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

Fig2Entry make_entry(const std::string& name, const std::string& structure, Fig2Role role, std::size_t N,
                     const std::string& description) {
  Fig2Entry e;
  e.name = name;
  e.structure = structure;
  e.role = role;
  e.N = N;
  e.gaussian = role == Fig2Role::kGaussian ? "" : gaussian_name(N);
  e.stream = name_stream(name);
  e.description = description;
  return e;
}

std::string structure_description(const std::string& s, const Fig2Options& o) {
  if (s == "cell_types") return "cell-type blocks, Allen L2/3 (E/PV/SST/VIP), synphys pmax, mean PSP";
  if (s == "em_v1dd") return "EM connectome V1DD L2/3+L4, 198 cells, signed summed synapse size, W_h = A^T";
  if (s == "em_pinky100")
    return std::string("EM connectome MICrONS pinky100 L2/3, 104 pyramidal cells, synapse counts, ") +
           (o.pinky_centred ? "centred" : "raw (all E)");
  if (s == "dale") return "Dale's law 80/20, half-normal magnitudes, k = 1 (unbalanced)";
  return "SONET chain motifs p = 0.1, alpha_conv = alpha_div = 0.5, cc_chain = 1, " + to_string(o.sonet_weights);
}

// The EM builder parameters shared by a dataset and its shuffles.
EmParams em_params(const std::string& structure, const Fig2Options& o, EmControl control) {
  EmParams p;
  p.dataset = structure == "em_v1dd" ? EmDataset::kV1ddL23L4 : EmDataset::kPinky100;
  p.value = EmValue::kNSynapses;  // used by pinky100 only; V1DD has one value (summed size)
  p.transform = o.em_transform;
  p.centre = false;  // pinky100 is centred after the control (centre_after_control)
  p.control = control;
  p.norm = o.norm;
  p.data_dir = o.data_dir;
  return p;
}

// pinky100 centred: shuffle the raw counts first, then subtract the off-diagonal mean (the caller,
// build_fig2_entry, scales the result).
// (em_connectome centres before its control, which would turn every zero into an "edge" and make
// shuffle_edges the same as shuffle_all.)  Without a control this equals em_connectome's centring.
Connectivity centre_after_control(EmParams p, Rng& rng) {
  p.norm.kind = NormKind::kNone;
  Connectivity c = em_connectome(p, rng);
  Matrix& W = c.W_h;  // (N, N)
  const std::size_t N = W.rows();
  double sum = 0.0;
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j)
      if (i != j) sum += W(i, j);
  const double mean = sum / static_cast<double>(N * (N - 1));
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j)
      if (i != j) W(i, j) -= mean;
  c.column_sign.clear();  // centring breaks the all-E sign law
  c.record("centred_mean", mean);
  return c;
}

SonetParams sonet_params(const Fig2Options& o, double cc_chain) {
  SonetParams p;  // defaults: docs/connectivity.md#sonet-parameters "suggested default"
  p.N = o.N;
  p.cc_chain = cc_chain;
  p.weights = o.sonet_weights;
  p.norm = o.norm;
  return p;
}

Connectivity build_structure_or_control(const Fig2Entry& e, const Fig2Options& o, Rng& rng) {
  const std::string& s = e.structure;
  if (e.name == "cell_types") {
    CellTypeParams p;
    p.N = o.N;
    p.norm = o.norm;
    p.data_dir = o.data_dir;
    return cell_type_connectivity(p, rng);
  }
  if (s == "em_v1dd" || s == "em_pinky100") {
    EmControl control = EmControl::kNone;
    if (e.name == s + "_shuffle_edges") control = EmControl::kShuffleEdges;
    if (e.name == s + "_shuffle_all") control = EmControl::kShuffleAll;
    if (s == "em_pinky100" && o.pinky_centred) return centre_after_control(em_params(s, o, control), rng);
    return em_connectome(em_params(s, o, control), rng);
  }
  if (e.name == "dale") {
    DaleParams p;
    p.N = o.N;
    p.norm = o.norm;
    return dale_connectivity(p, rng);
  }
  if (e.name == "sonet_chain") return sonet_connectivity(sonet_params(o, 1.0), rng);
  if (e.name == "sonet_no_chain") return sonet_connectivity(sonet_params(o, 0.0), rng);
  throw std::invalid_argument("build_fig2_entry: no builder for entry '" + e.name + "'");
}

}  // namespace

std::string to_string(Fig2Role role) {
  switch (role) {
    case Fig2Role::kStructure: return "structure";
    case Fig2Role::kControl: return "control";
    case Fig2Role::kGaussian: return "gaussian";
  }
  return "?";
}

const std::vector<std::string>& fig2_structure_names() {
  static const std::vector<std::string> names = {"cell_types", "em_v1dd", "em_pinky100", "dale", "sonet_chain"};
  return names;
}

std::size_t fig2_structure_size(const std::string& structure, const Fig2Options& options) {
  if (structure == "em_v1dd") return 198;     // data/connectomes/v1dd_l23_l4_198
  if (structure == "em_pinky100") return 104;  // data/connectomes/pinky100_l23_pyc (cells_104)
  const auto& names = fig2_structure_names();
  if (std::find(names.begin(), names.end(), structure) == names.end())
    throw std::invalid_argument("Fig. 2 structure '" + structure + "' is unknown (accepted: " +
                                joined_structure_names() + ")");
  return options.N;
}

std::vector<Fig2Entry> fig2_entries(const std::vector<std::string>& structures, const Fig2Options& options,
                                    bool with_controls) {
  if (structures.empty()) throw std::invalid_argument("Fig. 2 structures: the selection is empty");
  std::vector<Fig2Entry> entries;
  std::vector<std::size_t> sizes;  // distinct N, in order of first need
  for (std::size_t i = 0; i < structures.size(); ++i) {
    const std::string& s = structures[i];
    const std::size_t N = fig2_structure_size(s, options);
    if (std::find(structures.begin(), structures.begin() + i, s) != structures.begin() + i)
      throw std::invalid_argument("Fig. 2 structures: '" + s + "' is listed twice");
    entries.push_back(make_entry(s, s, Fig2Role::kStructure, N, structure_description(s, options)));
    if (with_controls && (s == "em_v1dd" || s == "em_pinky100")) {
      entries.push_back(make_entry(s + "_shuffle_edges", s, Fig2Role::kControl, N,
                                   "control: " + s + " values permuted over its existing edges (topology kept)"));
      entries.push_back(make_entry(s + "_shuffle_all", s, Fig2Role::kControl, N,
                                   "control: " + s + " entries permuted over all positions (topology destroyed)"));
    }
    if (with_controls && s == "sonet_chain")
      entries.push_back(make_entry("sonet_no_chain", s, Fig2Role::kControl, N,
                                   "control: the same SONET with cc_chain = 0 (degree variance, no chain excess)"));
    if (std::find(sizes.begin(), sizes.end(), N) == sizes.end()) sizes.push_back(N);
  }
  for (std::size_t N : sizes)
    entries.push_back(make_entry(gaussian_name(N), "", Fig2Role::kGaussian, N,
                                 "Gaussian null g G / sqrt(N), N = " + std::to_string(N)));
  return entries;
}

const Fig2Entry& find_fig2_entry(const std::vector<Fig2Entry>& entries, const std::string& name) {
  for (const Fig2Entry& e : entries)
    if (e.name == name) return e;
  throw std::out_of_range("Fig. 2 entry '" + name + "' is not in the selection");
}

namespace {

// Exact similarity transforms of W (same eigenvalues, same singular values, no rounding): W itself,
// W^T, and the index-reversed J W J.  Each gives eig_general a different Hessenberg matrix.
std::vector<Matrix> similar_copies(const Matrix& W) {
  const std::size_t N = W.rows();
  Matrix T(N, N), R(N, N);
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      T(i, j) = W(j, i);
      R(i, j) = W(N - 1 - i, N - 1 - j);
    }
  return {W, T, R};
}

}  // namespace

SpectrumReport fig2_spectrum(const Matrix& W) {
  // [TP] Retry scales: not powers of two (eig_general already scales by those exactly), spread over [0.6, 1.7].
  static const double kRetryScales[] = {1.0, 0.9147, 0.7713, 1.3179, 0.6311, 1.6657};
  const SpectrumReport first = spectrum_report(W);
  if (first.eig_converged) return first;
  for (const Matrix& copy : similar_copies(W))
    for (double c : kRetryScales) {
      Matrix scaled = copy;
      scaled *= c;
      SpectrumReport r = spectrum_report(scaled);
      if (!r.eig_converged) continue;
    for (auto& z : r.eigenvalues) z /= c;
    for (double& s : r.singular_values) s /= c;
    r.spectral_radius /= c;
    r.spectral_norm /= c;
      r.frobenius /= c;
      return r;
    }
  return first;
}

Connectivity build_fig2_entry(const Fig2Entry& entry, const Fig2Options& options, std::uint64_t seed) {
  Rng rng(derive_seed(derive_seed(seed, kFig2StructureStream), entry.stream));
  Connectivity c = entry.role == Fig2Role::kGaussian ? gaussian_null({entry.N, options.norm.g}, rng)  // docs/paper.md#initial-weights
                                                    : build_structure_or_control(entry, options, rng);
  const double target = gaussian_reference_norm(options.norm.kind, entry.N, options.norm.g);
  if (options.norm.kind != NormKind::kSpectralRadius) {
    c.W_h = normalize_to(c.W_h, options.norm.kind, target);  // a no-op up to rounding for the builders
    return c;
  }
  // The builders measured the radius with eig_general, which may have stalled (see fig2_spectrum).
  const SpectrumReport r = fig2_spectrum(c.W_h);
  if (!r.eig_converged)
    throw std::runtime_error("build_fig2_entry: the eigenvalues of '" + entry.name +
                             "' did not converge, so its spectral radius is unknown (try --norm frobenius)");
  c.W_h *= target / r.spectral_radius;
  return c;
}

}  // namespace rl
