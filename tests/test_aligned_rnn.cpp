#include "demos/lib/aligned_rnn.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "linalg/norms.h"
#include "linalg/svd.h"
#include "nn/init.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

using testing::kEps;
using testing::MatricesNear;

constexpr std::size_t kN = 12;
// Rescaling a unit-norm matrix back to a target norm costs a few roundings per entry, and the SVD
// truncation a backward error ~ n eps ||W|| (Weyl): entries agree to ~ 1e-14 of ||W||_F.
constexpr double kEntryTol = 64 * kN * kEps;

Matrix teacher_like(std::uint64_t seed) {
  Rng rng(seed);
  return gaussian_init(kN, kN, 1.25, rng);
}

TEST(StudentStart, NamesRoundTripAndUnknownNamesAreRejected) {
  for (StudentStart s : {StudentStart::kAligned, StudentStart::kPartial, StudentStart::kUnaligned})
    EXPECT_EQ(parse_student_start(student_start_name(s)), s);
  try {
    parse_student_start("diagonal");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("diagonal"), std::string::npos) << e.what();
  }
}

TEST(StudentRecurrentInit, AlignedIsTheTeachersTruncationAtTheTeachersNorm) {
  const Matrix W_T = teacher_like(1), G = teacher_like(2);
  const double scale = frobenius_norm(W_T);
  for (std::size_t r : {1, 3, 7}) {
    const Matrix W = student_recurrent_init(StudentStart::kAligned, W_T, G, r, 0.5);
    const Matrix T_r = truncate_rank(W_T, r);
    EXPECT_TRUE(MatricesNear(W, T_r * (scale / frobenius_norm(T_r)), kEntryTol * scale)) << "rank " << r;
    EXPECT_NEAR(frobenius_norm(W), scale, 8 * kEps * scale);
  }
  // Full rank: the teacher itself.
  EXPECT_TRUE(MatricesNear(student_recurrent_init(StudentStart::kAligned, W_T, G, kN, 0.5), W_T, kEntryTol * scale));
}

TEST(StudentRecurrentInit, UnalignedIsTheGaussiansTruncationAtTheTeachersNorm) {
  const Matrix W_T = teacher_like(1), G = teacher_like(2);
  const double scale = frobenius_norm(W_T);
  const Matrix W = student_recurrent_init(StudentStart::kUnaligned, W_T, G, 4, 0.5);
  const Matrix G_4 = truncate_rank(G, 4);
  EXPECT_TRUE(MatricesNear(W, G_4 * (scale / frobenius_norm(G_4)), kEntryTol * scale));
}

TEST(StudentRecurrentInit, PartialInterpolatesBetweenUnalignedAndAligned) {
  const Matrix W_T = teacher_like(3), G = teacher_like(4);
  const double scale = frobenius_norm(W_T);
  const std::size_t r = 5;
  EXPECT_TRUE(MatricesNear(student_recurrent_init(StudentStart::kPartial, W_T, G, r, 1.0),
                           student_recurrent_init(StudentStart::kAligned, W_T, G, r, 1.0), kEntryTol * scale));
  EXPECT_TRUE(MatricesNear(student_recurrent_init(StudentStart::kPartial, W_T, G, r, 0.0),
                           student_recurrent_init(StudentStart::kUnaligned, W_T, G, r, 0.0), kEntryTol * scale));
  // Full rank, cos^2 = c: the start is the mixture m = sqrt(c) T + sqrt(1 - c) G (unit T, G with
  // overlap rho = <T, G>), whose cosine with the teacher is exactly
  //   (sqrt(c) + sqrt(1 - c) rho) / sqrt(1 + 2 sqrt(c (1 - c)) rho).
  const double c = 0.3;
  const double rho = frobenius_cosine(W_T, G);
  const double expected = (std::sqrt(c) + std::sqrt(1 - c) * rho) / std::sqrt(1 + 2 * std::sqrt(c * (1 - c)) * rho);
  const Matrix W = student_recurrent_init(StudentStart::kPartial, W_T, G, kN, c);
  EXPECT_NEAR(frobenius_cosine(W, W_T), expected, 1e-13);
  EXPECT_NEAR(frobenius_norm(W), scale, 8 * kEps * scale);
}

