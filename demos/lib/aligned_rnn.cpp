#include "demos/lib/aligned_rnn.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <utility>

#include "demos/lib/atomic_file.h"
#include "demos/lib/csv.h"
#include "linalg/norms.h"
#include "nn/init.h"
#include "nn/npy.h"

namespace rl {

namespace {

constexpr std::uint64_t kTeacherStreamW = 11, kTeacherStreamIo = 12, kTeacherStreamData = 13;

// W / ||W||_F; throws naming `what` when W is zero or non-finite.
Matrix unit_frobenius(const Matrix& W, const char* what) {
  require_finite(W, std::string("student_recurrent_init: ") + what);
  const double norm = frobenius_norm(W);
  if (!(norm > 0.0)) throw std::invalid_argument(std::string("student_recurrent_init: ") + what + " is zero");
  return W * (1.0 / norm);
}

double norm_of_kind(const Matrix& W, RankNorm norm) {
  switch (norm) {
    case RankNorm::kFrobenius: return frobenius_norm(W);
    case RankNorm::kSpectral: return spectral_norm(W);
    case RankNorm::kSpectralRadius: return spectral_radius(W);
  }
  return frobenius_norm(W);
}

}  // namespace

StudentStart parse_student_start(const std::string& name) {
  if (name == "aligned") return StudentStart::kAligned;
  if (name == "partial") return StudentStart::kPartial;
  if (name == "unaligned") return StudentStart::kUnaligned;
  throw std::invalid_argument("student start '" + name + "' is not one of aligned, partial, unaligned");
}

const char* student_start_name(StudentStart start) {
  switch (start) {
    case StudentStart::kAligned: return "aligned";
    case StudentStart::kPartial: return "partial";
    case StudentStart::kUnaligned: return "unaligned";
  }
  return "?";
}

Matrix student_recurrent_init(StudentStart start, const Matrix& W_teacher, const Matrix& G, std::size_t rank,
                              double partial_cos2, RankNorm norm) {
  const std::size_t N = W_teacher.rows();
  if (W_teacher.cols() != N || G.rows() != N || G.cols() != N)
    throw std::invalid_argument("student_recurrent_init: W_teacher " + shape_str(W_teacher) + " and G " +
                                shape_str(G) + " must be the same square shape");
  if (rank < 1 || rank > N)
    throw std::invalid_argument("student_recurrent_init: rank " + std::to_string(rank) + " outside [1, N = " +
                                std::to_string(N) + "]");
  if (!(partial_cos2 >= 0.0 && partial_cos2 <= 1.0))
    throw std::invalid_argument("student_recurrent_init: partial_cos2 = " + std::to_string(partial_cos2) +
                                " outside [0, 1]");
  const Matrix teacher_dir = unit_frobenius(W_teacher, "the teacher's W_h");
  const Matrix gaussian_dir = unit_frobenius(G, "the Gaussian G");
  Matrix base;  // unit Frobenius norm
  switch (start) {
    case StudentStart::kAligned: base = teacher_dir; break;
    case StudentStart::kUnaligned: base = gaussian_dir; break;
    case StudentStart::kPartial:
      // cos(theta) W_T-hat + sin(theta) G-hat: angle theta to the teacher (up to the small overlap
      // <W_T-hat, G-hat> ~ 1/N of independent matrices), renormalised below.
      base = unit_frobenius(teacher_dir * std::sqrt(partial_cos2) + gaussian_dir * std::sqrt(1.0 - partial_cos2),
                            "the partial mixture");
      break;
  }
  // Rank-r truncation at the base's norm of the chosen kind, then rescaled to the teacher's norm of
  // that kind (PAPER.md 2.2 items 3 and 6).
  return low_rank_init(base, rank, norm) * (norm_of_kind(W_teacher, norm) / norm_of_kind(base, norm));
}

std::vector<int> teacher_decisions(const RnnParams& teacher, const RnnConfig& net, const SeqBatch& batch) {
  const RnnTrace trace = rnn_forward(teacher, net, batch);
  const std::size_t t = batch.T - 1;
  std::vector<int> decisions(batch.B);
  for (std::size_t b = 0; b < batch.B; ++b) {
    const double* y = trace.y.row(batch.row(t, b));
    if (!std::all_of(y, y + net.K, [](double v) { return std::isfinite(v); }))
      throw std::runtime_error("teacher_decisions: the teacher's logits are not finite");
    decisions[b] = static_cast<int>(std::max_element(y, y + net.K) - y);
  }
  return decisions;
}

SeqBatch relabel_with_teacher(SeqBatch batch, const RnnParams& teacher, const RnnConfig& net) {
  batch.validate("relabel_with_teacher batch");
  const std::vector<int> decisions = teacher_decisions(teacher, net, batch);
  batch.labels.assign(batch.T * batch.B, 0);
  for (std::size_t t = 0; t < batch.T; ++t)
    for (std::size_t b = 0; b < batch.B; ++b) batch.labels[batch.row(t, b)] = decisions[b];
  return batch;
}

double last_step_agreement(const SeqBatch& a, const SeqBatch& b) {
  if (a.T != b.T || a.B != b.B || a.B == 0 || a.labels.size() != a.T * a.B || b.labels.size() != b.T * b.B)
    throw std::invalid_argument("last_step_agreement: batches of different shapes or without labels");
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.B; ++i) same += a.label(a.T - 1, i) == b.label(b.T - 1, i);
  return static_cast<double>(same) / static_cast<double>(a.B);
}

