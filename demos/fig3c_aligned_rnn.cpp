// Fig. 3C (reproduction): aligned low-rank starts of an RNN on sequential MNIST with a pre-trained
// teacher.  An aligned low-rank W_h(0) can still learn lazily; an unaligned one of the same rank
// learns richly.
// (Over 400 lines on purpose: the whole Fig. 3C experiment -- teachers, students, tables and figure -- in
// one file that reads top-down; the method itself is nn/aligned_init.h and nn/rnn_experiment.h.)
//
// Paper, Fig. 3 caption [CAP]: "C) The analysis from B) is replicated for RNNs learning the sMNIST
// task. As the ground truth network function is elusive, we use a teacher network with pre-trained
// weights. Once again, we replace F with its rank-(d/2) truncation for partial alignment. [...] We
// note that in all scenarios presented here, the initial errors are high since the readout weights
// are initialized randomly, rendering it a valid learning problem."
//
// Everything else is our reading [OURS] (docs/paper.md#fig-3; nn/aligned_init.h; docs/figures_3c_4b.md):
// per seed one teacher RNN (docs/paper.md#rnn-model, #initial-weights and #training, full-rank Gaussian W_h(0)) is trained on sMNIST with
// the true labels and cached as .npy under <out>/teachers/ (reused by every later invocation with the
// same teacher flags); students start from W_h(0) = rank-r truncation of the teacher's W_h (aligned),
// of a mixture at cos^2 = --partial-cos2 with a Gaussian (partial), or of a Gaussian (unaligned), all
// rescaled to the teacher's spectral norm (--norm; so the aligned start is the teacher's top-r SVD
// part unchanged), with the teacher's W_in and a fresh random readout, and learn the
// teacher's decisions (argmax of its last-step logits) with the paper's optimizer.  Measures as in
// Fig. 1 (nn/rnn_experiment.h): dW_h, RA, KA (W_h tangent kernel), sign similarity, loss.
//
// Why --norm spectral and not the Fig. 1 Frobenius rule: a trained teacher's top singular pair is
// far more self-aligned than a Gaussian's, so its rank-1 truncation renormalised to the full
// Frobenius norm has spectral radius 3.4 (teacher 1.7, N = 100, seed 1; rank 5: 3.1) and the ReLU
// activity overflows within the 28 steps (aligned ranks 1 and 5 did).  The plain truncation
// keeps radius 0.7 / 1.3 (ranks 1 / 5).  `--norm frobenius` restores the Fig. 1 rule.
//
// Built-in defaults are short (a few minutes on 2 cores): N = 100, teacher 2,000 iterations, students
// 500 iterations, ranks 1/5/30/100, 2 seeds, KA on 100 probe images x 10 logits.
// Paper scale (docs/paper.md#rnn-model, #initial-weights and #training; hours): the record `fig3c` of
// docs/records/records.tsv, N = 300, teachers and students 10,000 iterations, ranks 1/5/30/300 (the
// default at N = 300), 8 seeds, KA on 200 probe images, float32 as the released script.
//
// Randomness (derive_seed streams of each run's --seed, shared by every start and rank of a seed):
// teacher streams 11-13 (demos/toolkit/teacher_cache.cpp), 1 = the Gaussian G of the unaligned / partial
// starts, 2 = the student's readout (and W_in under --student-input random), 3 = the student's
// batch stream.  The 55,000 / 5,000 split is fixed (seed 0); probes are the first held-out images.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/cli.h"
#include "demos/toolkit/evolution.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/manifest.h"
#include "demos/toolkit/rank_axis.h"
#include "demos/toolkit/memory_budget.h"
#include "demos/toolkit/runner.h"
#include "demos/toolkit/paired_count.h"
#include "demos/toolkit/svg_plot.h"
#include "demos/toolkit/table_summary.h"
#include "demos/toolkit/teacher_cache.h"
#include "demos/toolkit/train_config.h"
#include "nn/aligned_init.h"
#include "nn/init.h"
#include "nn/measures.h"
#include "nn/ntk_rnn.h"
#include "nn/norm_kind.h"
#include "nn/rnn_experiment.h"
#include "tasks/mnist.h"
#include "tasks/paper_probe.h"
#include "tasks/teacher_labels.h"

