#include "nn/connectivity/em_connectome.h"

#include <cmath>
#include <set>
#include <stdexcept>
#include <utility>

namespace rl {
namespace {

// |weight| cap of an edge: the shipped maxima are about 1e5 (summed synapse size) and 1e4 (cleft voxels);
// far above that, sums of squares in the normalisation overflow.
constexpr double kMaxEmWeight = 1e12;

// The row counts the shipped files have (their PROVENANCE.md, "Files written by us"): a file cut at a
// line boundary, or holding only its header, parses; only its count tells it is not the data.
struct DatasetFiles {
  std::string cells, edges, value_column;
  std::size_t n_cells = 0, n_edges = 0;
};

DatasetFiles files_for(EmDataset dataset, EmValue value) {
  switch (dataset) {
    case EmDataset::kV1ddL23L4:
      return {"connectomes/v1dd_l23_l4_198/cells_l23_l4.csv", "connectomes/v1dd_l23_l4_198/edges_l23_l4.csv",
              "signed_summed_synapse_size", 198, 5573};
    case EmDataset::kV1ddL23:
      return {"connectomes/v1dd_l23_l4_198/cells_l23.csv", "connectomes/v1dd_l23_l4_198/edges_l23.csv",
              "signed_summed_synapse_size", 198, 5072};
    case EmDataset::kPinky100: {
      const char* col = value == EmValue::kNSynapses     ? "n_synapses"
                        : value == EmValue::kSumCleftVx ? "sum_cleft_vx"
                                                         : "sum_spine_vol_um3";
      return {"connectomes/pinky100_l23_pyc/cells_104.csv", "connectomes/pinky100_l23_pyc/edges_104.csv", col, 104,
              680};
    }
  }
  throw std::invalid_argument("em_connectome: unknown dataset");
}

// Checked after the rows themselves, so that a bad row is named by its line first.
void check_row_count(const CsvTable& table, std::size_t shipped, const char* what) {
  if (table.num_rows() == shipped) return;
  const std::string provenance = table.source.substr(0, table.source.find_last_of('/') + 1) + "PROVENANCE.md";
  throw std::runtime_error(table.source + ": " + std::to_string(table.num_rows()) + " " + what +
                           ", but the shipped file has " + std::to_string(shipped) + " (" + provenance +
                           "): a truncated or edited copy; restore it from the repository");
}

// Cells table: 'index' must run 0..N-1 in row order.
void read_cells(const CsvTable& cells, EmData& data, bool signed_cells) {
  const std::size_t c_index = cells.column("index"), c_type = cells.column("cell_type");
  const std::size_t N = cells.num_rows();
  if (N < 2) throw std::runtime_error(cells.source + ": " + std::to_string(N) + " cells; a connectome needs at least 2");
  if (N > kMaxConnectivityN)
    throw std::runtime_error(cells.source + ": " + std::to_string(N) + " cells, above the cap of " +
                             std::to_string(kMaxConnectivityN) + " (kMaxConnectivityN, nn/connectivity/structure.h)");
  for (std::size_t r = 0; r < N; ++r) {
    if (cells.integer(r, c_index) != static_cast<long long>(r))
      throw std::runtime_error(cells.where(r) + ": cell index " + cells.text(r, c_index) + " should be " +
                               std::to_string(r) + " (cells must be listed 0..N-1 in order)");
    data.cell_type.push_back(cells.text(r, c_type));
    if (signed_cells) {
      data.column_sign.push_back(cells.sign(r, cells.column("sign")));
      data.layer.push_back(cells.text(r, cells.column("soma_layer")));
    } else {
      data.column_sign.push_back(1);
    }
  }
}

double transformed(double w, EmTransform t) {
  switch (t) {
    case EmTransform::kRaw: return w;
    case EmTransform::kSignOnly: return (w > 0.0) - (w < 0.0);
    case EmTransform::kLogMagnitude: return std::copysign(std::log1p(std::fabs(w)), w);
  }
  return w;
}

void apply_control(Matrix& W, EmControl control, Rng& rng) {
  const std::size_t N = W.rows();
  std::vector<std::pair<std::size_t, std::size_t>> slots;  // positions that take part in the permutation
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j)
      if (i != j && (control == EmControl::kShuffleAll || W(i, j) != 0.0)) slots.emplace_back(i, j);
  if (control == EmControl::kGaussianValues) {
    for (const auto& [i, j] : slots) W(i, j) = rng.normal();
    return;
  }
  std::vector<double> values;
  for (const auto& [i, j] : slots) values.push_back(W(i, j));
  rng.shuffle(values);
  for (std::size_t k = 0; k < slots.size(); ++k) W(slots[k].first, slots[k].second) = values[k];
}

template <class Enum, std::size_t K>
Enum parse_enum(const std::string& text, const Enum (&all)[K], const char* what) {
  std::string options;
  for (Enum e : all) {
    if (to_string(e) == text) return e;
    options += (options.empty() ? "" : ", ") + to_string(e);
  }
  throw std::invalid_argument(std::string(what) + " '" + text + "' is not one of " + options);
}

}  // namespace

