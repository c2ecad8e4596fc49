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

}  // namespace
}  // namespace rl