namespace {

using namespace rl;

constexpr const char* kProgram = "fig3c_aligned_rnn";
constexpr const char* kMnistDir = "data/mnist";
constexpr std::uint64_t kStreamGaussian = 1, kStreamIo = 2, kStreamData = 3;
constexpr std::uint64_t kSplitSeed = 0;  // the fixed 55,000 / 5,000 split, as every sMNIST program

const PlottedColumn kPlotted[] = {{"weight_change", "weight change ||dW_h||_F"},
                            {"representation_alignment", "representation alignment (RA)"},
                            {"kernel_alignment", "tangent kernel alignment (KA)"},
                            {"kernel_alignment_fixed_readout", "KA, both kernels with W_out(f)"},
                            {"loss_final", "final loss (100-iteration mean)"}};

struct Settings {
  std::size_t probe = 200, kernel_probe = 100;
  double gain = 1.25, partial_cos2 = 0.5;
  NormKind norm = NormKind::kSpectral;
  std::string norm_name = "spectral";
  bool teacher_labels = true, teacher_input = true;
  RnnTrainConfig student;  // the flags' config; its net (N hidden units) is the teacher's too
  RnnTrainConfig teacher;
  std::string teacher_root;
  std::string runs_dir;  // per-run results (and, with --log-every, the students' measure logs)
};

std::shared_ptr<const MnistSplit> load_split() {
  if (!mnist_available(kMnistDir))
    throw std::runtime_error(std::string("MNIST not found in ") + kMnistDir + "/: run `make data` first");
  return std::make_shared<const MnistSplit>(
      split_train_validation(load_mnist(kMnistDir).train, kMnistTrainSize, kSplitSeed));
}

constexpr std::size_t kBatch = 200;  // sMNIST training batch (docs/paper.md#training)

// The sMNIST task with true labels: batches of 200, probe = first `probe` held-out images, KA on the
// first `kernel_probe` of them (last step x 10 logits).
RnnTaskSetup smnist_task(std::shared_ptr<const MnistSplit> split, std::uint64_t data_seed, const Settings& s) {
  RnnTaskSetup task = smnist_setup(std::move(split), data_seed, kBatch, s.probe);
  task.kernel_probe = select_trials(task.probe, 0, s.kernel_probe);
  return task;
}

TeacherSpec teacher_spec(const Settings& s, std::uint64_t seed) {
  TeacherSpec spec;
  spec.seed = seed;
  spec.N = s.student.net.N;
  spec.gain = s.gain;
  spec.train = s.teacher;
  return spec;
}

struct TeacherSet {
  std::map<std::uint64_t, std::shared_ptr<const RnnParams>> params;
  std::map<std::uint64_t, double> accuracy;
  // The teacher's decision on each training image (with --labels teacher), shared by its students.
  std::map<std::uint64_t, std::shared_ptr<const std::vector<int>>> decisions;
};

// Loads (or trains and caches) the teacher of every seed in `seeds`, in parallel over seeds.
TeacherSet prepare_teachers(const std::set<std::uint64_t>& seeds, const Settings& s,
                            std::shared_ptr<const MnistSplit> split, int threads) {
  if (seeds.empty()) return {};  // every run of this shard is done (resume): no teacher needed
  const std::vector<RunSpec> jobs = make_sweep({sweep_axis("teacher", std::vector<std::string>{"smnist"})},
                                               std::vector<std::uint64_t>(seeds.begin(), seeds.end()));
  std::vector<Teacher> teachers(jobs.size());
  std::vector<std::vector<int>> decisions(jobs.size());
  std::vector<double> seconds(jobs.size());
  run_jobs(jobs, {threads, std::string(kProgram) + " teachers", true}, [&](std::size_t k) {
    const auto t0 = std::chrono::steady_clock::now();
    const TeacherSpec spec = teacher_spec(s, jobs[k].seed);
    teachers[k] = load_or_train_teacher(spec, teacher_folder(s.teacher_root, spec),
                                        [&](std::uint64_t data_seed) { return smnist_task(split, data_seed, s); });
    if (s.teacher_labels)
      decisions[k] = teacher_decisions_on_set(teachers[k].params, s.student.net, split->train, kBatch);
    seconds[k] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  });
  TeacherSet set;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    std::printf("teacher seed %llu: probe accuracy %.3f, final loss %.4f (%s)\n",
                static_cast<unsigned long long>(jobs[k].seed), teachers[k].probe_accuracy, teachers[k].loss_final,
                teachers[k].from_cache ? "cached" : ("trained in " + std::to_string(seconds[k]) + " s").c_str());
    set.params[jobs[k].seed] = std::make_shared<const RnnParams>(std::move(teachers[k].params));
    set.accuracy[jobs[k].seed] = teachers[k].probe_accuracy;
    set.decisions[jobs[k].seed] = std::make_shared<const std::vector<int>>(std::move(decisions[k]));
  }
  return set;
}

