// The teacher of Fig. 3C, trained once per seed and cached on disk (plumbing: a first reading can
// skip it).  The teacher is the paper's RNN (docs/paper.md#rnn-model) from a full-rank Gaussian
// W_h(0), trained on sMNIST with the true labels by nn/rnn_experiment.h; the cache is three .npy
// files and a one-row CSV.  Used by demos/fig3c_aligned_rnn.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "nn/rnn.h"
#include "nn/rnn_experiment.h"

namespace rl {

// How the teacher is trained (docs/paper.md#rnn-model, #training, with a full-rank Gaussian W_h(0)).
struct TeacherSpec {
  std::uint64_t seed = 1;  // the repetition seed: the teacher's W_h(0), W_in, W_out and batch stream
  std::size_t N = 100;
  double gain = 1.25;      // docs/paper.md#initial-weights
  RnnTrainConfig train;    // net.N must equal N; sMNIST n_in = 28, K = 10
};

struct Teacher {
  RnnParams params;
  double probe_accuracy = 0;  // on the held-out probe, true labels
  double loss_final = 0;
  bool from_cache = false;
};

// Every setting that changes the teacher's weights, numbers at full precision ("%.17g"):
// "N=100;gain=1.25;iters=2000;lr=0.0030000000000000001;momentum=0.90000000000000002;alpha=1;
//  activation=relu;seed=1", and ";precision=f32" for a teacher trained in float32 (absent for float64, as
// in every key made before the flag).  Stored in teacher.csv and compared on load.
std::string teacher_key(const TeacherSpec& spec);

// "<root>/teacher_N-100_gain-1.25_iters-2000_lr-0.0030000000000000001_momentum-..._seed-1": the key
// as a folder name, one folder per distinct teacher.
std::string teacher_folder(const std::string& root, const TeacherSpec& spec);

// Loads the teacher from `folder` when complete (W_in.npy, W_h.npy, W_out.npy and teacher.csv, the
// last written last, so its presence marks a complete cache); otherwise trains it on
// make_task(seed-derived data seed) with run_rnn_experiment and writes the cache.  A diverged teacher
// is an error (std::runtime_error naming the folder): a student cannot learn from it; so is a cache
// whose teacher.csv records another teacher_key (or none: an older cache), naming the differing
// setting and the way out (delete the folder), and a cached weight that is not finite (naming the
// .npy file as a damaged cache).
Teacher load_or_train_teacher(const TeacherSpec& spec, const std::string& folder,
                              const std::function<RnnTaskSetup(std::uint64_t data_seed)>& make_task);

}  // namespace rl