TEST(StudentRecurrentInit, MatchesTheTeachersSpectralNormOrRadiusWhenAsked) {
  const Matrix W_T = teacher_like(5), G = teacher_like(6);
  for (StudentStart s : {StudentStart::kAligned, StudentStart::kPartial, StudentStart::kUnaligned}) {
    const Matrix W2 = student_recurrent_init(s, W_T, G, 2, 0.5, RankNorm::kSpectral);
    EXPECT_NEAR(spectral_norm(W2), spectral_norm(W_T), 1e-12 * spectral_norm(W_T)) << student_start_name(s);
    const Matrix Wr = student_recurrent_init(s, W_T, G, 3, 0.5, RankNorm::kSpectralRadius);
    EXPECT_NEAR(spectral_radius(Wr), spectral_radius(W_T), 1e-10 * spectral_radius(W_T)) << student_start_name(s);
  }
}

TEST(StudentRecurrentInit, RejectsBadRankCosineAndShapes) {
  const Matrix W_T = teacher_like(1), G = teacher_like(2);
  EXPECT_THROW(student_recurrent_init(StudentStart::kAligned, W_T, G, 0, 0.5), std::invalid_argument);
  EXPECT_THROW(student_recurrent_init(StudentStart::kAligned, W_T, G, kN + 1, 0.5), std::invalid_argument);
  EXPECT_THROW(student_recurrent_init(StudentStart::kPartial, W_T, G, 2, 1.5), std::invalid_argument);
  EXPECT_THROW(student_recurrent_init(StudentStart::kAligned, W_T, Matrix(kN, kN + 1), 2, 0.5), std::invalid_argument);
  EXPECT_THROW(student_recurrent_init(StudentStart::kAligned, Matrix(kN, kN), G, 2, 0.5), std::invalid_argument);
}

// A tiny sequence task: T = 3 steps, 2 inputs, 3 classes, nonnegative inputs.
constexpr std::size_t kT = 3, kIn = 2, kOut = 3;

SeqBatch tiny_batch(std::size_t B, Rng& rng) {
  SeqBatch b;
  b.T = kT;
  b.B = B;
  b.x = Matrix(kT * B, kIn);
  for (double& v : b.x.values()) v = rng.uniform();
  b.labels.resize(kT * B);
  for (std::size_t i = 0; i < B; ++i) {
    const int c = static_cast<int>(rng.below(kOut));
    for (std::size_t t = 0; t < kT; ++t) b.labels[b.row(t, i)] = c;
  }
  return b;
}

RnnConfig tiny_net(std::size_t N) { return {kIn, N, kOut, 1.0, Activation::kRelu}; }

RnnParams random_params(std::size_t N, std::uint64_t seed) {
  Rng rng(seed);
  RnnParams p = paper_io_init(kIn, N, kOut, rng);
  p.W_h = gaussian_init(N, N, 0.8, rng);
  return p;
}

TEST(RelabelWithTeacher, EveryStepCarriesTheArgmaxOfTheTeachersLastStepLogits) {
  Rng rng(7);
  const SeqBatch batch = tiny_batch(9, rng);
  const RnnParams teacher = random_params(6, 8);
  const SeqBatch relabelled = relabel_with_teacher(batch, teacher, tiny_net(6));
  EXPECT_EQ(relabelled.x, batch.x);
  const RnnTrace trace = rnn_forward(teacher, tiny_net(6), batch);
  for (std::size_t b = 0; b < batch.B; ++b) {
    const double* y = trace.y.row(batch.row(kT - 1, b));
    const int argmax = static_cast<int>(std::max_element(y, y + kOut) - y);
    for (std::size_t t = 0; t < kT; ++t) EXPECT_EQ(relabelled.label(t, b), argmax) << "trial " << b << " step " << t;
  }
  EXPECT_EQ(last_step_agreement(relabelled, relabelled), 1.0);
}