// A diagnostic [OURS]: the W_h tangent kernel is bilinear in the readout (d y_k / d W_h starts from
// W_out[k, :]), and the students' readout starts random and is learned from scratch, so the plain KA
// mostly sees the readout's change.  Here both kernels use the trained readout W_out(f):
// KA(K(W_in(0), W_h(0), W_out(f)), K(W_in(f), W_h(f), W_out(f))), the change due to W_in and W_h alone.
double fixed_readout_alignment(const RnnParams& init, const RnnParams& trained, const RnnTaskSetup& task,
                               const RnnConfig& net) {
  RnnParams start = init;
  start.W_out = trained.W_out;
  NtkOptions opt;
  opt.steps = task.kernel_steps;
  return kernel_alignment(rnn_tangent_kernel(start, net, task.kernel_probe, opt).K,
                          rnn_tangent_kernel(trained, net, task.kernel_probe, opt).K);
}

// One run: a student of the seed's teacher from the given start and rank.
CsvWriter run_one(const RunSpec& spec, const Settings& s, std::shared_ptr<const MnistSplit> split,
                  const TeacherSet& teachers) {
  const StudentStart start = parse_student_start(spec.param("start"));
  const std::size_t rank = static_cast<std::size_t>(spec.param_int("rank"));
  const std::shared_ptr<const RnnParams> teacher = teachers.params.at(spec.seed);
  const RnnConfig& net = s.student.net;
  const std::size_t N = net.N;

  const RnnTaskSetup true_task = smnist_task(split, derive_seed(spec.seed, kStreamData), s);
  const double agreement = last_step_agreement(true_task.probe, relabel_with_teacher(true_task.probe, *teacher, net));
  // Teacher labels: the same batches drawn from the training images relabelled once by the teacher
  // (prepare_teachers), the labels teacher_labelled_setup's pass per batch would give, bit for bit,
  // without that pass (tasks/teacher_labels.h:relabel_set_with_teacher).
  RnnTaskSetup task = true_task;
  if (s.teacher_labels) {
    auto labelled = std::make_shared<MnistSplit>(MnistSplit{split->train, split->validation});
    labelled->train.labels = *teachers.decisions.at(spec.seed);
    task = teacher_labelled_probes(smnist_task(labelled, derive_seed(spec.seed, kStreamData), s), *teacher, net);
  }

  Rng g_rng(derive_seed(spec.seed, kStreamGaussian));
  const Matrix G = gaussian_init(N, N, s.gain, g_rng);  // (N, N), shared by every start and rank
  Rng io_rng(derive_seed(spec.seed, kStreamIo));
  RnnParams init = paper_io_init(task.n_in, N, task.n_out, io_rng);  // fresh W_out: random readout
  if (s.teacher_input) init.W_in = teacher->W_in;
  init.W_h = student_recurrent_init(start, teacher->W_h, G, rank, s.partial_cos2, s.norm);

  // A run whose activity overflows comes back flagged as diverged (run_rnn_experiment checks the
  // logits before the loss), with NaN measures when its weights are no longer finite.
  const RnnRunResult r = run_rnn_experiment(s.student, init, task);
  if (r.diverged)
    std::fprintf(stderr, "WARNING: %s diverged (final loss %g); kept and flagged in results.csv\n",
                 spec.id().c_str(), r.loss_final);
  if (s.student.log_every) write_measure_log(r.log, measure_log_path(s.runs_dir, spec));
  const double ka_fixed_readout = r.diverged || r.alignments_undefined
                                      ? std::nan("")
                                      : fixed_readout_alignment(init, r.final_params, task, net);
  CsvRecord row;
  row.add("start", student_start_name(start)).add("rank", rank).add("seed", spec.seed).add("N", N);
  row.add("iters", r.iterations_done).add("labels", s.teacher_labels ? "teacher" : "true").add("norm", s.norm_name);
  row.add("partial_cos2", s.partial_cos2).add("teacher_accuracy", teachers.accuracy.at(spec.seed));
  row.add("teacher_agreement", agreement).add("weight_change", r.weight_change);
  row.add("relative_weight_change", r.relative_weight_change);
  row.add("representation_alignment", r.representation_alignment).add("kernel_alignment", r.kernel_alignment);
  row.add("kernel_alignment_fixed_readout", ka_fixed_readout).add("sign_similarity", r.sign_similarity);
  row.add("loss_first", r.loss_first).add("loss_final", r.loss_final).add("accuracy", r.accuracy);
  row.add("diverged", r.diverged ? 1 : 0);
  return row.add(rnn_run_cells(r)).table();
}

