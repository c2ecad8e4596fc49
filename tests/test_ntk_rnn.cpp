// Tests for nn/ntk_rnn, from tiny hand-computed cases up: a scalar network's kernel by hand; the
// reference (K = J J^T, J from one backward pass per output) against central differences; each of the
// three contraction orders of the fast path (error Gram, Jacobian blocks, trial pairs) against J J^T with
// J from central differences (tiny networks) and against the reference (medium networks), for relu and
// tanh, alpha = 1 and 0.5, all steps and last step, W_h only and all parameters; the cost-based choice.
#include "nn/ntk_rnn.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "linalg/gemm.h"
#include "tests/rnn_test_helpers.h"
#include "test_helpers.h"

namespace rl {
namespace {

using rl::testing::MatricesNear;
using rl::testing::random_inputs;
using rl::testing::random_matrix;
using rl::testing::random_rnn_params;

Matrix gram(const Matrix& J) {
  Matrix K(J.rows(), J.rows());
  gemm(Trans::kNo, Trans::kYes, 1.0, J, J, 0.0, K);
  return K;
}

const char* path_name(NtkPath path) {
  return path == NtkPath::kErrorGram ? "error Gram" : path == NtkPath::kJacobianBlocks ? "Jacobian blocks" : "trial pairs";
}

// The selected outputs as one vector, in the kernel's row order.
std::vector<double> selected_outputs(const RnnParams& p, const RnnConfig& c, const SeqBatch& s,
                                     Steps steps, std::vector<unsigned char>* relu_on) {
  const RnnTrace tr = rnn_forward(p, c, s);
  if (relu_on) {
    relu_on->clear();
    for (double u : tr.pre.values()) relu_on->push_back(u > 0.0);
  }
  std::vector<double> y;
  const std::size_t t0 = steps == Steps::kAll ? 0 : s.T - 1;
  for (std::size_t t = t0; t < s.T; ++t)
    for (std::size_t b = 0; b < s.B; ++b)
      for (std::size_t k = 0; k < c.K; ++k) y.push_back(tr.y(t * s.B + b, k));
  return y;
}

// J by central differences, columns in rnn_output_jacobian's order.  Fails the test if a step crosses
// a ReLU kink (the difference would then be meaningless).
Matrix finite_difference_jacobian(RnnParams p, const RnnConfig& c, const SeqBatch& s, NtkWrt wrt,
                                  Steps steps) {
  std::vector<Matrix*> blocks;
  if (wrt == NtkWrt::kAllParameters) blocks = {&p.W_in, &p.W_h, &p.W_out};
  else blocks = {&p.W_h};
  std::vector<unsigned char> on0, on_p, on_m;
  const std::size_t R = selected_outputs(p, c, s, steps, &on0).size();
  std::size_t cols = 0;
  for (Matrix* m : blocks) cols += m->size();
  Matrix J(R, cols);
  std::size_t col = 0;
  for (Matrix* m : blocks)
    for (double& w : m->values()) {
      const double w0 = w, h = 1e-6 * std::max(1.0, std::fabs(w0));
      w = w0 + h;
      const std::vector<double> yp = selected_outputs(p, c, s, steps, &on_p);
      w = w0 - h;
      const std::vector<double> ym = selected_outputs(p, c, s, steps, &on_m);
      w = w0;
      if (c.activation == Activation::kRelu) {
        EXPECT_TRUE(on_p == on0 && on_m == on0) << "kink at column " << col;
      }
      for (std::size_t a = 0; a < R; ++a) J(a, col) = (yp[a] - ym[a]) / (2 * h);
      ++col;
    }
  return J;
}

// N = n_in = K = 1, alpha = 1, relu, W_in = 2, W_h = 0.5, W_out = 3, x = (1, 1), B = 1, T = 2.
// h_0 = 2 and u_1 = 3 > 0; y_0 does not depend on W_h, dy_1/dW_h = W_out h_0 = 6, so
// J = [0; 6] and K = J J^T = [[0, 0], [0, 36]].  With W_in too: dy_0/dW_in = W_out x_0 = 3,
// dy_1/dW_in = W_out (x_1 + W_h x_0) = 4.5; with W_out: dy_t/dW_out = h_t = (2, 3).
TEST(RnnNtk, ScalarNetworkKernelByHand) {
  const RnnConfig c{1, 1, 1, 1.0, Activation::kRelu};
  const RnnParams p{Matrix::from_rows({{2.0}}), Matrix::from_rows({{0.5}}), Matrix::from_rows({{3.0}})};
  const SeqBatch s{2, 1, Matrix::from_rows({{1.0}, {1.0}}), {}};
  const Matrix K_wh = Matrix::from_rows({{0.0, 0.0}, {0.0, 36.0}});
  // All parameters: J = [[3, 0, 2], [4.5, 6, 3]] (columns W_in, W_h, W_out).
  const Matrix K_all = Matrix::from_rows({{9.0 + 4.0, 13.5 + 6.0}, {13.5 + 6.0, 20.25 + 36.0 + 9.0}});
  // The reference on the same case: RnnNtkReference.ScalarNetworkKernelByHand.
  for (NtkPath path : {NtkPath::kErrorGram, NtkPath::kJacobianBlocks, NtkPath::kTrialPairs}) {
    NtkOptions o;
    o.path = path;
    EXPECT_TRUE(MatricesNear(rnn_tangent_kernel(p, c, s, o).K, K_wh, 1e-14)) << path_name(path);
    o.wrt = NtkWrt::kAllParameters;
    EXPECT_TRUE(MatricesNear(rnn_tangent_kernel(p, c, s, o).K, K_all, 1e-14)) << path_name(path);
  }
}

// Graded (A4, rung 1): the reference K = J J^T on the scalar network above, by hand.
TEST(RnnNtkReference, ScalarNetworkKernelByHand) {
  const RnnConfig c{1, 1, 1, 1.0, Activation::kRelu};
  const RnnParams p{Matrix::from_rows({{2.0}}), Matrix::from_rows({{0.5}}), Matrix::from_rows({{3.0}})};
  const SeqBatch s{2, 1, Matrix::from_rows({{1.0}, {1.0}}), {}};
  const Matrix J_all = Matrix::from_rows({{3.0, 0.0, 2.0}, {4.5, 6.0, 3.0}});  // columns W_in, W_h, W_out
  const Matrix K_wh = Matrix::from_rows({{0.0, 0.0}, {0.0, 36.0}});
  const Matrix K_all = Matrix::from_rows({{13.0, 19.5}, {19.5, 65.25}});
  const char* where = " (docs/ntk.md#what-is-computed: K = J J^T is (R, R) over the R = T B K outputs; "
                      "J has one row per output, one column per parameter entry)";
  const Matrix J = rnn_output_jacobian(p, c, s, NtkWrt::kAllParameters, Steps::kAll);
  EXPECT_TRUE(MatricesNear(J, J_all, 1e-14)) << "J expected [[3, 0, 2], [4.5, 6, 3]] (rows y_0, y_1), got "
                                             << shape_str(J) << where;
  for (NtkWrt wrt : {NtkWrt::kRecurrent, NtkWrt::kAllParameters}) {
    const Matrix K = rnn_tangent_kernel_reference(p, c, s, wrt, Steps::kAll);
    const Matrix& want = wrt == NtkWrt::kRecurrent ? K_wh : K_all;
    ASSERT_EQ(K.rows(), 2u) << "K must be (2 x 2), one row per output y_0, y_1; got " << shape_str(K)
                            << (K.rows() == (wrt == NtkWrt::kRecurrent ? 1u : 3u) ? " = J^T J, not J J^T" : "")
                            << where;
    ASSERT_EQ(K.cols(), 2u) << "K must be (2 x 2); got " << shape_str(K) << where;
    EXPECT_TRUE(MatricesNear(K, want, 1e-14))
        << (wrt == NtkWrt::kRecurrent ? "W_h only: J = [0; 6], K = [[0, 0], [0, 36]]"
                                      : "all parameters: K = [[13, 19.5], [19.5, 65.25]]")
        << where;
  }
}

// The first entry where got differs from want, named by output (step t, trial b, output k) and column
// (which parameter entry); "" when none does.  Outputs a = (t B + b) K + k; columns W_in, W_h, W_out.
std::string first_jacobian_mismatch(const Matrix& got, const Matrix& want, std::size_t B, std::size_t K,
                                    const std::vector<std::pair<const char*, std::size_t>>& blocks) {
  if (got.rows() != want.rows() || got.cols() != want.cols())
    return "shape " + shape_str(got) + ", expected " + shape_str(want);
  for (std::size_t a = 0; a < want.rows(); ++a)
    for (std::size_t j = 0; j < want.cols(); ++j)
      if (!(std::fabs(got(a, j) - want(a, j)) <= 1e-12)) {
        std::size_t col = j, block = 0;
        while (block + 1 < blocks.size() && col >= blocks[block].second) col -= blocks[block++].second;
        std::ostringstream o;
        o << "row a = " << a << " (output of step t = " << a / K / B << ", trial b = " << a / K % B << ", k = "
          << a % K << "), column " << j << " (" << blocks[block].first << " entry " << col << "): expected "
          << want(a, j) << ", got " << got(a, j);
        return o.str();
      }
  return "";
}

// Graded (A4, rung 2): a hand case that can see the usual bugs: N = 2 units, n_in = 3 inputs (W_in is
// 2 x 3: a transpose cannot fit), K = 2 outputs, B = 2 trials, T = 2 steps, alpha = 1, relu with every
// pre-activation positive (so y is a polynomial in the weights and J is exact):
//   W_in = [[1, 0, 1], [0, 1, 1]], W_h = [[0, 1], [0.5, 0]], W_out = [[1, 0], [1, 2]],
//   x (time-major rows t B + b) = (1, 0, 1), (0, 1, 1), (0, 0, 1), (1, 1, 0).
// h_0 = W_in x_0: trial 0 (2, 1), trial 1 (1, 2); h_1 = W_in x_1 + W_h h_0: (2, 2), (3, 1.5).
// dy_t,k / dW_out(k, i) = h_t(i); dy_t,k / dW_in(i, j) = W_out(k, i) x_t(j) + [t = 1] (W_out W_h)(k, i) x_0(j);
// dy_1,k / dW_h(i, j) = W_out(k, i) h_0(j) and dy_0 does not depend on W_h.  K = J J^T.
TEST(RnnNtkReference, TwoUnitsTwoTrialsTwoStepsByHand) {
  const RnnConfig c{3, 2, 2, 1.0, Activation::kRelu};
  const RnnParams p{Matrix::from_rows({{1, 0, 1}, {0, 1, 1}}), Matrix::from_rows({{0, 1}, {0.5, 0}}),
                    Matrix::from_rows({{1, 0}, {1, 2}})};
  const SeqBatch s{2, 2, Matrix::from_rows({{1, 0, 1}, {0, 1, 1}, {0, 0, 1}, {1, 1, 0}}), {}};
  const Matrix J_all = Matrix::from_rows({{1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0},
                                          {1, 0, 1, 2, 0, 2, 0, 0, 0, 0, 0, 0, 2, 1},
                                          {0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0},
                                          {0, 1, 1, 0, 2, 2, 0, 0, 0, 0, 0, 0, 1, 2},
                                          {0, 0, 1, 1, 0, 1, 2, 1, 0, 0, 2, 2, 0, 0},
                                          {1, 0, 2, 1, 0, 3, 2, 1, 4, 2, 0, 0, 2, 2},
                                          {1, 1, 0, 0, 1, 1, 1, 2, 0, 0, 3, 1.5, 0, 0},
                                          {1, 2, 1, 2, 3, 1, 1, 2, 2, 4, 0, 0, 3, 1.5}});
  const Matrix K_all = Matrix::from_rows({{7, 2, 5, 1, 7, 3, 8.5, 2},
                                          {2, 15, 1, 9, 5, 17, 3, 15.5},
                                          {5, 1, 7, 2, 7, 2, 7, 3},
                                          {1, 9, 2, 15, 3, 14, 5, 17},
                                          {7, 5, 7, 3, 16, 11, 14, 8},
                                          {3, 17, 2, 14, 11, 48, 8, 37},
                                          {8.5, 3, 7, 5, 14, 8, 20.25, 12},
                                          {2, 15.5, 3, 17, 8, 37, 12, 56.25}});
  // W_h only: the four step-0 rows of J are 0; rows of step 1 are W_out(k, i) h_0(j).
  const Matrix K_wh = Matrix::from_rows({{0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0},
                                         {0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0},
                                         {0, 0, 0, 0, 5, 5, 4, 4}, {0, 0, 0, 0, 5, 25, 4, 20},
                                         {0, 0, 0, 0, 4, 4, 5, 5}, {0, 0, 0, 0, 4, 20, 5, 25}});
  const char* where = " (docs/ntk.md#what-is-computed: output a = (t B + b) K + k; J's columns W_in, W_h, W_out, "
                      "row-major entries)";
  // The earliest step first: J, then K from it.
  const std::string bad_j = first_jacobian_mismatch(rnn_output_jacobian(p, c, s, NtkWrt::kAllParameters, Steps::kAll),
                                                    J_all, 2, 2, {{"W_in", 6}, {"W_h", 4}, {"W_out", 4}});
  ASSERT_EQ(bad_j, "") << "J (all parameters): " << bad_j << where;
  for (NtkWrt wrt : {NtkWrt::kAllParameters, NtkWrt::kRecurrent}) {
    const Matrix K = rnn_tangent_kernel_reference(p, c, s, wrt, Steps::kAll);
    const std::string bad_k = first_jacobian_mismatch(K, wrt == NtkWrt::kRecurrent ? K_wh : K_all, 2, 2, {{"output", 8}});
    EXPECT_EQ(bad_k, "") << (wrt == NtkWrt::kRecurrent ? "K (W_h only): " : "K (all parameters): ") << bad_k
                         << (K.rows() == 14 || K.rows() == 4 ? ": J^T J, not J J^T" : "") << where;
  }
}

TEST(RnnNtk, SingleStepHasZeroRecurrentKernel) {
  // T = 1: h_{-1} = 0, so y does not depend on W_h.
  const RnnConfig c{2, 4, 2, 1.0, Activation::kTanh};
  const NtkResult r = rnn_tangent_kernel(random_rnn_params(c, 71), c, random_inputs(1, 3, 2, 72));
  EXPECT_EQ(max_abs(r.K), 0.0);
  EXPECT_EQ(r.K.rows(), 6u);
}

// Graded (A4, rung 3): B = 2 trials, K = 3 outputs, 3 steps -- every output index (step, trial, k).
TEST(RnnNtkReference, OneBackwardPerOutputJacobianMatchesFiniteDifferences) {
  const RnnConfig c{2, 5, 3, 0.5, Activation::kTanh};
  const RnnParams p = random_rnn_params(c, 51);
  const SeqBatch s = random_inputs(3, 2, c.n_in, 52);
  // The paper's kernel is the W_h one (docs/ntk.md#what-is-computed); the all-parameter one is ours.
  for (NtkWrt wrt : {NtkWrt::kRecurrent, NtkWrt::kAllParameters}) {
    const char* which = wrt == NtkWrt::kRecurrent ? "W_h kernel" : "all-parameter kernel";
    EXPECT_TRUE(MatricesNear(rnn_output_jacobian(p, c, s, wrt, Steps::kAll),
                             finite_difference_jacobian(p, c, s, wrt, Steps::kAll), 1e-8))
        << which << ": row a of J must be the gradient of output a = (t B + b) K + k alone: one backward pass "
           "with dY = e_a at row t B + b, column k (docs/ntk.md#n1-structure-of-one-jacobian-row)";
    EXPECT_TRUE(MatricesNear(rnn_tangent_kernel_reference(p, c, s, wrt, Steps::kAll),
                             gram(rnn_output_jacobian(p, c, s, wrt, Steps::kAll)), 1e-13))
        << which;
  }
}

struct NtkCase {
  Activation activation;
  double alpha;
  Steps steps;
  NtkWrt wrt;
};

// "relu_alpha0p5_laststep_wh": GoogleTest names must be alphanumeric or underscore.
std::string ntk_case_name(const ::testing::TestParamInfo<NtkCase>& info) {
  const NtkCase& n = info.param;
  return std::string(n.activation == Activation::kRelu ? "relu" : "tanh") +
         (n.alpha == 1.0 ? "_alpha1" : "_alpha0p5") + (n.steps == Steps::kAll ? "_allsteps" : "_laststep") +
         (n.wrt == NtkWrt::kRecurrent ? "_wh" : "_allparams");
}

class RnnNtk : public ::testing::TestWithParam<NtkCase> {};

TEST_P(RnnNtk, EveryPathEqualsFiniteDifferenceKernelOnTinyNetwork) {
  const NtkCase nc = GetParam();
  const RnnConfig c{2, 4, 2, nc.alpha, nc.activation};
  const RnnParams p = random_rnn_params(c, 31);
  const SeqBatch s = random_inputs(4, 3, c.n_in, 32);
  const Matrix K_fd = gram(finite_difference_jacobian(p, c, s, nc.wrt, nc.steps));
  // Central-difference error ~ h^2 |y'''| + eps |y| / h ~ 1e-10 per Jacobian entry, O(1) entries.
  const double kFdTol = 1e-8;
  for (NtkPath path : {NtkPath::kErrorGram, NtkPath::kJacobianBlocks, NtkPath::kTrialPairs}) {
    NtkOptions o;
    o.wrt = nc.wrt;
    o.steps = nc.steps;
    o.path = path;
    const NtkResult r = rnn_tangent_kernel(p, c, s, o);
    EXPECT_EQ(r.path, path);
    EXPECT_TRUE(MatricesNear(r.K, K_fd, kFdTol)) << path_name(path);
  }
}

// Graded (A4, rung 4, for the reference): all steps and the last step only, W_h and all parameters.
TEST_P(RnnNtk, EveryPathEqualsTheReferenceKernelOnMediumNetwork) {
  const NtkCase nc = GetParam();
  const RnnConfig c{3, 24, 3, nc.alpha, nc.activation};
  const RnnParams p = random_rnn_params(c, 41);
  const SeqBatch s = random_inputs(6, 5, c.n_in, 42);
  const Matrix K_ref = rnn_tangent_kernel_reference(p, c, s, nc.wrt, nc.steps);
  // Same sums in a different order: rounding ~ (terms) * eps * max|K|.
  const double tol = 1e3 * rl::testing::kEps * std::max(1.0, max_abs(K_ref));
  NtkOptions o;
  o.wrt = nc.wrt;
  o.steps = nc.steps;
  o.path = NtkPath::kErrorGram;
  EXPECT_TRUE(MatricesNear(rnn_tangent_kernel(p, c, s, o).K, K_ref, tol))
      << "error Gram path vs the reference" << (nc.steps == Steps::kLast
             ? " (last step only: output rows come from step T - 1, L.step_of(0), docs/ntk.md#what-is-computed)"
             : "");
  o.path = NtkPath::kJacobianBlocks;
  o.block_bytes = 7 * 3 * sizeof(double) * 24 * 27;  // 7 groups per block: several blocks, ragged end
  EXPECT_TRUE(MatricesNear(rnn_tangent_kernel(p, c, s, o).K, K_ref, tol)) << "J blocks";
  o.path = NtkPath::kTrialPairs;
  o.trials_per_block = 2;  // blocks of 2, 2, 1 trials: a ragged last block
  EXPECT_TRUE(MatricesNear(rnn_tangent_kernel(p, c, s, o).K, K_ref, tol)) << "trial pairs";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RnnNtk,
    ::testing::Values(NtkCase{Activation::kRelu, 1.0, Steps::kAll, NtkWrt::kRecurrent},
                      NtkCase{Activation::kRelu, 1.0, Steps::kLast, NtkWrt::kRecurrent},
                      NtkCase{Activation::kRelu, 0.5, Steps::kAll, NtkWrt::kRecurrent},
                      NtkCase{Activation::kTanh, 1.0, Steps::kAll, NtkWrt::kRecurrent},
                      NtkCase{Activation::kTanh, 0.5, Steps::kLast, NtkWrt::kRecurrent},
                      NtkCase{Activation::kRelu, 0.5, Steps::kLast, NtkWrt::kAllParameters},
                      NtkCase{Activation::kTanh, 1.0, Steps::kAll, NtkWrt::kAllParameters},
                      NtkCase{Activation::kTanh, 0.5, Steps::kAll, NtkWrt::kAllParameters}),
    ntk_case_name);

TEST(RnnNtkCost, PrefersErrorGramOnNeurogymAndTrialPairsOnSequentialMnist) {
  // Neurogym (docs/paper.md#measures): N = 300, T = 8, B = 32, K = 3, all steps -> 768 rows.
  const RnnConfig ng{3, 300, 3, 1.0, Activation::kRelu};
  const NtkCosts a = ntk_costs(ng, 8, 32, NtkOptions{});
  EXPECT_LT(a.error_gram * 10, a.jacobian_blocks);
  EXPECT_LT(a.error_gram, a.trial_pairs_weighted);
  // sMNIST: T = 28, B = 200, K = 10, last step -> 2000 rows.
  const RnnConfig sm{28, 300, 10, 1.0, Activation::kRelu};
  NtkOptions last;
  last.steps = Steps::kLast;
  const NtkCosts b = ntk_costs(sm, 28, 200, last);
  EXPECT_LT(b.jacobian_blocks, b.error_gram);
  EXPECT_LT(b.trial_pairs_weighted, b.jacobian_blocks);
}

TEST(RnnNtkCost, RejectsEmptyShapes) {
  const RnnConfig c{2, 6, 2, 1.0, Activation::kRelu};
  EXPECT_THROW(ntk_costs(c, 0, 4, NtkOptions{}), std::invalid_argument);
  EXPECT_THROW(ntk_costs(c, 3, 0, NtkOptions{}), std::invalid_argument);
}

TEST(RnnNtkCost, AutoPathTakesTheCheaperOrder) {
  const RnnConfig c{2, 6, 2, 1.0, Activation::kRelu};
  const RnnParams p = random_rnn_params(c, 61);
  const NtkResult r = rnn_tangent_kernel(p, c, random_inputs(3, 2, 2, 62));
  const double cheapest =
      std::min({r.costs.error_gram, r.costs.jacobian_blocks, r.costs.trial_pairs_weighted});
  const double chosen = r.path == NtkPath::kErrorGram        ? r.costs.error_gram
                        : r.path == NtkPath::kJacobianBlocks ? r.costs.jacobian_blocks
                                                             : r.costs.trial_pairs_weighted;
  EXPECT_EQ(chosen, cheapest);
}

}  // namespace
}  // namespace rl
