#include "demos/toolkit/teacher_cache.h"

#include <stdexcept>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/csv.h"
#include "nn/init.h"
#include "nn/npy.h"

namespace rl {

std::string teacher_key(const TeacherSpec& spec) {
  const RnnTrainConfig& t = spec.train;
  return "N=" + std::to_string(spec.N) + ";gain=" + format_number(spec.gain) + ";iters=" + std::to_string(t.iters) +
         ";lr=" + format_number(t.sgd.lr) + ";momentum=" + format_number(t.sgd.momentum) + ";alpha=" +
         format_number(t.net.alpha) + ";activation=" + (t.net.activation == Activation::kTanh ? "tanh" : "relu") +
         ";seed=" + std::to_string(spec.seed) +
         // float32 teachers are other weights; float64 keeps the key every cached teacher was made with
         (t.precision == Precision::kF64 ? "" : std::string(";precision=") + precision_name(t.precision));
}

std::string teacher_folder(const std::string& root, const TeacherSpec& spec) {
  std::string name = "teacher_" + teacher_key(spec);
  for (char& c : name) c = c == ';' ? '_' : c == '=' ? '-' : c;
  return root + "/" + name;
}

namespace {

constexpr std::uint64_t kTeacherStreamW = 11, kTeacherStreamIo = 12, kTeacherStreamData = 13;

// The teacher cached in `folder`, refused when damaged or trained with other settings.
Teacher load_teacher(const TeacherSpec& spec, const std::string& folder, const std::string& marker) {
  const auto blocks = load_npy_bundle(folder, {"W_in", "W_h", "W_out"});
  const RnnParams params{blocks.at("W_in"), blocks.at("W_h"), blocks.at("W_out")};
  check_shapes(params, spec.train.net, ("cached teacher in " + folder).c_str());
  // A trained teacher is finite (a diverged one is never cached): a NaN here is a damaged file, which
  // would otherwise surface later as "logits are not finite" naming no file.
  for (const char* name : {"W_in", "W_h", "W_out"})
    if (!all_finite(blocks.at(name)))
      throw std::runtime_error(folder + "/" + name + ".npy: damaged teacher cache (a non-finite weight): delete " +
                               folder + " to train the teacher again");
  const ResultTable t = read_result_csv(marker);
  if (t.rows.size() != 1)
    throw std::runtime_error(marker + ": damaged teacher cache (" + std::to_string(t.rows.size()) +
                             " rows, expected 1): delete " + folder);
  const std::string stored = t.has_column("settings") ? t.cell(0, "settings") : "(none recorded)";
  if (stored != teacher_key(spec))
    throw std::runtime_error("teacher cache " + folder + " was trained with " + stored + ", this run asks " +
                             teacher_key(spec) + ": delete " + folder + " (or use another --teacher-dir)");
  return {params, t.number(0, "probe_accuracy"), t.number(0, "loss_final"), /*from_cache=*/true};
}

// Trains the teacher and writes its cache, `marker` (teacher.csv) last.
Teacher train_teacher(const TeacherSpec& spec, const std::string& folder, const std::string& marker,
                      const std::function<RnnTaskSetup(std::uint64_t data_seed)>& make_task) {
  RnnTaskSetup task = make_task(derive_seed(spec.seed, kTeacherStreamData));
  Rng w_rng(derive_seed(spec.seed, kTeacherStreamW));
  Rng io_rng(derive_seed(spec.seed, kTeacherStreamIo));
  RnnParams init = paper_io_init(task.n_in, spec.N, task.n_out, io_rng);
  init.W_h = gaussian_init(spec.N, spec.N, spec.gain, w_rng);  // full rank, docs/paper.md#initial-weights
  const RnnRunResult r = run_rnn_experiment(spec.train, init, task);
  if (r.diverged)
    throw std::runtime_error("teacher in " + folder + " diverged (final loss " + std::to_string(r.loss_final) +
                             "): lower --teacher-lr or change --seed");
  const Teacher teacher{r.final_params, r.accuracy, r.loss_final, /*from_cache=*/false};
  save_npy_bundle(folder, {{"W_in", teacher.params.W_in}, {"W_h", teacher.params.W_h}, {"W_out", teacher.params.W_out}});
  CsvWriter w({"seed", "N", "gain", "iters", "lr", "probe_accuracy", "loss_final", "train_seconds", "settings"});
  w.add_row({static_cast<unsigned long long>(spec.seed), static_cast<unsigned long long>(spec.N), spec.gain,
             static_cast<unsigned long long>(r.iterations_done), spec.train.sgd.lr, r.accuracy, r.loss_final,
             r.train_seconds, teacher_key(spec)});
  w.write(marker);
  return teacher;
}

}  // namespace

Teacher load_or_train_teacher(const TeacherSpec& spec, const std::string& folder,
                              const std::function<RnnTaskSetup(std::uint64_t data_seed)>& make_task) {
  if (spec.train.net.N != spec.N)
    throw std::invalid_argument("load_or_train_teacher: train.net.N = " + std::to_string(spec.train.net.N) +
                                " differs from N = " + std::to_string(spec.N));
  const std::string marker = folder + "/teacher.csv";  // written last: its presence marks a complete cache
  return file_exists(marker) ? load_teacher(spec, folder, marker) : train_teacher(spec, folder, marker, make_task);
}

}  // namespace rl