struct Group {
  std::string start;
  long long rank = 0;
  std::vector<std::size_t> rows;
  auto key() const { return std::tie(start, rank); }
};

std::vector<Group> group_rows(const ResultTable& t) {
  return group_rows_by<Group>(t, [&](std::size_t i) {
    return Group{t.cell(i, "start"), t.integer(i, "rank"), {}};
  });
}

void print_summary(const ResultTable& t) {
  std::printf("\n%-9s %5s %3s  %-17s %-17s %-17s %-17s %-17s %-15s %s\n", "start", "rank", "n", "weight change",
              "RA", "KA", "KA fixed readout", "final loss", "accuracy", "diverged");
  for (const Group& g : group_rows(t)) {
    const auto diverged = values_of(t, g.rows, "diverged");
    std::printf("%-9s %5lld %3zu  %-17s %-17s %-17s %-17s %-17s %-15s %.0f\n", g.start.c_str(), g.rank,
                g.rows.size(), mean_sd(values_of(t, g.rows, "weight_change"), 3).c_str(),
                mean_sd(values_of(t, g.rows, "representation_alignment"), 4).c_str(),
                mean_sd(values_of(t, g.rows, "kernel_alignment"), 4).c_str(),
                mean_sd(values_of(t, g.rows, "kernel_alignment_fixed_readout"), 4).c_str(),
                mean_sd(values_of(t, g.rows, "loss_final"), 4).c_str(),
                mean_sd(values_of(t, g.rows, "accuracy"), 3).c_str(),
                std::accumulate(diverged.begin(), diverged.end(), 0.0));
  }
  std::printf("(mean ± sd over seeds; accuracy against the training labels; RA/KA: 1 = lazy, lower = richer;\n"
              " KA fixed readout: both kernels with the trained W_out, a diagnostic [OURS])\n");
}

// Seed by seed: `column` of the aligned run against the unaligned run of the same seed
// (demos/toolkit/paired_count.h: strict wins, ties apart, a diverged run makes its pair undefined).
PairedCount paired_count(const ResultTable& t, const Group& aligned, const Group& unaligned, const char* column,
                         bool higher) {
  PairedCount c;
  for (std::size_t a : aligned.rows)
    for (std::size_t b : unaligned.rows) {
      if (t.cell(a, "seed") != t.cell(b, "seed")) continue;
      const bool failed = t.number(a, "diverged") != 0 || t.number(b, "diverged") != 0;
      count_pair(c, t.number(a, column), t.number(b, column), !higher, failed);
    }
  return c;
}

