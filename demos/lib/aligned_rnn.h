// Fig. 3C pieces: a pre-trained teacher RNN on sMNIST, student initial recurrent weights aligned,
// partially aligned or unaligned with it, and a student task labelled by the teacher.  Used by
// demos/fig3c_aligned_rnn.cpp; the training and measures are demos/lib/rnn_experiment.h.
//
// Paper, Fig. 3 caption [CAP]: "C) The analysis from B) is replicated for RNNs learning the sMNIST
// task. As the ground truth network function is elusive, we use a teacher network with pre-trained
// weights. Once again, we replace F with its rank-(d/2) truncation for partial alignment. [...] the
// initial errors are high since the readout weights are initialized randomly".
//
// Our reading [OURS] (PAPER.md 5, "Fig. 3C reading"; docs/figures_3c_4b.md):
//   teacher    the paper's RNN (PAPER.md 2.1) with a full-rank Gaussian W_h(0) = g G / sqrt(N),
//              trained on sMNIST with the true labels (PAPER.md 2.3); cached as .npy.
//   student    W_h(0) built from the teacher's trained W_T, rescaled to W_T's norm of a chosen kind
//              (below: Frobenius; fig3c_aligned_rnn defaults to the spectral norm, see there):
//                aligned    T_r(W_T), the rank-r SVD truncation of W_T
//                unaligned  T_r(G'), G' an independent Gaussian of the same Frobenius norm
//                partial    T_r(cos(theta) W_T / ||W_T||_F + sin(theta) G' / ||G'||_F), a start at angle
//                           theta to the teacher's connectivity, cos^2(theta) = --partial-cos2 (0.5).
//              The literal analogue of "F replaced by its rank-(d/2) truncation", T_r(T_{N/2}(W_T)),
//              equals the aligned start for every r <= N/2, so it cannot separate the curves; the
//              mixture plays the role of the (D9) start at angle theta instead (docs/theory.md).
//              W_in: the teacher's (default) or fresh; W_out: always fresh (the caption's random readout).
//   labels     the teacher's decision: argmax of its last-step logits, written on every step of the
//              batch (the sMNIST loss reads only the last step), or the true digits (a flag).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "demos/lib/rnn_experiment.h"
#include "linalg/matrix.h"
#include "nn/init.h"
#include "nn/rnn.h"
#include "nn/sequence.h"

namespace rl {

enum class StudentStart { kAligned, kPartial, kUnaligned };

// "aligned", "partial", "unaligned"; anything else throws std::invalid_argument naming the text.
StudentStart parse_student_start(const std::string& name);
const char* student_start_name(StudentStart start);

// The student's W_h(0) (N, N) from the teacher's W_T (N, N) and an independent Gaussian G (N, N), as
// listed above; 1 <= rank <= N, partial_cos2 in [0, 1].  `norm` says which norm of W_T the result
// matches (nn/init.h RankNorm): Frobenius (the paper's rule, default) or, against the blow-up of a
// rank-1 truncation whose one eigenvalue carries the whole Frobenius norm, spectral norm or spectral
// radius (PAPER.md 2.2 item 6).  Throws std::invalid_argument on a bad rank, cos^2, shape, or a
// zero / non-finite W_T or G.
Matrix student_recurrent_init(StudentStart start, const Matrix& W_teacher, const Matrix& G, std::size_t rank,
                              double partial_cos2, RankNorm norm = RankNorm::kFrobenius);

// The teacher's decision for each trial: argmax of its logits at the last step, (B).
std::vector<int> teacher_decisions(const RnnParams& teacher, const RnnConfig& net, const SeqBatch& batch);

// `batch` with every step's label replaced by the teacher's decision for that trial.
SeqBatch relabel_with_teacher(SeqBatch batch, const RnnParams& teacher, const RnnConfig& net);

// Fraction of trials whose last-step labels agree in `a` and `b` (same T and B).
double last_step_agreement(const SeqBatch& a, const SeqBatch& b);

// `base` with its training stream, probe and kernel probe relabelled by the teacher: the student
// learns (and its accuracy is measured against) the teacher's decisions.  Inputs are unchanged.
RnnTaskSetup teacher_labelled_setup(RnnTaskSetup base, std::shared_ptr<const RnnParams> teacher,
                                    const RnnConfig& net);

// How the teacher is trained (PAPER.md 2.1-2.3 with a full-rank Gaussian W_h(0)).
struct TeacherSpec {
  std::uint64_t seed = 1;  // the repetition seed: the teacher's W_h(0), W_in, W_out and batch stream
  std::size_t N = 100;
  double gain = 1.25;      // PAPER.md 2.2 item 1
  RnnTrainConfig train;    // net.N must equal N; sMNIST n_in = 28, K = 10
};

struct Teacher {
  RnnParams params;
  double probe_accuracy = 0;  // on the held-out probe, true labels
  double loss_final = 0;
  bool from_cache = false;
};

// "<root>/teacher_N-<N>_gain-<g>_iters-<iters>_lr-<lr>_seed-<seed>": one folder per distinct teacher.
std::string teacher_folder(const std::string& root, const TeacherSpec& spec);

// Loads the teacher from `folder` when complete (W_in.npy, W_h.npy, W_out.npy and teacher.csv, the
// last written last, so its presence marks a complete cache); otherwise trains it on
// make_task(seed-derived data seed) with run_rnn_experiment and writes the cache.  A diverged teacher
// is an error (std::runtime_error naming the folder): a student cannot learn from it.
Teacher load_or_train_teacher(const TeacherSpec& spec, const std::string& folder,
                              const std::function<RnnTaskSetup(std::uint64_t data_seed)>& make_task);

}  // namespace rl
