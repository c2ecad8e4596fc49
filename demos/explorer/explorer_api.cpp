// The browser explorer's C++ side (docs/explorer.md): three entry points, one per panel, compiled to
// WebAssembly by `make explorer`.  Each composes the library exactly as the native figure program does,
// with the same derive_seed streams, so a run here gives the numbers of the command line the page shows:
//
//   explorer_rnn_run      one run of fig1_rank_sweep (demos/fig1_rank_sweep.cpp, run_one): Fig. 1
//   explorer_linear_run   one run of fig4a_linear_rank (demos/fig4a_linear_rank.cpp, run_one): Fig. 4A
//   explorer_fig2_spectra the spectra of fig2_biological --no-train (demos/fig2_biological.cpp): Fig. 2
//
// Every entry point returns one JSON object (a string owned by this file, valid until the next call);
// an error is {"error": "..."} with the library's message.  Numbers print with 17 significant digits
// (they round-trip), NaN as null.  Progress: explorer_rnn_run calls the JavaScript function
// Module.onLog(json) at every log point (nn/rnn_experiment.h RnnTrainConfig::on_log); the page's worker
// posts it to the page, which draws the curves while training runs.  Built natively (no emscripten),
// the hook prints nothing and the file still compiles, so the JSON can be checked without a browser.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "linalg/norms.h"
#include "linalg/rng.h"
#include "linalg/svd.h"
#include "nn/connectivity/fig2_registry.h"
#include "nn/init.h"
#include "nn/measures.h"
#include "nn/norm_kind.h"
#include "nn/rnn_experiment.h"
#include "nn/two_layer_linear.h"
#include "tasks/paper_probe.h"
#include "tasks/student_teacher.h"
#include "theory/linear_alignment.h"
#include "theory/linear_setup.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define EXPLORER_EXPORT EMSCRIPTEN_KEEPALIVE
// Hands one log point to the page (a no-op when the module has no onLog, e.g. in the node test).
EM_JS(void, explorer_post_log, (const char* json), {
  if (Module.onLog) Module.onLog(UTF8ToString(json));
});
#else
#define EXPLORER_EXPORT
static void explorer_post_log(const char*) {}
#endif

namespace {

using namespace rl;

// ---------------------------------------------------------------- a tiny JSON writer

std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// A JSON string (RFC 8259): quote and backslash escaped, every control character as \u00XX, so that
// any library message (a tab, a carriage return) reaches the page's JSON.parse intact.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string array(const std::vector<double>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + number(v[i]);
  return out + "]";
}

// {"a": 1, ...} from key/value pairs whose values are already JSON.
std::string object(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out = "{";
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + quoted(fields[i].first) + ":" + fields[i].second;
  return out + "}";
}

std::string g_result;  // the last answer: the pointer handed to JavaScript points into it

const char* answer(std::string json) {
  g_result = std::move(json);
  return g_result.c_str();
}

template <class F>
const char* guarded(F body) {
  try {
    return answer(body());
  } catch (const std::exception& e) {
    return answer(object({{"error", quoted(e.what())}}));
  }
}

// ---------------------------------------------------------------- Fig. 1: one run of the rank sweep

// The derive_seed streams of demos/fig1_rank_sweep.cpp (its header comment): base W0, W_in/W_out, data.
constexpr std::uint64_t kStreamBaseW = 1, kStreamIo = 2, kStreamData = 3;

