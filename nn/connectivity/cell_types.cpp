#include "nn/connectivity/cell_types.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace rl {
namespace {

std::size_t type_index(const std::string& name, const CsvTable& t, std::size_t row) {
  const auto& names = cell_type_names();
  for (std::size_t k = 0; k < kNumCellTypes; ++k)
    if (names[k] == name) return k;
  throw std::runtime_error(t.where(row) + ": unknown cell type '" + name + "'");
}

// Plausibility caps on the connection table, each far beyond any measured value (the shipped maxima are
// sigma 127 um, PSP 1.9 mV, lognormal shape 0.94); beyond them a builder would overflow or never end.
constexpr double kMaxSigmaUm = 1e4;      // 1 cm
constexpr double kMaxPspMv = 1e3;        // 1 V
constexpr double kMaxLognShape = 10.0;   // exp(10 z) overflows for |z| > 71
constexpr double kFractionSumSlack = 1e-3;  // fractions may sum to 1 + rounding, never more

double positive_number(const CsvTable& t, std::size_t r, std::size_t c, double hi) {
  const double v = t.number(r, c);
  if (!(v > 0.0 && v <= hi))
    throw std::runtime_error(t.where(r) + ": " + t.header[c] + " = " + t.text(r, c) + " must lie in (0, " +
                             std::to_string(static_cast<long long>(hi)) + "]");
  return v;
}

std::string layer_label(CellLayer layer) { return layer == CellLayer::L23 ? "L2/3" : "L4"; }

// Population name -> type, from the naming of the proportions file (e23Cux2, i23Pvalb, i4Sst, ...).
int population_type(const std::string& pop, const std::string& ei) {
  if (ei == "e") return 0;
  if (pop.find("Pvalb") != std::string::npos) return 1;
  if (pop.find("Sst") != std::string::npos) return 2;
  if (pop.find("Vip") != std::string::npos) return 3;
  return -1;
}

void load_connectivity_rows(CellTypeTable& table, const std::string& path) {
  const CsvTable t = read_csv(path);
  const std::size_t c_layer = t.column("layer"), c_pre = t.column("pre_type"), c_post = t.column("post_type"),
                    c_sign = t.column("sign"), c_ps = t.column("pmax_synphys"), c_pv = t.column("pmax_v1dd"),
                    c_sig = t.column("sigma_um"), c_psp = t.column("psp_mean_resting_mV"),
                    c_shape = t.column("logn_shape_90th"), c_scale = t.column("logn_scale_90th_mV");
  std::array<std::array<bool, kNumCellTypes>, kNumCellTypes> seen{};
  std::array<std::size_t, kNumCellTypes> sign_line{};  // where each type's sign was first read
  for (std::size_t r = 0; r < t.num_rows(); ++r) {
    if (t.text(r, c_layer) != table.layer) continue;
    const std::size_t pre = type_index(t.text(r, c_pre), t, r), post = type_index(t.text(r, c_post), t, r);
    if (seen[pre][post]) throw std::runtime_error(t.where(r) + ": duplicate row for this (layer, pre, post)");
    seen[pre][post] = true;
    const int sign = t.sign(r, c_sign);
    if (sign_line[pre] != 0 && table.sign[pre] != sign)
      throw std::runtime_error(t.where(r) + ": sign = " + std::to_string(sign) + " of " + cell_type_names()[pre] +
                               " contradicts the sign " + std::to_string(table.sign[pre]) + " on line " +
                               std::to_string(sign_line[pre]));
    table.sign[pre] = sign;
    sign_line[pre] = t.line[r];
    table.pmax_synphys[pre][post] = t.number_in(r, c_ps, 0.0, 1.0);
    table.pmax_v1dd[pre][post] = t.number_in(r, c_pv, 0.0, 1.0);
    table.sigma_um[pre][post] = positive_number(t, r, c_sig, kMaxSigmaUm);
    table.psp_mean_resting_mV[pre][post] = t.number_in(r, c_psp, 0.0, kMaxPspMv);
    table.logn_shape_90th[pre][post] = t.number_in(r, c_shape, 0.0, kMaxLognShape);
    table.logn_scale_90th_mV[pre][post] = t.number_in(r, c_scale, 0.0, kMaxPspMv);
  }
  for (std::size_t pre = 0; pre < kNumCellTypes; ++pre)
    for (std::size_t post = 0; post < kNumCellTypes; ++post)
      if (!seen[pre][post])
        throw std::runtime_error(path + ": no row for " + table.layer + " " + cell_type_names()[pre] + " -> " +
                                 cell_type_names()[post]);
}

void load_proportions(CellTypeTable& table, const std::string& path) {
  const CsvTable t = read_csv(path);
  const std::size_t c_layer = t.column("layer"), c_pop = t.column("pop_name"), c_ei = t.column("ei"),
                    c_frac = t.column("fraction_of_layer"), c_within = t.column("relative_fraction_within_ei");
  bool any = false;
  for (std::size_t r = 0; r < t.num_rows(); ++r) {
    if (t.text(r, c_layer) != table.layer) continue;
    const std::string& ei = t.text(r, c_ei);
    if (ei != "e" && ei != "i") throw std::runtime_error(t.where(r) + ": ei = " + ei + " must be e or i");
    const int k = population_type(t.text(r, c_pop), ei);
    if (k < 0) throw std::runtime_error(t.where(r) + ": cannot map population '" + t.text(r, c_pop) + "' to a type");
    table.fraction_of_layer[k] += t.number_in(r, c_frac, 0.0, 1.0);  // the L4 E populations add up
    table.fraction_within_ei[k] += t.number_in(r, c_within, 0.0, 1.0);
    any = true;
  }
  if (!any) throw std::runtime_error(path + ": no rows for layer " + table.layer);
  // The sums over the layer (and over its inhibitory types) must be positive and at most 1.
  auto check_sum = [&](double sum, const char* column, const char* over) {
    if (!(sum > 0.0 && sum <= 1.0 + kFractionSumSlack))
      throw std::runtime_error(path + ": " + column + " summed over " + over + " of layer " + table.layer + " is " +
                               std::to_string(sum) + "; it must lie in (0, 1]");
  };
  const auto& f = table.fraction_of_layer;
  const auto& w = table.fraction_within_ei;
  check_sum(f[0] + f[1] + f[2] + f[3], "fraction_of_layer", "all populations");
  check_sum(w[0], "relative_fraction_within_ei", "the excitatory populations");
  check_sum(w[1] + w[2] + w[3], "relative_fraction_within_ei", "the inhibitory populations");
}

template <class Enum>
Enum parse_pair(const std::string& text, Enum a, Enum b, const char* what) {
  if (text == to_string(a)) return a;
  if (text == to_string(b)) return b;
  throw std::invalid_argument(std::string(what) + " '" + text + "' is not one of " + to_string(a) + ", " +
                              to_string(b));
}

}  // namespace