Matrix em_matrix_from_edges(const CsvTable& edges, std::size_t N, const std::string& value_column) {
  if (N == 0) throw std::invalid_argument(edges.source + ": the edges need a cell table with at least one cell");
  const std::size_t c_pre = edges.column("pre"), c_post = edges.column("post"), c_val = edges.column(value_column);
  Matrix W(N, N);  // (N, N) W[post][pre]
  std::set<std::pair<long long, long long>> seen;
  for (std::size_t r = 0; r < edges.num_rows(); ++r) {
    const long long pre = edges.integer(r, c_pre), post = edges.integer(r, c_post);
    for (long long idx : {pre, post})
      if (idx < 0 || idx >= static_cast<long long>(N))
        throw std::runtime_error(edges.where(r) + ": unknown cell index " + std::to_string(idx) + " (the cell table has " +
                                 std::to_string(N) + " cells, 0.." + std::to_string(N - 1) + ")");
    if (pre == post) throw std::runtime_error(edges.where(r) + ": autapse " + std::to_string(pre) + " -> itself");
    if (!seen.insert({pre, post}).second)
      throw std::runtime_error(edges.where(r) + ": duplicate edge " + std::to_string(pre) + " -> " + std::to_string(post));
    W(post, pre) = edges.number_in(r, c_val, -kMaxEmWeight, kMaxEmWeight);
  }
  return W;
}

EmData load_em_connectome(EmDataset dataset, EmValue value, const std::string& data_dir, bool shipped_counts) {
  const DatasetFiles f = files_for(dataset, value);
  const std::string cells_path = connectivity_data_path(data_dir, f.cells);
  const std::string edges_path = connectivity_data_path(data_dir, f.edges);
  EmData data;
  const CsvTable cells = read_csv(cells_path);
  read_cells(cells, data, dataset != EmDataset::kPinky100);
  const CsvTable edges = read_csv(edges_path);
  data.W = em_matrix_from_edges(edges, data.cell_type.size(), f.value_column);
  // Dale check: every edge must carry its presynaptic cell's sign.
  const std::size_t c_pre = edges.column("pre"), c_post = edges.column("post");
  for (std::size_t r = 0; r < edges.num_rows(); ++r) {
    const std::size_t pre = static_cast<std::size_t>(edges.integer(r, c_pre));
    const double w = data.W(static_cast<std::size_t>(edges.integer(r, c_post)), pre);
    if (w != 0.0 && (w > 0.0) != (data.column_sign[pre] > 0))
      throw std::runtime_error(edges.where(r) + ": weight " + std::to_string(w) + " contradicts the sign of cell " +
                               std::to_string(pre) + " in " + cells_path);
  }
  if (shipped_counts) {
    check_row_count(cells, f.n_cells, "cells");
    check_row_count(edges, f.n_edges, "edges");
  }
  return data;
}

std::string to_string(EmDataset d) {
  switch (d) {
    case EmDataset::kV1ddL23L4: return "v1dd";
    case EmDataset::kV1ddL23: return "v1dd_l23";
    case EmDataset::kPinky100: return "pinky100";
  }
  return "?";
}
std::string to_string(EmTransform t) {
  switch (t) {
    case EmTransform::kRaw: return "raw";
    case EmTransform::kSignOnly: return "sign";
    case EmTransform::kLogMagnitude: return "log";
  }
  return "?";
}
std::string to_string(EmControl c) {
  switch (c) {
    case EmControl::kNone: return "none";
    case EmControl::kShuffleAll: return "shuffle_all";
    case EmControl::kShuffleEdges: return "shuffle_edges";
    case EmControl::kGaussianValues: return "gaussian_values";
  }
  return "?";
}
EmDataset parse_em_dataset(const std::string& text) {
  const EmDataset all[] = {EmDataset::kV1ddL23L4, EmDataset::kV1ddL23, EmDataset::kPinky100};
  return parse_enum(text, all, "EM dataset");
}
EmTransform parse_em_transform(const std::string& text) {
  const EmTransform all[] = {EmTransform::kRaw, EmTransform::kSignOnly, EmTransform::kLogMagnitude};
  return parse_enum(text, all, "EM transform");
}
EmControl parse_em_control(const std::string& text) {
  const EmControl all[] = {EmControl::kNone, EmControl::kShuffleAll, EmControl::kShuffleEdges, EmControl::kGaussianValues};
  return parse_enum(text, all, "EM control");
}

Connectivity em_connectome(const EmParams& params, Rng& rng) {
  EmData data = load_em_connectome(params.dataset, params.value, params.data_dir, params.shipped_counts);
  const std::size_t N = data.W.rows();
  Connectivity c;
  c.W_h = std::move(data.W);
  for (double& w : c.W_h.values()) w = transformed(w, params.transform);

  double sum_pos = 0.0, sum_neg = 0.0, nonzeros = 0.0;
  for (double w : c.W_h.values()) {
    (w > 0.0 ? sum_pos : sum_neg) += w;
    nonzeros += w != 0.0;
  }
  std::size_t n_e = 0;
  for (int s : data.column_sign) n_e += s > 0;

  if (params.centre) {
    const double mean = (sum_pos + sum_neg) / (static_cast<double>(N) * (N - 1));  // off-diagonal mean
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j)
        if (i != j) c.W_h(i, j) -= mean;
  }
  if (params.control != EmControl::kNone) apply_control(c.W_h, params.control, rng);
  if (!params.centre && params.control == EmControl::kNone) c.column_sign = data.column_sign;
  c.unit_type = data.cell_type;

  const double factor = normalization_factor(c.W_h, params.norm);
  c.W_h *= factor;
  c.record("N", static_cast<double>(N));
  c.record("n_excitatory", static_cast<double>(n_e));
  c.record("n_inhibitory", static_cast<double>(N - n_e));
  c.record("nonzeros", nonzeros);
  c.record("density", nonzeros / (static_cast<double>(N) * N));
  c.record("sum_positive", sum_pos);
  c.record("sum_negative", sum_neg);
  c.record("scale_factor", factor);
  return c;
}

}  // namespace rl
