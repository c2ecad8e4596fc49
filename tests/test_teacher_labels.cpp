// Tests for tasks/teacher_labels: a student task labelled by a teacher's decisions (Fig. 3C).
#include "tasks/teacher_labels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <unistd.h>

#include "nn/init.h"
#include "nn/rnn_experiment.h"
#include "tasks/mnist.h"
#include "tasks/paper_probe.h"
#include "tests/tiny_rnn_task.h"

namespace rl {
namespace {

using testing::kIn;
using testing::kOut;
using testing::kT;
using testing::random_params;
using testing::tiny_batch;
using testing::tiny_net;

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
  base.loss_steps = Steps::kLast;
  base.probe = tiny_batch(6, *rng);
  base.kernel_probe = tiny_batch(3, *rng);
  const RnnTaskSetup task = teacher_labelled_setup(base, std::make_shared<const RnnParams>(teacher), tiny_net(N));
  for (int k = 0; k < 3; ++k)
    for (int label : task.next_batch().labels) EXPECT_EQ(label, 2);
  for (int label : task.probe.labels) EXPECT_EQ(label, 2);
  for (int label : task.kernel_probe.labels) EXPECT_EQ(label, 2);
  EXPECT_EQ(task.probe.x, base.probe.x);
}

// The fast route (relabel_set_with_teacher) against the plain one (a teacher pass per batch): for
// batches drawn as the sMNIST stream draws them (200 random images, across a reshuffle), a trial's
// last-step logits carry the same bits in the drawn batch and in the index-order pass that relabels
// the set, so every label agrees.  At the paper's sMNIST shape (28 inputs, 10 logits, 28 steps) with
// N = 300 and N = 350 (W_h's product crossing the GEMM's 320-deep block), on random images.
TEST(TeacherLabels, RelabelledSetGivesTheLabelsOfEveryBatch) {
  for (const std::size_t N : {std::size_t(300), std::size_t(350)}) {
    SCOPED_TRACE("N = " + std::to_string(N));
    Rng rng(11);
    MnistSet set;
    const std::size_t images = 500;  // 2 batches of 200 and a last one of 100 in index order
    for (std::size_t i = 0; i < images * kMnistPixels; ++i)
      set.pixels.push_back(static_cast<std::uint8_t>(rng.next_u64() % 256));
    for (std::size_t i = 0; i < images; ++i) set.labels.push_back(static_cast<int>(i % 10));
    const RnnConfig net{kMnistSide, N, kMnistClasses, 1.0, Activation::kRelu};
    RnnParams teacher = paper_io_init(kMnistSide, N, kMnistClasses, rng);
    teacher.W_h = gaussian_init(N, N, 1.25, rng);

    const MnistSet relabelled = relabel_set_with_teacher(set, teacher, net, 200);
    ASSERT_EQ(relabelled.pixels, set.pixels);
    std::vector<std::vector<double>> logits(images);  // each image's last-step logits, index-order pass
    for (std::size_t first = 0; first < images; first += 200) {
      std::vector<std::size_t> idx;
      for (std::size_t i = first; i < std::min(first + 200, images); ++i) idx.push_back(i);
      const SeqBatch ordered = to_sequential(set, idx);
      const RnnTrace tr = rnn_forward(teacher, net, ordered);
      for (std::size_t b = 0; b < idx.size(); ++b) {
        const double* y = tr.y.row(ordered.row(kMnistSide - 1, b));
        logits[idx[b]].assign(y, y + kMnistClasses);
      }
    }
    std::size_t classes_seen = 0;
    for (int c = 0; c < 10; ++c)
      classes_seen += std::count(relabelled.labels.begin(), relabelled.labels.end(), c) > 0;
    EXPECT_GE(classes_seen, 2u) << "a teacher with one decision would make the label check vacuous";

    MnistBatcher stream(set, 200, 5);
    for (int k = 0; k < 6; ++k) {  // 6 batches: past two reshuffles of 500 images
      const std::vector<std::size_t> idx = stream.next_indices();
      const SeqBatch drawn = to_sequential(set, idx);
      const RnnTrace tr = rnn_forward(teacher, net, drawn);
      const SeqBatch plain = relabel_with_teacher(drawn, teacher, net);
      const SeqBatch fast = to_sequential(relabelled, idx);
      ASSERT_EQ(fast.labels, plain.labels) << "batch " << k;
      for (std::size_t b = 0; b < idx.size(); ++b) {
        const double* y = tr.y.row(drawn.row(kMnistSide - 1, b));
        ASSERT_EQ(std::vector<double>(y, y + kMnistClasses), logits[idx[b]])
            << "image " << idx[b] << " at trial " << b << " of batch " << k
            << ": its logits depend on the rest of the batch (nn/rnn.cpp, linalg/gemm.cpp)";
      }
    }
  }
}

// Fig. 3C's wiring (demos/fig3c_aligned_rnn.cpp): smnist_setup over a split whose training labels are
// the teacher's decisions, probes relabelled by teacher_labelled_probes, against the plain
// teacher_labelled_setup(smnist_setup(split)): the same batches (inputs and labels), the same probes.
// And the fast route refuses alpha != 1, where the equality is not shown.
TEST(TeacherLabels, FastRouteGivesTheSetupsBatchesAndProbes) {
  Rng rng(3);
  auto random_set = [&](std::size_t images) {
    MnistSet set;
    for (std::size_t i = 0; i < images * kMnistPixels; ++i)
      set.pixels.push_back(static_cast<std::uint8_t>(rng.next_u64() % 256));
    for (std::size_t i = 0; i < images; ++i) set.labels.push_back(static_cast<int>(i % 10));
    return set;
  };
  const auto split = std::make_shared<const MnistSplit>(MnistSplit{random_set(450), random_set(60)});
  const std::size_t N = 64;
  const RnnConfig net{kMnistSide, N, kMnistClasses, 1.0, Activation::kRelu};
  auto teacher = std::make_shared<RnnParams>(paper_io_init(kMnistSide, N, kMnistClasses, rng));
  teacher->W_h = gaussian_init(N, N, 1.25, rng);

  RnnTaskSetup plain = teacher_labelled_setup(smnist_setup(split, 9, 200, 50), teacher, net);
  auto labelled = std::make_shared<MnistSplit>(*split);
  labelled->train = relabel_set_with_teacher(split->train, *teacher, net, 200);
  RnnTaskSetup fast = teacher_labelled_probes(smnist_setup(labelled, 9, 200, 50), *teacher, net);
  EXPECT_EQ(fast.name, plain.name);
  EXPECT_EQ(fast.probe.x, plain.probe.x);
  EXPECT_EQ(fast.probe.labels, plain.probe.labels);
  EXPECT_EQ(fast.kernel_probe.labels, plain.kernel_probe.labels);
  for (int k = 0; k < 5; ++k) {  // 2 batches per epoch of 450 images: past two reshuffles
    const SeqBatch a = plain.next_batch(), b = fast.next_batch();
    ASSERT_EQ(b.x, a.x) << "batch " << k;
    ASSERT_EQ(b.labels, a.labels) << "batch " << k;
  }

  const RnnConfig leaky{kMnistSide, N, kMnistClasses, 0.5, Activation::kRelu};
  try {
    relabel_set_with_teacher(split->train, *teacher, leaky, 200);
    FAIL() << "alpha 0.5 was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("alpha = 0.5"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rl