std::string rnn_run(const std::string& task_name, std::size_t N, double gain, double lr, double momentum,
                    std::size_t iters, std::size_t rank, std::uint64_t seed, std::size_t log_every,
                    bool live_measures) {
  if (rank < 1 || rank > N) throw std::invalid_argument("rank must be in 1..N = " + std::to_string(N));
  // fig1_rank_sweep run_one, steps 1-3, line for line (norm frobenius, alpha 1, ReLU, W_in/W_out once per seed).
  RnnTaskSetup setup = neurogym_setup(task_name, derive_seed(seed, kStreamData));
  Rng w_rng(derive_seed(seed, kStreamBaseW));
  const Matrix W0 = gaussian_init(N, N, gain, w_rng);
  Rng io_rng(derive_seed(seed, kStreamIo));
  RnnParams init = paper_io_init(setup.n_in, N, setup.n_out, io_rng);
  init.W_h = low_rank_init(W0, rank, NormKind::kFrobenius);

  RnnTrainConfig config;
  config.net = {setup.n_in, N, setup.n_out, 1.0, Activation::kRelu};
  config.iters = iters;
  config.sgd.lr = lr;
  config.sgd.momentum = momentum;
  config.log_every = log_every;
  config.log_measures = live_measures;  // dW, RA, KA at every log point too (a tangent kernel each: the costly part)
  config.on_log = [&](const Recorder& log, std::size_t step) {
    auto last = [&](const char* name) {
      const std::vector<double> v = log.values_of(name);
      return v.empty() ? std::string("null") : number(v.back());
    };
    const std::string json = object({{"rank", std::to_string(rank)}, {"step", std::to_string(step)},
                                     {"iters", std::to_string(iters)}, {"loss", last("loss")},
                                     {"weight_change", last("weight_change")},
                                     {"representation_alignment", last("representation_alignment")},
                                     {"kernel_alignment", last("kernel_alignment")}});
    explorer_post_log(json.c_str());
  };
  const RnnRunResult r = run_rnn_experiment(config, init, setup);

  std::vector<std::pair<std::string, std::string>> fields = {
      {"task", quoted(task_name)}, {"gain", number(gain)}, {"rank", std::to_string(rank)},
      {"seed", std::to_string(seed)}, {"N", std::to_string(N)}, {"iters", std::to_string(r.iterations_done)},
      {"weight_change", number(r.weight_change)}, {"relative_weight_change", number(r.relative_weight_change)},
      {"representation_alignment", number(r.representation_alignment)},
      {"kernel_alignment", number(r.kernel_alignment)}, {"sign_similarity", number(r.sign_similarity)},
      {"loss_first", number(r.loss_first)}, {"loss_final", number(r.loss_final)},
      {"accuracy", number(r.accuracy)}, {"diverged", r.diverged ? "1" : "0"},
      {"silent", r.alignments_undefined ? "1" : "0"}, {"train_seconds", number(r.train_seconds)},
      {"measure_seconds", number(r.measure_seconds)}, {"warning", quoted(r.warning)}};
  const std::vector<std::string>& names = rnn_plasticity_columns();
  const std::vector<double> values = rnn_plasticity_values(r.plasticity);
  for (std::size_t i = 0; i < names.size(); ++i) fields.push_back({names[i], number(values[i])});
  // The singular values of W_h at the start and the end (linalg/svd.h): a low-rank start stays low-rank-ish.
  fields.push_back({"singular_values_start", array(singular_values(init.W_h))});
  fields.push_back({"singular_values_end", array(all_finite(r.final_params.W_h) ? singular_values(r.final_params.W_h)
                                                                                 : std::vector<double>{})});
  return object(fields);
}

// ---------------------------------------------------------------- Fig. 4A: one run of the linear network

// demos/fig4a_linear_rank.cpp: per seed one task (X, w*) and readout W2(0) from stream 0, shared by
// every rank; W1(0) a flat rank-r spectrum from stream 1000 + r.
std::string linear_run(std::size_t d, std::size_t h, std::size_t n, double sigma, double lr, int max_steps,
                       double loss_tol, double teacher_norm, std::uint64_t seed, std::size_t rank) {
  if (n < d) throw std::invalid_argument("n must be at least d = " + std::to_string(d));
  if (rank < 1 || rank > std::min(d, h)) throw std::invalid_argument("rank must be in 1..min(d, h)");
  Rng task_rng(derive_seed(seed, 0));
  const Matrix X = whitened_inputs(d, n, task_rng);
  const std::vector<double> w_star = teacher_vector(d, teacher_norm, task_rng);
  const Matrix W2_0 = readout_with_norm(h, sigma, task_rng);
  Rng rng(derive_seed(seed, 1000 + rank));
  const Matrix W1_0 = first_layer_with_spectrum(h, d, flat_spectrum(rank), sigma, rng);
  const TwoLayerLinear initial = make_two_layer_linear(W1_0, W2_0);
  TwoLayerLinear net = initial;
  GdOptions gd_options;
  gd_options.lr = lr;
  gd_options.max_steps = max_steps;
  gd_options.loss_tol = loss_tol;
  const GdResult gd = train_gradient_descent(net, X, target_row(w_star, X), gd_options);
  const double ka = kernel_alignment(two_layer_linear_tangent_kernel(initial, X, KernelParams::kBoth),
                                     two_layer_linear_tangent_kernel(net, X, KernelParams::kBoth));
  const double ka_feat = kernel_alignment(two_layer_linear_tangent_kernel(initial, X, KernelParams::kW2),
                                          two_layer_linear_tangent_kernel(net, X, KernelParams::kW2));
  const double pr = first_layer_participation_ratio(W1_0);
  return object({{"seed", std::to_string(seed)}, {"rank", std::to_string(rank)}, {"pr", number(pr)},
                 {"ka", number(ka)}, {"ka_pred_D4", number(ka_after_training(ntk_metric(W1_0, W2_0), w_star))},
                 {"ka_expected_D5", number(expected_ka_from_pr(d, pr))}, {"ka_feat", number(ka_feat)},
                 {"ka_feat_pred_D6", number(feature_ka_after_training(W1_0, w_star))},
                 {"ka_feat_expected_D6", number(expected_feature_ka_from_pr(d, pr))}, {"steps", std::to_string(gd.steps)},
                 {"final_loss", number(gd.final_loss)}, {"converged", gd.converged ? "1" : "0"}});
}