std::string to_string(CellLayer v) { return v == CellLayer::L23 ? "L23" : "L4"; }
std::string to_string(PmaxSource v) { return v == PmaxSource::kSynphys ? "synphys" : "v1dd"; }
std::string to_string(CellProportions v) { return v == CellProportions::kAllen ? "allen" : "80_20"; }
std::string to_string(CellMagnitude v) { return v == CellMagnitude::kBlockMean ? "mean" : "lognormal"; }
std::string to_string(PmaxProfile v) { return v == PmaxProfile::kPeak ? "peak" : "disk"; }
CellLayer parse_cell_layer(const std::string& t) { return parse_pair(t, CellLayer::L23, CellLayer::L4, "cell layer"); }
PmaxSource parse_pmax_source(const std::string& t) {
  return parse_pair(t, PmaxSource::kSynphys, PmaxSource::kV1dd, "pmax source");
}
CellProportions parse_cell_proportions(const std::string& t) {
  return parse_pair(t, CellProportions::kAllen, CellProportions::kEightyTwenty, "cell proportions");
}
CellMagnitude parse_cell_magnitude(const std::string& t) {
  return parse_pair(t, CellMagnitude::kBlockMean, CellMagnitude::kLognormal, "cell magnitude");
}
PmaxProfile parse_pmax_profile(const std::string& t) {
  return parse_pair(t, PmaxProfile::kPeak, PmaxProfile::kDiskAverage, "pmax profile");
}

const std::array<std::string, kNumCellTypes>& cell_type_names() {
  static const std::array<std::string, kNumCellTypes> names = {"E", "PV", "SST", "VIP"};
  return names;
}

CellTypeTable load_cell_type_table(CellLayer layer, const std::string& data_dir) {
  CellTypeTable table;
  table.layer = layer_label(layer);
  load_connectivity_rows(table, connectivity_data_path(data_dir, "celltypes/celltype_connectivity_l23_l4.csv"));
  load_proportions(table, connectivity_data_path(data_dir, "celltypes/celltype_proportions_l23_l4.csv"));
  return table;
}