TEST(TeacherLabelledSetup, AConstantTeacherLabelsEveryBatchAndProbeWithItsOneClass) {
  // Positive W_in and inputs make h > 0; W_out with one row of ones and zeros elsewhere makes
  // class 2 the teacher's decision for every trial.
  const std::size_t N = 5;
  RnnParams teacher = random_params(N, 9);
  for (double& v : teacher.W_in.values()) v = std::fabs(v) + 0.1;
  teacher.W_h.fill(0.0);
  teacher.W_out.fill(0.0);
  for (std::size_t j = 0; j < N; ++j) teacher.W_out(2, j) = 1.0;
  auto rng = std::make_shared<Rng>(10);
  RnnTaskSetup base;
  base.name = "tiny";
  base.n_in = kIn;
  base.n_out = kOut;
  base.next_batch = [rng] { return tiny_batch(4, *rng); };
  base.last_step_loss = true;
  base.probe = tiny_batch(6, *rng);
  base.kernel_probe = tiny_batch(3, *rng);
  const RnnTaskSetup task = teacher_labelled_setup(base, std::make_shared<const RnnParams>(teacher), tiny_net(N));
  for (int k = 0; k < 3; ++k)
    for (int label : task.next_batch().labels) EXPECT_EQ(label, 2);
  for (int label : task.probe.labels) EXPECT_EQ(label, 2);
  for (int label : task.kernel_probe.labels) EXPECT_EQ(label, 2);
  EXPECT_EQ(task.probe.x, base.probe.x);
}

TEST(LoadOrTrainTeacher, TrainsOnceThenLoadsTheSameParametersFromTheCache) {
  const std::string root = "/tmp/rl_test_aligned_rnn_" + std::to_string(::getpid());
  TeacherSpec spec;
  spec.seed = 3;
  spec.N = 6;
  spec.gain = 1.0;
  spec.train.net = tiny_net(6);
  spec.train.iters = 20;
  spec.train.lr = 0.01;
  auto make_task = [](std::uint64_t data_seed) {
    auto rng = std::make_shared<Rng>(data_seed);
    RnnTaskSetup t;
    t.name = "tiny";
    t.n_in = kIn;
    t.n_out = kOut;
    t.next_batch = [rng] { return tiny_batch(8, *rng); };
    t.last_step_loss = true;
    t.probe = tiny_batch(10, *rng);
    t.kernel_probe = tiny_batch(4, *rng);
    t.kernel_steps = NtkSteps::kLast;
    return t;
  };
  const std::string folder = teacher_folder(root, spec);
  const Teacher trained = load_or_train_teacher(spec, folder, make_task);
  EXPECT_FALSE(trained.from_cache);
  const Teacher cached = load_or_train_teacher(spec, folder, make_task);
  EXPECT_TRUE(cached.from_cache);
  EXPECT_EQ(cached.params.W_h, trained.params.W_h);  // .npy stores doubles bit for bit
  EXPECT_EQ(cached.params.W_in, trained.params.W_in);
  EXPECT_EQ(cached.params.W_out, trained.params.W_out);
  EXPECT_EQ(cached.probe_accuracy, trained.probe_accuracy);
  // Training moved the Gaussian start.
  Rng w_rng(derive_seed(spec.seed, 11));
  EXPECT_GT(max_abs_diff(trained.params.W_h, gaussian_init(6, 6, 1.0, w_rng)), 0.0);
  for (const char* f : {"W_in.npy", "W_h.npy", "W_out.npy", "teacher.csv"}) std::remove((folder + "/" + f).c_str());
  ::rmdir(folder.c_str());
  ::rmdir(root.c_str());
}

}  // namespace
}  // namespace rl
