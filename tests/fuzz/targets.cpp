#include "tests/fuzz/targets.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "demos/toolkit/csv.h"
#include "demos/toolkit/run_spec.h"
#include "demos/toolkit/shard.h"
#include "nn/connectivity/cell_types.h"
#include "nn/connectivity/connectivity_csv.h"
#include "nn/connectivity/dale.h"
#include "nn/connectivity/em_connectome.h"
#include "nn/connectivity/sonet.h"
#include "nn/npy.h"
#include "tasks/idx.h"
#include "tests/fuzz/mutate.h"

namespace rl::fuzz {

CurrentInput& current_input() {
  static CurrentInput input;
  return input;
}

namespace {

namespace fs = std::filesystem;

void require(bool ok, const std::string& what) {
  if (!ok) throw Violation{what};
}

void note(const char* target, const std::string& label, const std::string& bytes) {
  CurrentInput& c = current_input();
  c.target = target;
  c.label = label;
  c.bytes = bytes;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("fuzz: cannot read " + path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::runtime_error("fuzz: cannot write " + path);
}

std::size_t pick(Rng& rng, std::size_t n) { return static_cast<std::size_t>(rng.below(n)); }

// A number for a parameter: mostly inside [lo, hi], else a hostile value.
double hostile_double(Rng& rng, double lo, double hi) {
  static const double extremes[] = {0.0, -0.0, -1.0, 1.0, 0.5, 2.0, 1e-300, -1e-300, 1e308, -1e308,
                                    std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                    std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::denorm_min()};
  if (rng.uniform() < 0.75) return rng.uniform(lo, hi);
  if (rng.uniform() < 0.2) return rng.uniform() < 0.5 ? lo : hi;
  return extremes[pick(rng, sizeof extremes / sizeof extremes[0])];
}

// A size: mostly small and valid, else 0, tiny, just above the cap, or enormous.
std::size_t hostile_size(Rng& rng, std::size_t lo, std::size_t hi) {
  static const std::size_t extremes[] = {0, 1, 2, 3, kMaxConnectivityN + 1, 1000000, std::size_t{1} << 32,
                                         std::numeric_limits<std::size_t>::max()};
  if (rng.uniform() < 0.85) return lo + pick(rng, hi - lo + 1);
  return extremes[pick(rng, sizeof extremes / sizeof extremes[0])];
}

NormalizeParams hostile_norm(Rng& rng) {
  NormalizeParams n;
  // Mostly the cheap default; the spectral norms (an SVD, an eigensolve) one input in ten each.
  const double u = rng.uniform();
  n.kind = u < 0.7 ? NormKind::kFrobenius : u < 0.8 ? NormKind::kNone : u < 0.9 ? NormKind::kSpectral : NormKind::kSpectralRadius;
  n.g = hostile_double(rng, 0.1, 3.0);
  return n;
}

void check_connectivity(const Connectivity& c, const char* who) {
  require(c.W_h.rows() == c.W_h.cols() && c.W_h.rows() > 0, std::string(who) + ": accepted a non-square or empty W_h");
  require(all_finite(c.W_h), std::string(who) + ": accepted input gave a non-finite weight");
  if (!c.column_sign.empty())
    require(columns_follow_signs(c.W_h, c.column_sign), std::string(who) + ": a column breaks its sign");
}

// ---- readers fed from memory (and, one input in 50, from a file) ----------------------------------

std::string idx_seed(bool images) {
  std::string b;
  auto put = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<char>(v >> s));
  };
  put(images ? kIdxImagesMagic : kIdxLabelsMagic);
  put(3);
  if (images) {
    put(5);
    put(4);
  }
  for (int k = 0; k < (images ? 60 : 3); ++k) b.push_back(static_cast<char>(k * 37));
  return b;
}

Target idx_target(bool images, const std::string& work) {
  const std::string seed = idx_seed(images), path = work + (images ? "/fuzz-images.idx" : "/fuzz-labels.idx");
  const char* name = images ? "idx_images" : "idx_labels";
  return {name, [=](Rng& rng) {
            const std::string input = mutate(seed, rng, 1 << 16);
            note(name, "bytes", input);
            const bool via_file = rng.uniform() < 0.02;
            if (via_file) write_text(path, input);
            if (images) {
              const IdxImages im = via_file ? read_idx_images(path) : parse_idx_images(input, "fuzz.idx");
              require(im.count > 0 && im.rows > 0 && im.cols > 0 && im.pixels.size() == im.count * im.rows * im.cols &&
                          input.size() == 16 + im.pixels.size(),
                      "IDX images accepted with a pixel count that differs from the header");
            } else {
              const auto labels = via_file ? read_idx_labels(path) : parse_idx_labels(input, "fuzz.idx");
              require(!labels.empty() && input.size() == 8 + labels.size(), "IDX labels accepted with a wrong count");
            }
          }};
}

Target npy_target(const std::string& work) {
  std::vector<std::string> seeds;
  for (const std::vector<std::size_t>& shape : {std::vector<std::size_t>{3, 4}, std::vector<std::size_t>{5}}) {
    std::string s = npy_header(shape);
    const std::size_t n = shape.size() == 2 ? 12 : 5;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = 0.25 * static_cast<double>(i) - 1.0;
      char bytes[8];
      std::memcpy(bytes, &v, 8);
      s.append(bytes, 8);
    }
    seeds.push_back(s);
  }
  const std::string path = work + "/fuzz.npy";
  return {"npy", [=](Rng& rng) {
            const std::string input = mutate(seeds[pick(rng, seeds.size())], rng, 1 << 16);
            note("npy", "bytes", input);
            if (rng.uniform() < 0.02) {
              write_text(path, input);
              const Matrix m = load_npy_matrix(path);
              require(m.size() * 8 < input.size(), "npy matrix larger than its file");
              return;
            }
            const NpyArray a = parse_npy(input, "fuzz.npy");
            std::size_t count = 1;
            for (std::size_t d : a.shape) count *= d;
            require(a.data.size() == count && 8 * count < input.size(), "npy accepted with data != shape");
          }};
}

