// The fingerprint of kResultsRevision (nn/results_revision.h): tiny runs of each training engine,
// compared with the numbers recorded when the revision was set.  When this test fails, a change
// altered trained numbers: if that was meant, bump kResultsRevision, say why in its history, and
// paste the printed values below; committed records (docs/records/) made before it will then be
// refused on resume and must be rerun (docs/records/README.md#results-revision).
#include "nn/results_revision.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "linalg/norms.h"
#include "nn/init.h"
#include "nn/measures.h"
#include "nn/two_layer_linear.h"
#include "nn/relu_experiment.h"
#include "nn/rnn_experiment.h"
#include "tasks/paper_probe.h"
#include "tasks/student_teacher.h"
#include "theory/linear_setup.h"

namespace rl {
namespace {

// Compared to 1e-8 relative: rounding differences between instruction sets stay near 1e-13 after
// these few iterations, any change to the model or the optimiser moves them by far more.
constexpr double kRelativeTolerance = 1e-8;

std::vector<double> rnn_fingerprint() {
  RnnTaskSetup task = neurogym_setup("2af", 11);
  RnnTrainConfig config;
  const std::size_t N = 24;
  config.net = {task.n_in, N, task.n_out, 1.0, Activation::kRelu};
  config.iters = 150;
  Rng rng(5);
  RnnParams init = paper_io_init(task.n_in, N, task.n_out, rng);
  init.W_h = low_rank_init(gaussian_init(N, N, 1.25, rng), 3);
  const RnnRunResult r = run_rnn_experiment(config, init, task);
  return {r.weight_change, r.representation_alignment, r.kernel_alignment, r.loss_first, r.loss_final,
          r.plasticity.W_h.path_length};
}

FlatBatch random_batch(std::size_t B, std::size_t d, std::size_t K, Rng& rng) {
  FlatBatch b{Matrix(B, d), std::vector<int>(B)};
  for (std::size_t i = 0; i < B; ++i) {
    for (std::size_t j = 0; j < d; ++j) b.x(i, j) = rng.uniform();
    b.labels[i] = static_cast<int>(rng.below(K));
  }
  return b;
}

std::vector<double> relu_fingerprint() {
  const std::size_t d = 40, N = 30, K = 10;
  Rng rng(9);
  const Matrix W1_base = gaussian_init(N, d, 1.0, rng);
  const TwoLayerRelu init = relu_rank_init(W1_base, 4, pytorch_uniform(K, N, rng));
  ReluProbes probes{random_batch(12, d, K, rng).x, random_batch(5, d, K, rng).x, random_batch(20, d, K, rng)};
  ReluTrainConfig config;
  config.iters = 150;
  const ReluRunResult r = run_relu_experiment(config, init, [&] { return random_batch(16, d, K, rng); }, probes);
  return {r.weight_change, r.representation_alignment, r.kernel_alignment, r.loss_first, r.loss_final};
}

// The two-layer linear student-teacher network of Fig. 3B and 4A, trained by plain gradient descent.
std::vector<double> linear_fingerprint() {
  const std::size_t d = 6, h = 10, n = 10;
  Rng rng(13);
  const Matrix X = whitened_inputs(d, n, rng);
  std::vector<double> w_star(d);
  for (double& w : w_star) w = rng.normal();
  const TwoLayerLinear initial =
      make_two_layer_linear(first_layer_with_spectrum(h, d, flat_spectrum(2), 0.05, rng), pytorch_uniform(1, h, rng) * 0.05);
  TwoLayerLinear net = initial;
  GdOptions gd;
  gd.max_steps = 40;  // early in training: the loss is still far above rounding
  gd.loss_tol = 0.0;  // a fixed number of steps
  const GdResult r = train_gradient_descent(net, X, target_row(w_star, X), gd);
  return {r.final_loss, frobenius_norm(net.W1), frobenius_norm(net.W2),
          kernel_alignment(two_layer_linear_tangent_kernel(initial, X, KernelParams::kBoth),
                           two_layer_linear_tangent_kernel(net, X, KernelParams::kBoth))};
}

void expect_fingerprint(const char* engine, const std::vector<double>& got, const std::vector<double>& recorded) {
  std::string printed;
  for (double v : got) {
    char text[40];
    std::snprintf(text, sizeof text, "%.17g, ", v);
    printed += text;
  }
  ASSERT_EQ(got.size(), recorded.size()) << engine << ": " << printed;
  for (std::size_t k = 0; k < got.size(); ++k)
    EXPECT_NEAR(got[k], recorded[k], kRelativeTolerance * std::abs(recorded[k]))
        << engine << " fingerprint entry " << k << " moved: this build computes {" << printed
        << "}, results revision " << kResultsRevision << " recorded another value.  If the change was meant, bump "
        << "kResultsRevision in nn/results_revision.h and record the new values here (docs/records/README.md#results-revision).";
}

TEST(ResultsRevision, TheRnnEngineStillComputesThisRevisionsNumbers) {
  expect_fingerprint("CT-RNN (2AF, N 24, rank 3, 150 iterations)", rnn_fingerprint(),
                     {0.57302611323023378, 0.96198240841524163, 0.20163035802184551, 0.45742056601514341,
                      0.24160132030095, 0.95386734009769236});
}

TEST(ResultsRevision, TheReluEngineStillComputesThisRevisionsNumbers) {
  expect_fingerprint("two-layer ReLU (d 40, N 30, rank 4, 150 steps)", relu_fingerprint(),
                     {0.37779612858674438, 0.99361062790906385, 0.88648236214713738, 2.321355847517125,
                      2.315805962832874});
}

}  // namespace
}  // namespace rl

namespace rl {
namespace {

TEST(ResultsRevision, TheTwoLayerLinearEngineStillComputesThisRevisionsNumbers) {
  expect_fingerprint("two-layer linear (d 6, h 10, rank 2, 40 steps)", linear_fingerprint(),
                     {0.31552275098228677, 1.3172921624141483, 1.3166356726414254, 0.88695069414570926});
}

}  // namespace
}  // namespace rl