// The caption's claim, per rank below N: the aligned start is lazier (higher KA, smaller dW) than the
// unaligned one, with the partial start in between.  First by the means, then seed by seed: the claim
// on KA is decided when the sign test of the paired count gives p < 0.05 (with 8 seeds: 8 / 8 or 0 / 8),
// and reported as undecided otherwise.
void print_headline(const ResultTable& t, std::size_t N) {
  std::map<long long, std::map<std::string, const Group*>> by_rank;
  const std::vector<Group> groups = group_rows(t);
  for (const Group& g : groups) by_rank[g.rank][g.start] = &g;
  for (const auto& [rank, starts] : by_rank) {
    if (rank >= static_cast<long long>(N) || !starts.count("aligned") || !starts.count("unaligned")) continue;
    auto ka = [&](const char* s) { return mean_or_nan(values_of(t, starts.at(s)->rows, "kernel_alignment")); };
    auto dw = [&](const char* s) { return mean_or_nan(values_of(t, starts.at(s)->rows, "weight_change")); };
    auto kaf = [&](const char* s) {
      return mean_or_nan(values_of(t, starts.at(s)->rows, "kernel_alignment_fixed_readout"));
    };
    const Comparison lazier = is_larger(ka("aligned"), ka("unaligned"));
    const Comparison smaller = is_smaller(dw("aligned"), dw("unaligned"));
    std::printf("rank %lld: KA aligned %.4f vs unaligned %.4f", rank, ka("aligned"), ka("unaligned"));
    if (starts.count("partial")) std::printf(" (partial %.4f)", ka("partial"));
    std::printf("; fixed-readout KA %.4f vs %.4f", kaf("aligned"), kaf("unaligned"));
    std::printf(": aligned lazier (KA) %s, smaller dW %s -> %s\n", yes_no(lazier), yes_no(smaller),
                paper_verdict({lazier}, "Fig. 3C").c_str());  // the caption's claim is on KA
    const PairedCount ka_higher = paired_count(t, *starts.at("aligned"), *starts.at("unaligned"), "kernel_alignment", true);
    const PairedCount dw_smaller = paired_count(t, *starts.at("aligned"), *starts.at("unaligned"), "weight_change", false);
    const PairedVerdict v = paired_verdict(ka_higher);
    std::printf("  paired seeds: KA aligned higher in %s, dW aligned smaller in %s -> %s\n",
                paired_count_text(ka_higher, true).c_str(), paired_count_text(dw_smaller, true).c_str(),
                v == PairedVerdict::kUndecided     ? "undecided"
                : v == PairedVerdict::kComparedWins ? "decided: aligned lazier, as the paper"
                                                    : "decided: aligned richer, unlike the paper");
  }
}

void plot_results(const ResultTable& t, const std::string& path, std::uint64_t seed) {
  constexpr std::size_t kPanels = sizeof kPlotted / sizeof kPlotted[0];
  Figure fig(1, kPanels, "Fig. 3C (reproduction): RNN students of a pre-trained sMNIST teacher vs rank of W_h(0)");
  Rng jitter(seed);
  const std::vector<Group> groups = group_rows(t);
  const std::vector<std::string> starts = distinct_values(groups, [](const Group& g) { return g.start; });
  for (std::size_t col = 0; col < kPanels; ++col) {
    Panel& p = fig.panel(0, col);
    p.title(kPlotted[col].title).x_label("initial rank of W_h").x_scale(AxisScale::kLog);
    for (const std::string& start : starts) {
      const auto this_start = [&](const Group& g) { return g.start == start; };
      plot_by_rank(p, start, rank_series(t, groups, this_start, kPlotted[col].column), jitter);
    }
  }
  fig.write(path);
}