Target csv_target(const std::vector<std::string>& seeds) {
  return {"connectivity_csv", [=](Rng& rng) {
            const std::string input = mutate(seeds[pick(rng, seeds.size())], rng, 1 << 18);
            note("connectivity_csv", "text", input);
            std::istringstream in(input);
            const CsvTable t = parse_csv(in, "fuzz.csv");
            require(t.rows.size() == t.line.size(), "CSV rows and line numbers differ");
            for (std::size_t r = 0; r < t.num_rows(); ++r) {
              require(t.rows[r].size() == t.header.size(), "CSV row with the wrong field count accepted");
              for (std::size_t c = 0; c < t.header.size(); ++c) {
                require(t.text(r, c).find('\0') == std::string::npos, "CSV field with a NUL byte accepted");
                try {
                  const double v = t.number_in(r, c, -1e6, 1e6);
                  require(std::isfinite(v), "CSV number_in returned a non-finite value");
                } catch (const std::exception&) {
                }
                try {
                  t.sign(r, c);
                } catch (const std::exception&) {
                }
              }
            }
          }};
}

// ---- builders fed from a mutated data directory --------------------------------------------------

// A data folder under `root` with the given files; each input damages one of them and restores it after.
class DataDir {
 public:
  DataDir(std::string root, std::vector<std::pair<std::string, std::string>> files)
      : root_(std::move(root)), files_(std::move(files)) {
    for (const auto& [rel, text] : files_) {
      fs::create_directories(fs::path(root_ + "/" + rel).parent_path());
      write_text(root_ + "/" + rel, text);
    }
  }
  // Damages one file (chosen among those whose name contains `among`), runs f, restores the file.
  template <class F>
  void with_damaged_file(Rng& rng, const char* target, const std::vector<std::string>& among, F&& f) const {
    const std::string& rel = among[pick(rng, among.size())];
    std::string original;
    for (const auto& [r, text] : files_)
      if (r == rel) original = text;
    const std::string input = mutate(original, rng, 1 << 18);
    note(target, rel, input);
    write_text(root_ + "/" + rel, input);
    struct Restore {
      std::string path, text;
      ~Restore() { write_text(path, text); }
    } restore{root_ + "/" + rel, original};
    f();
  }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
  std::vector<std::pair<std::string, std::string>> files_;
};

Target cell_types_target(const std::string& work) {
  const std::string conn = "celltypes/celltype_connectivity_l23_l4.csv", prop = "celltypes/celltype_proportions_l23_l4.csv";
  auto dir = std::make_shared<DataDir>(work + "/celltypes_data",
                                       std::vector<std::pair<std::string, std::string>>{
                                           {conn, read_text(std::string(kDefaultConnectivityDataDir) + "/" + conn)},
                                           {prop, read_text(std::string(kDefaultConnectivityDataDir) + "/" + prop)}});
  return {"cell_types", [=](Rng& rng) {
            CellTypeParams p;
            p.N = hostile_size(rng, 4, 40);
            p.layer = rng.uniform() < 0.5 ? CellLayer::L23 : CellLayer::L4;
            p.pmax = rng.uniform() < 0.5 ? PmaxSource::kSynphys : PmaxSource::kV1dd;
            p.proportions = rng.uniform() < 0.5 ? CellProportions::kAllen : CellProportions::kEightyTwenty;
            p.magnitude = rng.uniform() < 0.5 ? CellMagnitude::kBlockMean : CellMagnitude::kLognormal;
            p.profile = rng.uniform() < 0.5 ? PmaxProfile::kPeak : PmaxProfile::kDiskAverage;
            p.disk_radius_um = hostile_double(rng, 10.0, 200.0);
            p.norm = hostile_norm(rng);
            p.data_dir = dir->root();
            dir->with_damaged_file(rng, "cell_types", {conn, prop}, [&] {
              Rng draw(rng.next_u64());
              const Connectivity c = cell_type_connectivity(p, draw);
              check_connectivity(c, "cell_types");
              require(c.W_h.rows() == p.N, "cell_types: W_h is not N x N");
            });
          }};
}

