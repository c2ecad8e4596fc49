#include "demos/toolkit/train_config.h"

#include "nn/plasticity_cost.h"

namespace rl {

void add_precision_flag(Cli& cli) {
  cli.add_string("precision", "f64",
                 "what training computes in: f64, or f32 as the released PyTorch script; measures stay "
                 "float64 (docs/precision.md)",
                 {"f64", "f32"});
}

Precision precision_flag(const Cli& cli) {
  if (!cli.has(kPrecisionFlag)) return Precision::kF64;
  return parse_precision(cli.get_string(kPrecisionFlag));
}

std::vector<std::pair<std::string, std::string>> precision_columns(const Cli& cli) {
  const Precision p = precision_flag(cli);
  if (p == Precision::kF64) return {};
  return {{kPrecisionFlag, precision_name(p)}};
}

namespace {

void check_positive_gain(double gain, const char* flag) {
  if (!(gain > 0.0)) throw CliError(std::string(flag) + ": gain must be > 0, got " + format_number_short(gain));
}

}  // namespace

double gain_flag(const Cli& cli) {
  const double gain = cli.get_double("gain");
  check_positive_gain(gain, "--gain");
  return gain;
}

std::vector<double> gains_flag(const Cli& cli) {
  const std::vector<double>& gains = cli.get_double_list("gains");
  if (gains.empty() || cli.was_given("gain")) return {gain_flag(cli)};
  for (double g : gains) check_positive_gain(g, "--gains");
  return gains;
}

void add_sgd_flags(Cli& cli, const SgdOptions& defaults, const std::string& note) {
  cli.add_double("lr", defaults.lr, "SGD learning rate " + note, 0.0, 10.0);
  cli.add_double("momentum", defaults.momentum, "SGD momentum, PyTorch semantics " + note, 0.0, 0.999999);
}

SgdOptions sgd_flags(const Cli& cli, SgdOptions base) {
  base.lr = cli.get_double("lr");
  base.momentum = cli.get_double("momentum");
  return base;
}

void add_rnn_flags(Cli& cli, const std::string& note) {
  cli.add_int("N", 300, "hidden units (docs/paper.md#rnn-model)", 2, 4000);
  add_sgd_flags(cli, RnnTrainConfig().sgd, note);
}

RnnTrainConfig rnn_train_flags(const Cli& cli) {
  return rnn_train_flags(cli, {0, static_cast<std::size_t>(cli.get_int("N")), 0, 1.0, Activation::kRelu});
}

RnnTrainConfig rnn_train_flags(const Cli& cli, const RnnConfig& net) {
  RnnTrainConfig config;
  config.net = net;
  config.iters = static_cast<std::size_t>(cli.get_int("iters"));
  if (cli.has("log-every")) config.log_every = static_cast<std::size_t>(cli.get_int("log-every"));
  config.sgd = sgd_flags(cli, config.sgd);
  config.precision = precision_flag(cli);
  config.log_measures = cli.has("log-measures") ? cli.get_flag("log-measures") : config.log_every > 0;
  return config;
}

void add_gd_flags(Cli& cli, const std::string& lr_help) {
  const GdOptions defaults;
  cli.add_double("lr", defaults.lr, lr_help, 1e-12, 10.0);
  cli.add_double("loss-tol", defaults.loss_tol, "stop when the loss is below this [OURS]", 0.0, 1e6);
}

GdOptions gd_flags(const Cli& cli) {
  GdOptions gd;
  gd.lr = cli.get_double("lr");
  gd.max_steps = static_cast<int>(cli.get_int("iters"));
  gd.loss_tol = cli.get_double("loss-tol");
  return gd;
}

ReluTrainConfig relu_train_flags(const Cli& cli) {
  ReluTrainConfig config;
  config.iters = static_cast<std::size_t>(cli.get_int("iters"));
  config.log_every = static_cast<std::size_t>(cli.get_int("log-every"));
  config.sgd = sgd_flags(cli, config.sgd);
  config.precision = precision_flag(cli);
  return config;
}

CsvRecord rnn_measure_cells(const RnnRunResult& r) {
  CsvRecord cells;
  cells.add("weight_change", r.weight_change).add("relative_weight_change", r.relative_weight_change);
  cells.add("representation_alignment", r.representation_alignment).add("kernel_alignment", r.kernel_alignment);
  cells.add("sign_similarity", r.sign_similarity).add("loss_first", r.loss_first).add("loss_final", r.loss_final);
  cells.add("accuracy", r.accuracy).add("diverged", r.diverged ? 1 : 0).add("silent", r.alignments_undefined ? 1 : 0);
  return cells;
}

CsvRecord rnn_run_cells(const RnnRunResult& r) {
  CsvRecord cells;
  cells.add("train_seconds", r.train_seconds).add("measure_seconds", r.measure_seconds);
  const std::vector<double> plasticity = rnn_plasticity_values(r.plasticity);
  for (std::size_t i = 0; i < plasticity.size(); ++i) cells.add(rnn_plasticity_columns()[i], plasticity[i]);
  return cells;
}

}  // namespace rl