// The (D5) and (D6) curves against the participation ratio, log-spaced over [1, d] as fig4a's figure draws them.
std::string linear_curve(std::size_t d) {
  std::vector<double> pr, ka, feat;
  for (int k = 0; k <= 100; ++k) {
    const double p = std::pow(static_cast<double>(d), k / 100.0);
    pr.push_back(p);
    ka.push_back(expected_ka_from_pr(d, p));
    feat.push_back(expected_feature_ka_from_pr(d, p));
  }
  return object({{"pr", array(pr)}, {"ka", array(ka)}, {"ka_feat", array(feat)}});
}

// ---------------------------------------------------------------- Fig. 2: spectra of the structures

// fig2_biological --no-train --no-controls: every structure and its Gaussian null, spectrum by
// fig2_spectrum of the registry's matrix for `seed`, data files from the embedded nn/connectivity/data.
std::string fig2_spectra(std::size_t N, double gain, std::uint64_t seed) {
  Fig2Options options;
  options.N = N;
  options.norm = {NormKind::kFrobenius, gain};
  const std::vector<Fig2Entry> entries = fig2_entries(fig2_structure_names(), options, false);
  std::string out = "[";
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const Fig2Entry& e = entries[k];
    const SpectrumReport r = fig2_spectrum(build_fig2_entry(e, options, seed).W_h);
    out += (k ? "," : "") +
           object({{"name", quoted(e.name)}, {"structure", quoted(e.structure)}, {"role", quoted(to_string(e.role))},
                   {"gaussian", quoted(e.gaussian)}, {"N", std::to_string(e.N)},
                   {"relative_rank_eigen", number(r.relative_rank_eigen)},
                   {"relative_rank_singular", number(r.relative_rank_singular)},
                   {"eig_converged", r.eig_converged ? "1" : "0"}, {"index_over_N", array(r.index_over_N)},
                   {"modulus_rel", array(r.modulus_rel)}});
  }
  return object({{"seed", std::to_string(seed)}, {"N", std::to_string(N)}, {"entries", out + "]"}});
}

}  // namespace

extern "C" {

EXPLORER_EXPORT const char* explorer_rnn_run(const char* task, int N, double gain, double lr, double momentum,
                                             int iters, int rank, double seed, int log_every,
                                             int live_measures) {
  return guarded([&] {
    return rnn_run(task, static_cast<std::size_t>(N), gain, lr, momentum, static_cast<std::size_t>(iters),
                   static_cast<std::size_t>(rank), static_cast<std::uint64_t>(seed), static_cast<std::size_t>(log_every),
                   live_measures != 0);
  });
}

EXPLORER_EXPORT const char* explorer_linear_run(int d, int h, int n, double sigma, double lr, int max_steps,
                                                double loss_tol, double teacher_norm, double seed, int rank) {
  return guarded([&] {
    return linear_run(static_cast<std::size_t>(d), static_cast<std::size_t>(h), static_cast<std::size_t>(n), sigma, lr,
                      max_steps, loss_tol, teacher_norm, static_cast<std::uint64_t>(seed), static_cast<std::size_t>(rank));
  });
}

EXPLORER_EXPORT const char* explorer_linear_curve(int d) {
  return guarded([&] { return linear_curve(static_cast<std::size_t>(d)); });
}

EXPLORER_EXPORT const char* explorer_fig2_spectra(int N, double gain, double seed) {
  return guarded([&] { return fig2_spectra(static_cast<std::size_t>(N), gain, static_cast<std::uint64_t>(seed)); });
}

}  // extern "C"