// The first `keep` cells of a shipped table and the edges among them: small enough for 10^5 inputs.
std::pair<std::string, std::string> reduced_connectome(const std::string& cells_rel, const std::string& edges_rel,
                                                       std::size_t keep) {
  const std::string base = std::string(kDefaultConnectivityDataDir) + "/";
  std::istringstream cells(read_text(base + cells_rel)), edges(read_text(base + edges_rel));
  std::string line, cells_out, edges_out;
  for (std::size_t n = 0; n <= keep && std::getline(cells, line); ++n) cells_out += line + "\n";
  for (std::size_t n = 0; std::getline(edges, line); ++n) {
    std::size_t pre = 0, post = 0;
    if (n > 0 && std::sscanf(line.c_str(), "%zu,%zu", &pre, &post) == 2 && (pre >= keep || post >= keep)) continue;
    edges_out += line + "\n";
  }
  return {cells_out, edges_out};
}

Target em_target(const std::string& work) {
  const std::string v = "connectomes/v1dd_l23_l4_198/", pk = "connectomes/pinky100_l23_pyc/";
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& [cells, edges] : {std::pair<std::string, std::string>{v + "cells_l23_l4.csv", v + "edges_l23_l4.csv"},
                                     {v + "cells_l23.csv", v + "edges_l23.csv"},
                                     {pk + "cells_104.csv", pk + "edges_104.csv"}}) {
    const auto [c, e] = reduced_connectome(cells, edges, 24);
    files.push_back({cells, c});
    files.push_back({edges, e});
  }
  auto dir = std::make_shared<DataDir>(work + "/em_data", files);
  return {"em_connectome", [=](Rng& rng) {
            EmParams p;
            const EmDataset sets[] = {EmDataset::kV1ddL23L4, EmDataset::kV1ddL23, EmDataset::kPinky100};
            const std::size_t k = pick(rng, 3);
            p.dataset = sets[k];
            p.value = static_cast<EmValue>(pick(rng, 3));
            p.transform = static_cast<EmTransform>(pick(rng, 3));
            p.control = static_cast<EmControl>(pick(rng, 4));
            p.centre = rng.uniform() < 0.3;
            p.norm = hostile_norm(rng);
            p.data_dir = dir->root();
            p.shipped_counts = false;  // a 24-cell cut, not the shipped row counts
            dir->with_damaged_file(rng, "em_connectome", {files[2 * k].first, files[2 * k + 1].first}, [&] {
              Rng draw(rng.next_u64());
              check_connectivity(em_connectome(p, draw), "em_connectome");
            });
          }};
}

// ---- builders fed hostile parameters (they read no file) -----------------------------------------

Target dale_target() {
  return {"dale", [](Rng& rng) {
            DaleParams p;
            p.N = hostile_size(rng, 2, 40);
            p.frac_e = hostile_double(rng, 0.0, 1.0);
            p.magnitude = static_cast<DaleMagnitude>(pick(rng, 3));
            p.lognormal_shape = hostile_double(rng, 0.0, 3.0);
            p.inh_scale = hostile_double(rng, 0.1, 5.0);
            p.balance = static_cast<DaleBalance>(pick(rng, 3));
            p.density = hostile_double(rng, 0.0, 1.0);
            p.zero_diagonal = rng.uniform() < 0.8;
            p.norm = hostile_norm(rng);
            std::ostringstream d;
            d.precision(17);
            d << "N=" << p.N << " frac_e=" << p.frac_e << " magnitude=" << to_string(p.magnitude)
              << " shape=" << p.lognormal_shape << " k=" << p.inh_scale << " balance=" << to_string(p.balance)
              << " density=" << p.density << " zero_diagonal=" << p.zero_diagonal << " g=" << p.norm.g << "\n";
            note("dale", "params", d.str());
            Rng draw(rng.next_u64());
            check_connectivity(dale_connectivity(p, draw), "dale");
          }};
}