std::array<std::size_t, kNumCellTypes> cell_type_counts(const CellTypeTable& table, CellProportions proportions,
                                                        std::size_t N) {
  std::array<double, kNumCellTypes> frac = table.fraction_of_layer;
  if (proportions == CellProportions::kEightyTwenty) {
    frac[0] = 0.8;
    for (std::size_t k = 1; k < kNumCellTypes; ++k) frac[k] = 0.2 * table.fraction_within_ei[k];
  }
  check_connectivity_size("cell_type_counts", N, kNumCellTypes);
  for (std::size_t k = 0; k < kNumCellTypes; ++k)
    if (!(frac[k] >= 0.0 && frac[k] <= 1.0))
      throw std::invalid_argument("cell_type_counts: layer " + table.layer + ": fraction of " +
                                  cell_type_names()[k] + " = " + std::to_string(frac[k]) + " is outside [0, 1]");
  const double total = std::accumulate(frac.begin(), frac.end(), 0.0);
  if (!(total > 0.0))
    throw std::invalid_argument("cell_type_counts: layer " + table.layer + ": the type fractions sum to " +
                                std::to_string(total) + "; they must have a positive sum");
  std::array<std::size_t, kNumCellTypes> counts{};
  std::array<double, kNumCellTypes> remainder{};
  std::size_t assigned = 0;
  for (std::size_t k = 0; k < kNumCellTypes; ++k) {
    const double exact = N * frac[k] / total;
    counts[k] = static_cast<std::size_t>(std::floor(exact));
    remainder[k] = exact - counts[k];
    assigned += counts[k];
  }
  std::array<std::size_t, kNumCellTypes> order = {0, 1, 2, 3};
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t r = 0; assigned < N; ++r, ++assigned) ++counts[order[r % kNumCellTypes]];
  return counts;
}

double cell_type_probability(const CellTypeTable& table, const CellTypeParams& params, std::size_t pre,
                             std::size_t post) {
  const double pmax = params.pmax == PmaxSource::kSynphys ? table.pmax_synphys[pre][post] : table.pmax_v1dd[pre][post];
  if (params.profile == PmaxProfile::kPeak) return pmax;
  // Disk average of pmax exp(-r^2 / (2 sigma^2)) over r <= R (celltypes/PROVENANCE.md, "Spatial profile").
  const double s2 = table.sigma_um[pre][post] * table.sigma_um[pre][post], R2 = params.disk_radius_um * params.disk_radius_um;
  return pmax * (2.0 * s2 / R2) * (1.0 - std::exp(-R2 / (2.0 * s2)));
}

Connectivity cell_type_connectivity(const CellTypeParams& params, Rng& rng) {
  check_connectivity_size("cell_types", params.N, kNumCellTypes);
  if (params.profile == PmaxProfile::kDiskAverage && !(params.disk_radius_um > 0.0 && std::isfinite(params.disk_radius_um)))
    throw std::invalid_argument("cell_types: disk_radius_um = " + std::to_string(params.disk_radius_um) +
                                " must be finite and > 0");
  const CellTypeTable table = load_cell_type_table(params.layer, params.data_dir);
  const auto counts = cell_type_counts(table, params.proportions, params.N);

  Connectivity c;
  std::vector<std::size_t> type;  // (N) type index of each unit
  for (std::size_t k = 0; k < kNumCellTypes; ++k)
    for (std::size_t n = 0; n < counts[k]; ++n) {
      type.push_back(k);
      c.unit_type.push_back(cell_type_names()[k]);
      c.column_sign.push_back(table.sign[k]);
    }
  const std::size_t N = params.N;
  c.W_h = Matrix(N, N);  // (N, N)
  std::size_t edges = 0;
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      if (i == j) continue;  // no autapses
      const std::size_t pre = type[j], post = type[i];
      if (!(rng.uniform() < cell_type_probability(table, params, pre, post))) continue;
      const double magnitude = params.magnitude == CellMagnitude::kBlockMean
                                   ? table.psp_mean_resting_mV[pre][post]
                                   : table.logn_scale_90th_mV[pre][post] * std::exp(table.logn_shape_90th[pre][post] * rng.normal());
      c.W_h(i, j) = table.sign[pre] * magnitude;
      ++edges;
    }
  const double factor = normalization_factor(c.W_h, params.norm);
  c.W_h *= factor;
  for (std::size_t k = 0; k < kNumCellTypes; ++k) c.record("n_" + cell_type_names()[k], static_cast<double>(counts[k]));
  c.record("density_realised", static_cast<double>(edges) / (static_cast<double>(N) * (N - 1)));
  c.record("scale_factor", factor);
  return c;
}

}  // namespace rl