// The flags: the shared ones with this program's defaults (demos/toolkit/cli.h), then its own.
void declare_flags(Cli& cli) {
  CommonFlags common;
  common.seeds = 2;
  common.iters = 500;
  common.omit = {"task"};  // always sMNIST
  cli.add_common(common);
  cli.add_int("N", 100, "hidden units of teacher and students (paper: 300) [OURS]", 2, 4000);
  cli.add_string_list("starts", {"aligned", "partial", "unaligned"}, "student starts",
                      {"aligned", "partial", "unaligned"});
  cli.add_double("partial-cos2", 0.5, "cos^2 of the partial start's angle to the teacher's W_h [OURS]", 0.0, 1.0);
  cli.add_string("norm", "spectral", "norm of the teacher's W_h every student start is rescaled to [OURS]",
                 {"frobenius", "spectral", "radius"});
  cli.add_string("labels", "teacher", "student labels: the teacher's decisions or the true digits", {"teacher", "true"});
  cli.add_string("student-input", "teacher", "student W_in: the teacher's or fresh PyTorch uniform",
                 {"teacher", "random"});
  add_sgd_flags(cli, RnnTrainConfig().sgd, "of the students; the momentum is the teacher's too (docs/paper.md#training)");
  add_precision_flag(cli);
  cli.add_int("teacher-iters", 2000, "teacher training iterations (paper: 10000) [OURS]", 1, 10000000);
  cli.add_double("teacher-lr", RnnTrainConfig().sgd.lr, "teacher SGD learning rate (docs/paper.md#training)", 0.0, 10.0);
  cli.add_string("teacher-dir", "", "teacher cache folder; \"\" means <out>/teachers");
  cli.add_int("probe", 200, "held-out probe images for RA, sign similarity, accuracy (docs/paper.md#measures)", 1, 5000);
  cli.add_int("kernel-probe", 100, "probe images for KA (paper: 200) [OURS]", 1, 5000);
  add_max_memory_flag(cli);
}

// What every run shares, from the flags: the students' and the teacher's training configs among them.
Settings read_settings(const Cli& cli) {
  Settings s;
  s.gain = gain_flag(cli);
  s.partial_cos2 = cli.get_double("partial-cos2");
  s.teacher_labels = cli.get_string("labels") == "teacher";
  s.norm_name = cli.get_string("norm");
  s.norm = parse_norm_kind(s.norm_name);
  s.teacher_input = cli.get_string("student-input") == "teacher";
  s.probe = static_cast<std::size_t>(cli.get_int("probe"));
  s.kernel_probe = static_cast<std::size_t>(cli.get_int("kernel-probe"));
  if (s.kernel_probe > s.probe) throw CliError("--kernel-probe: at most --probe images");
  const std::size_t N = static_cast<std::size_t>(cli.get_int("N"));
  s.student = rnn_train_flags(cli, {kMnistSide, N, kMnistClasses, 1.0, Activation::kRelu});  // docs/paper.md#rnn-model, alpha = 1
  s.teacher.net = s.student.net;  // the teacher: its own iters and lr, the students' momentum, no log
  s.teacher.iters = static_cast<std::size_t>(cli.get_int("teacher-iters"));
  s.teacher.sgd = {cli.get_double("teacher-lr"), s.student.sgd.momentum};
  s.teacher.precision = s.student.precision;  // a float32 student has a float32 teacher
  const std::string out = cli.out_dir();
  s.teacher_root = cli.get_string("teacher-dir").empty() ? out + "/teachers" : cli.get_string("teacher-dir");
  return s;
}