Target sonet_target() {
  return {"sonet", [](Rng& rng) {
            SonetParams p;
            p.N = hostile_size(rng, 3, 40);
            p.p = hostile_double(rng, 0.0, 0.5);
            p.alpha_recip = hostile_double(rng, -1.0, 2.0);
            p.alpha_conv = hostile_double(rng, 0.0, 2.0);
            p.alpha_div = hostile_double(rng, 0.0, 2.0);
            p.cc_chain = hostile_double(rng, -1.0, 1.0);
            p.weights = static_cast<SonetWeights>(pick(rng, 3));
            p.frac_e = hostile_double(rng, 0.0, 1.0);
            p.inh_scale = hostile_double(rng, 0.1, 5.0);
            p.norm = hostile_norm(rng);
            std::ostringstream d;
            d.precision(17);
            d << "N=" << p.N << " p=" << p.p << " alpha_recip=" << p.alpha_recip << " alpha_conv=" << p.alpha_conv
              << " alpha_div=" << p.alpha_div << " cc_chain=" << p.cc_chain << " weights=" << to_string(p.weights)
              << " frac_e=" << p.frac_e << " k=" << p.inh_scale << " g=" << p.norm.g << "\n";
            note("sonet", "params", d.str());
            Rng draw(rng.next_u64());
            check_connectivity(sonet_connectivity(p, draw), "sonet");
          }};
}

// The run-file merge of demos/toolkit (issue 15 defect 8): three runs of a sweep, one run file
// damaged.  Promise on acceptance: one row per run, the header without the settings column, every
// row as wide as the header, in sweep order.
Target run_merge_target(const std::string& work) {
  const std::string dir = work + "/run_merge";
  fs::create_directories(dir);
  const std::vector<RunSpec> runs = make_sweep({sweep_axis("rank", std::vector<std::int64_t>{1, 30, 300})}, {1});
  const std::string settings = "iters=300;lr=0.003;norm=frobenius";
  std::vector<std::string> valid;
  for (const RunSpec& r : runs) {
    CsvWriter w({"task", "rank", "seed", "weight_change", "diverged", "settings"});
    w.add_row({"2af", r.param_int("rank"), r.seed, 0.125 * static_cast<double>(r.index + 1), 0, settings});
    valid.push_back(w.to_string());
  }
  return {"run_file_merge", [=](Rng& rng) {
            const std::size_t damaged = pick(rng, runs.size());
            const std::string input = mutate(valid[damaged], rng, 1 << 14);
            note("run_file_merge", runs[damaged].file_stem() + ".csv", input);
            for (std::size_t k = 0; k < runs.size(); ++k)
              write_text(run_result_path(dir, runs[k]), k == damaged ? input : valid[k]);
            const std::string merged = dir + "/results.csv";
            fs::remove(merged);
            const std::size_t rows = merge_run_csvs(runs, dir, merged, settings);
            const ResultTable t = read_result_csv(merged);
            require(rows == runs.size() && t.rows.size() == runs.size(), "merge accepted a run file without exactly one row");
            require(!t.has_column("settings"), "merge kept the settings column");
            require(t.header.size() == 5, "merge accepted a run file with other columns");
            for (std::size_t k = 0; k < runs.size(); ++k) {
              require(t.rows[k].size() == t.header.size(), "merged row with the wrong width");
              if (k != damaged) require(t.number(k, "rank") == static_cast<double>(runs[k].param_int("rank")), "merge out of sweep order");
            }
          }};
}

}  // namespace

std::vector<Target> make_targets(const std::string& work) {
  fs::create_directories(work);
  const std::string base = std::string(kDefaultConnectivityDataDir) + "/";
  std::vector<std::string> csv_seeds = {read_text(base + "celltypes/celltype_proportions_l23_l4.csv"),
                                        read_text(base + "celltypes/celltype_connectivity_l23_l4.csv")};
  const auto pinky = reduced_connectome("connectomes/pinky100_l23_pyc/cells_104.csv",
                                        "connectomes/pinky100_l23_pyc/edges_104.csv", 24);
  csv_seeds.push_back(pinky.first);
  csv_seeds.push_back(pinky.second);
  std::vector<Target> targets = {idx_target(true, work), idx_target(false, work), npy_target(work),
                                 csv_target(csv_seeds),   cell_types_target(work),  em_target(work),
                                 dale_target(),           sonet_target(),           run_merge_target(work)};
  const double measured_ms[] = {0.05, 0.02, 0.05, 0.8, 0.65, 0.65, 0.1, 1.9, 0.7};  // make fuzz FUZZ_N=2000, cpu_s / n
  for (std::size_t t = 0; t < targets.size(); ++t) targets[t].cost = measured_ms[t];
  return targets;
}

}  // namespace rl::fuzz
