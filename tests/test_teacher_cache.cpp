// Tests for demos/toolkit/teacher_cache: train the Fig. 3C teacher once, then load it bit for bit.
#include "demos/toolkit/teacher_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include "linalg/norms.h"
#include "nn/init.h"
#include "nn/npy.h"
#include "nn/rnn_experiment.h"
#include "tests/tiny_rnn_task.h"

namespace rl {
namespace {

using testing::kIn;
using testing::kOut;
using testing::tiny_batch;
using testing::tiny_net;

// A tiny sMNIST-like task (last-step loss) whose stream is seeded by data_seed, as the teacher cache
// asks of its task factory.
RnnTaskSetup tiny_task(std::uint64_t data_seed) {
  auto rng = std::make_shared<Rng>(data_seed);
  RnnTaskSetup t;
  t.name = "tiny";
  t.n_in = kIn;
  t.n_out = kOut;
  t.next_batch = [rng] { return tiny_batch(8, *rng); };
  t.loss_steps = Steps::kLast;
  t.probe = tiny_batch(10, *rng);
  t.kernel_probe = tiny_batch(4, *rng);
  t.kernel_steps = Steps::kLast;
  return t;
}

TEST(LoadOrTrainTeacher, TrainsOnceThenLoadsTheSameParametersFromTheCache) {
  const std::string root = "/tmp/rl_test_aligned_rnn_" + std::to_string(::getpid());
  TeacherSpec spec;
  spec.seed = 3;
  spec.N = 6;
  spec.gain = 1.0;
  spec.train.net = tiny_net(6);
  spec.train.iters = 20;
  spec.train.sgd.lr = 0.01;
  const auto make_task = tiny_task;
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

// Before the fix a NaN in a cached W_h.npy loaded silently and the students failed later with
// "logits are not finite", naming no file.
TEST(LoadOrTrainTeacher, NonFiniteCachedWeightIsNamedAsADamagedCache) {
  const std::string root = "/tmp/rl_test_teacher_nan_" + std::to_string(::getpid());
  TeacherSpec spec;
  spec.N = 6;
  spec.train.net = tiny_net(6);
  spec.train.iters = 5;
  spec.train.sgd.lr = 0.01;
  const auto make_task = tiny_task;
  const std::string folder = teacher_folder(root, spec);
  Teacher trained = load_or_train_teacher(spec, folder, make_task);
  trained.params.W_h(2, 3) = std::nan("");
  save_npy(folder + "/W_h.npy", trained.params.W_h);
  try {
    load_or_train_teacher(spec, folder, make_task);
    ADD_FAILURE() << "a NaN in the cached W_h was accepted";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(folder + "/W_h.npy: damaged teacher cache"), std::string::npos) << msg;
    EXPECT_NE(msg.find("delete " + folder), std::string::npos) << msg;
  }
  std::filesystem::remove_all(root);
}

TEST(TeacherFolder, IsKeyedByEverySettingAtFullPrecision) {
  // Issue 15 defect 5: the key left out --momentum and printed numbers with 6 digits.
  TeacherSpec a;
  a.train.net = tiny_net(100);
  a.train.sgd.lr = 0.003;
  TeacherSpec b = a;
  b.train.sgd.momentum = 0.5;
  EXPECT_NE(teacher_folder("t", a), teacher_folder("t", b));
  TeacherSpec c = a;
  c.train.sgd.lr = 0.0030000001;  // equal to 6 digits
  EXPECT_NE(teacher_folder("t", a), teacher_folder("t", c));
  TeacherSpec d = a;
  d.gain = 1.2500001;
  EXPECT_NE(teacher_folder("t", a), teacher_folder("t", d));
  EXPECT_NE(teacher_key(a).find("momentum=0.90000000000000002"), std::string::npos) << teacher_key(a);
  EXPECT_NE(teacher_key(a).find("lr=0.0030000000000000001"), std::string::npos) << teacher_key(a);
}

}  // namespace
}  // namespace rl