RnnTaskSetup teacher_labelled_setup(RnnTaskSetup base, std::shared_ptr<const RnnParams> teacher,
                                    const RnnConfig& net) {
  if (!teacher) throw std::invalid_argument("teacher_labelled_setup: no teacher");
  check_shapes(*teacher, net, "teacher_labelled_setup: teacher");
  base.name += " (teacher labels)";
  base.probe = relabel_with_teacher(std::move(base.probe), *teacher, net);
  base.kernel_probe = relabel_with_teacher(std::move(base.kernel_probe), *teacher, net);
  std::function<SeqBatch()> inner = std::move(base.next_batch);
  base.next_batch = [inner, teacher, net]() { return relabel_with_teacher(inner(), *teacher, net); };
  return base;
}

std::string teacher_folder(const std::string& root, const TeacherSpec& spec) {
  char name[160];
  std::snprintf(name, sizeof name, "teacher_N-%zu_gain-%g_iters-%zu_lr-%g_seed-%llu", spec.N, spec.gain,
                spec.train.iters, spec.train.lr, static_cast<unsigned long long>(spec.seed));
  return root + "/" + name;
}

Teacher load_or_train_teacher(const TeacherSpec& spec, const std::string& folder,
                              const std::function<RnnTaskSetup(std::uint64_t data_seed)>& make_task) {
  if (spec.train.net.N != spec.N)
    throw std::invalid_argument("load_or_train_teacher: train.net.N = " + std::to_string(spec.train.net.N) +
                                " differs from N = " + std::to_string(spec.N));
  const std::string marker = folder + "/teacher.csv";
  Teacher teacher;
  if (file_exists(marker)) {  // written last: the cache is complete
    const auto blocks = load_npy_bundle(folder, {"W_in", "W_h", "W_out"});
    teacher.params = {blocks.at("W_in"), blocks.at("W_h"), blocks.at("W_out")};
    check_shapes(teacher.params, spec.train.net, ("cached teacher in " + folder).c_str());
    const ResultTable t = read_result_csv(marker);
    teacher.probe_accuracy = t.number(0, "probe_accuracy");
    teacher.loss_final = t.number(0, "loss_final");
    teacher.from_cache = true;
    return teacher;
  }
  RnnTaskSetup task = make_task(derive_seed(spec.seed, kTeacherStreamData));
  Rng w_rng(derive_seed(spec.seed, kTeacherStreamW));
  Rng io_rng(derive_seed(spec.seed, kTeacherStreamIo));
  RnnParams init = paper_io_init(task.n_in, spec.N, task.n_out, io_rng);
  init.W_h = gaussian_init(spec.N, spec.N, spec.gain, w_rng);  // full rank, PAPER.md 2.2 item 1
  const RnnRunResult r = run_rnn_experiment(spec.train, init, task);
  if (r.diverged)
    throw std::runtime_error("teacher in " + folder + " diverged (final loss " + std::to_string(r.loss_final) +
                             "): lower --teacher-lr or change --seed");
  teacher.params = r.final_params;
  teacher.probe_accuracy = r.accuracy;
  teacher.loss_final = r.loss_final;
  save_npy_bundle(folder, {{"W_in", teacher.params.W_in}, {"W_h", teacher.params.W_h}, {"W_out", teacher.params.W_out}});
  CsvWriter w({"seed", "N", "gain", "iters", "lr", "probe_accuracy", "loss_final", "train_seconds"});
  w.add_row({static_cast<unsigned long long>(spec.seed), static_cast<unsigned long long>(spec.N), spec.gain,
             static_cast<unsigned long long>(r.iterations_done), spec.train.lr, r.accuracy, r.loss_final,
             r.train_seconds});
  w.write(marker);
  return teacher;
}

}  // namespace rl