// Memory (demos/toolkit/memory_budget.h), per run: the W_h tangent kernels K0, Kf and a working copy
// (10 --kernel-probe rows, last step), their error vectors (rows x 28 steps x N), the probe traces.
void check_memory(const Cli& cli, const Settings& s, std::size_t runs) {
  const std::size_t N = s.student.net.N;
  MemoryEstimate memory;
  const double R = 10.0 * static_cast<double>(s.kernel_probe), Nd = static_cast<double>(N);
  memory.add("3 tangent kernels of " + std::to_string(10 * s.kernel_probe) + " rows", 3 * kernel_bytes(R));
  memory.add("kernel error vectors", R * 28.0 * Nd * 8.0);
  memory.add("probe traces", 3.0 * static_cast<double>(s.probe) * 28.0 * Nd * 8.0);
  memory.add("weights, gradients, momentum", 12.0 * Nd * Nd * 8.0);
  if (s.teacher_labels)  // run_one: the training images with the teacher's labels, a copy per run
    memory.add("training images with the teacher's labels",
               static_cast<double>(kMnistTrainSize) * static_cast<double>(kMnistPixels + sizeof(int)));
  memory.concurrent = static_cast<double>(std::max<std::size_t>(1, std::min<std::size_t>(runs, cli.threads())));
  check_memory_budget(cli, memory, "--probe/--kernel-probe");
}

int run(int argc, char** argv) {
  Cli cli(kProgram, "Fig. 3C: students of a pre-trained sMNIST teacher RNN from aligned, partially aligned and "
                    "unaligned low-rank W_h(0); weight change, RA and KA vs rank (our reading [OURS]).");
  declare_flags(cli);
  if (!cli.parse_or_exit(argc, argv)) return 0;

  const std::uint64_t seed = cli.announce_seed();
  Settings s = read_settings(cli);
  const std::size_t N = s.student.net.N;
  const std::string out = cli.out_dir();

  std::vector<std::size_t> default_ranks;  // 1, 5, 30, N: those below N, ascending, then N
  for (std::size_t r : {std::size_t{1}, std::size_t{5}, std::size_t{30}, N})
    if (r <= N && (default_ranks.empty() || r > default_ranks.back())) default_ranks.push_back(r);
  const std::vector<std::int64_t> ranks = ranks_flag(cli, N, "N", default_ranks);

  const std::vector<RunSpec> runs = make_sweep(
      {sweep_axis("start", cli.get_string_list("starts")), sweep_axis("rank", ranks)}, cli.seed_list());
  check_memory(cli, s, runs.size());
  SweepOptions options = sweep_options(cli, {"starts", "ranks"});
  s.runs_dir = options.runs_dir;
  RunManifest manifest = start_manifest(cli);
  manifest.notes.push_back({"reading", "docs/paper.md#fig-3 Fig. 3C reading [OURS]; partial = rank-r truncation of a "
                                       "cos^2 = --partial-cos2 mixture of teacher W_h and a Gaussian"});
  manifest.notes.push_back({"teacher cache", s.teacher_root});

  std::set<std::uint64_t> seeds_needed;
  for (const RunSpec& r : pending_runs(select_shard(runs, options.shard), options.runs_dir)) seeds_needed.insert(r.seed);
  std::shared_ptr<const MnistSplit> split = seeds_needed.empty() ? nullptr : load_split();
  const TeacherSet teachers = prepare_teachers(seeds_needed, s, split, cli.threads());
  make_dirs(options.runs_dir);  // after the data and the teachers: a failed start leaves no runs/ behind

  const SweepOutcome done =
      run_sweep(runs, options, [&](const RunSpec& spec, Rng&) { return run_one(spec, s, split, teachers); });
  const auto table_or_pending = finish_sweep(done, runs, options, cli, manifest);
  if (!table_or_pending) return 0;  // other shards pending
  const ResultTable& table = *table_or_pending;
  print_summary(table);
  print_headline(table, N);
  const std::string figure = out + "/" + kProgram + ".svg";
  plot_results(table, figure, seed);
  const std::string evolution = out + "/" + kProgram + "_evolution.svg";
  const bool plotted = s.student.log_every &&
      plot_evolution(runs, options.runs_dir, [](const RunSpec& r) { return "rank " + r.param("rank"); },
                     [](const RunSpec& r) { return r.param("start"); }, evolution,
                     "Fig. 3C (reproduction) over training: students of the sMNIST teacher");
  report_outputs(cli, manifest, {results_csv_path(cli), figure, plotted ? evolution : "", manifest_path(cli)});
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return rl::guarded_main(kProgram, [&] { return run(argc, argv); }); }
