// The ladder for the reference CT-RNN (nn/rnn.cpp, rnn_forward_reference / rnn_backward_reference;
// assignment A3, docs/assignments/A3-rnn-bptt.md), the rungs tests/test_rnn.cpp does not hold:
//   - the backward pass by hand at alpha = 0.5, where the (1 - alpha) carry matters (at alpha = 1 it
//     vanishes, so RnnBackward.MatchesHandComputedScalarGradients cannot see it);
//   - the reference gradients against central differences of the reference forward pass;
//   - gradients are ADDED to what the caller passes in.
// Every test here calls only the reference functions, never the fast path.
#include <gtest/gtest.h>

#include <cmath>

#include "nn/gradcheck.h"
#include "nn/rnn.h"
#include "tests/rnn_test_helpers.h"
#include "test_helpers.h"

namespace rl {
namespace {

using rl::testing::random_inputs;
using rl::testing::random_matrix;
using rl::testing::random_rnn_params;

// Graded (A3, rung 2).  Two units, two trials, two steps, non-square W_in (2 x 1) and W_out (1 x 2), so a
// state updated in place (unit 1 reading unit 0's NEW state), a state carried from one trial into the
// next, or a transposed W_h each change a value (one unit and one trial hide all three).
// alpha = 0.5, relu, W_in = (1, 2)^T, W_h = [[0, 1], [0.5, 0]], W_out = (1, -1); x: trial 0 (1, 0), trial 1 (2, 1).
//   t = 0, b = 0: u = 0.5 W_in 1 = (0.5, 1), h = u, y = 0.5 - 1 = -0.5
//   t = 1, b = 0: W_h h_0 = (1, 0.25), u = 0.5 (0.5, 1) + 0.5 (1, 0.25) = (0.75, 0.625), y = 0.125
//   t = 0, b = 1: u = 0.5 W_in 2 = (1, 2) (h_{-1} = 0 again for the new trial), y = -1
//   t = 1, b = 1: W_in 1 + W_h h_0 = (1 + 2, 2 + 0.5), u = 0.5 (1, 2) + 0.5 (3, 2.5) = (2, 2.25), y = -0.25
TEST(RnnReference, ForwardTwoUnitsTwoTrialsByHand) {
  const RnnConfig c{1, 2, 1, 0.5, Activation::kRelu};
  const RnnParams p{Matrix::from_rows({{1.0}, {2.0}}), Matrix::from_rows({{0.0, 1.0}, {0.5, 0.0}}),
                    Matrix::from_rows({{1.0, -1.0}})};
  const SeqBatch s{2, 2, Matrix::from_rows({{1.0}, {2.0}, {0.0}, {1.0}}), {}};  // rows t * B + b
  const RnnTrace tr = rnn_forward_reference(p, c, s);
  ASSERT_EQ(tr.pre.rows(), 4u) << "tr.pre must be (T*B, N) = (4, 2)";
  ASSERT_EQ(tr.pre.cols(), 2u) << "tr.pre must be (T*B, N) = (4, 2)";
  ASSERT_EQ(tr.y.cols(), 1u) << "tr.y must be (T*B, K) = (4, 1)";
  const double want_u[4][2] = {{0.5, 1.0}, {1.0, 2.0}, {0.75, 0.625}, {2.0, 2.25}};  // row t * B + b
  const double want_y[4] = {-0.5, -1.0, 0.125, -0.25};
  for (std::size_t row = 0; row < 4; ++row) {
    for (std::size_t i = 0; i < 2; ++i)
      if (tr.pre(row, i) != want_u[row][i]) {
        ADD_FAILURE() << "u at step t = " << row / 2 << ", trial b = " << row % 2 << ", unit " << i
                      << ": expected " << want_u[row][i] << " (by hand), got " << tr.pre(row, i)
                      << " -- each trial starts from h_{-1} = 0, and step t reads h_{t-1} of EVERY unit, "
                         "not the new values of the units already updated (docs/bptt.md#1-the-model)";
        return;
      }
    if (tr.y(row, 0) != want_y[row]) {
      ADD_FAILURE() << "y at step t = " << row / 2 << ", trial b = " << row % 2 << ": expected " << want_y[row]
                    << " (by hand), got " << tr.y(row, 0) << " -- y_t = W_out h_t (docs/bptt.md#1-the-model)";
      return;
    }
  }
}

// Graded (A3, rung 3).  N = n_in = K = 1, alpha = 0.5, relu, W_in = 2, W_h = 0.5, W_out = 3,
// x = (1, 1), L = y_1 (dY = (0, 1)).
// Forward: u_0 = 0.5 * 2 = 1, h_0 = 1;  u_1 = 0.5 * 1 + 0.5 (2 + 0.5 * 1) = 1.75 = h_1, y_1 = 5.25.
// Backward: delta_1 = W_out = 3;  dW_out = h_1 = 1.75;  dW_h = alpha delta_1 h_0 = 1.5;
//   carry = dL/dh_0 = (1 - alpha) delta_1 + alpha W_h delta_1 = 1.5 + 0.75 = 2.25 = delta_0;
//   dW_in = alpha (delta_1 x_1 + delta_0 x_0) = 0.5 (3 + 2.25) = 2.625.
// Without the (1 - alpha) carry, delta_0 = 0.75 and dW_in = 1.875.
TEST(RnnReference, BackwardCarriesTheLeakAtHalfAlpha) {
  const RnnConfig c{1, 1, 1, 0.5, Activation::kRelu};
  const RnnParams p{Matrix::from_rows({{2.0}}), Matrix::from_rows({{0.5}}), Matrix::from_rows({{3.0}})};
  const SeqBatch s{2, 1, Matrix::from_rows({{1.0}, {1.0}}), {}};
  const Matrix dY = Matrix::from_rows({{0.0}, {1.0}});
  RnnParams g = zero_params(c);
  rnn_backward_reference(p, c, s, rnn_forward_reference(p, c, s), dY, g);
  EXPECT_DOUBLE_EQ(g.W_out(0, 0), 1.75) << "dW_out = h_1 = 1.75 expected, got " << g.W_out(0, 0);
  EXPECT_DOUBLE_EQ(g.W_h(0, 0), 1.5) << "dW_h = alpha delta_1 h_0 = 1.5 expected, got " << g.W_h(0, 0);
  EXPECT_DOUBLE_EQ(g.W_in(0, 0), 2.625)
      << "dW_in = 2.625 expected (by hand), got " << g.W_in(0, 0)
      << (g.W_in(0, 0) == 1.875 ? " = the value without the (1 - alpha) carry" : "")
      << ": dL/dh_{t-1} = (1 - alpha) delta_t + alpha W_h^T delta_t -- u_t holds (1 - alpha) h_{t-1}, "
         "so BPTT carries (1 - alpha) delta_t back besides the W_h^T path "
         "(docs/bptt.md#4-hand-derivation, step (4))";
}

// L = sum_{rows, k} D(row, k) y(row, k) for a fixed random D: dL/dy = D, so the backward pass is called
// with dY = D, and every output of every step contributes.
double linear_loss(const Matrix& y, const Matrix& D) {
  double l = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) l += D.values()[i] * y.values()[i];
  return l;
}

// Graded (A3, rung 4).  Every entry of W_in, W_h, W_out against central differences of the REFERENCE
// forward pass, for relu and tanh at alpha = 1 and 0.5 (N = 5 units: the W_h^T of the carry matters).
TEST(RnnReference, GradientsMatchCentralDifferences) {
  for (Activation act : {Activation::kRelu, Activation::kTanh})
    for (double alpha : {1.0, 0.5}) {
      const RnnConfig c{3, 5, 2, alpha, act};
      RnnParams p = random_rnn_params(c, 91);
      const SeqBatch s{4, 2, random_matrix(4 * 2, c.n_in, 92), {}};
      const Matrix D = random_matrix(4 * 2, c.K, 93);
      RnnParams g = zero_params(c);
      rnn_backward_reference(p, c, s, rnn_forward_reference(p, c, s), D, g);
      const LossFn loss = [&] { return linear_loss(rnn_forward_reference(p, c, s).y, D); };
      PatternFn pattern;
      if (act == Activation::kRelu)
        pattern = [&] {
          const RnnTrace tr = rnn_forward_reference(p, c, s);
          std::vector<unsigned char> on(tr.pre.size());
          for (std::size_t i = 0; i < on.size(); ++i) on[i] = tr.pre.values()[i] > 0.0;
          return on;
        };
      GradcheckOptions opt;
      opt.names = rnn_parameter_names();
      Rng rng(94);
      const GradcheckReport rep =
          check_gradient(loss, parameter_list(p), {g.W_in, g.W_h, g.W_out}, opt, pattern, rng);
      EXPECT_TRUE(rep.passed()) << (act == Activation::kRelu ? "relu" : "tanh") << ", alpha = " << alpha
                                << " (dW_h or dW_in wrong with dW_out right: step (4), the carry through W_h^T, "
                                   "docs/bptt.md#4-hand-derivation): "
                                << rep.summary();
    }
}

// Graded (A3, rung 5).  The backward pass ADDS to the gradients it is given (mini-batches are summed
// by calling it again): two calls on zeroed gradients give twice one call.
TEST(RnnReference, BackwardAddsToTheGradientsItIsGiven) {
  const RnnConfig c{2, 3, 2, 0.5, Activation::kTanh};
  const RnnParams p = random_rnn_params(c, 95);
  const SeqBatch s{3, 2, random_matrix(3 * 2, c.n_in, 96), {}};
  const Matrix D = random_matrix(3 * 2, c.K, 97);
  const RnnTrace tr = rnn_forward_reference(p, c, s);
  RnnParams once = zero_params(c), twice = zero_params(c);
  rnn_backward_reference(p, c, s, tr, D, once);
  rnn_backward_reference(p, c, s, tr, D, twice);
  rnn_backward_reference(p, c, s, tr, D, twice);
  const double tol = 1e-14 * std::max(1.0, max_abs(once.W_h));
  EXPECT_TRUE(rl::testing::MatricesNear(twice.W_h, 2.0 * once.W_h, tol))
      << "two calls must give twice one call: rnn_backward_reference adds (+=) to grads, it never zeroes "
         "or overwrites them (the caller zeroes; docs/bptt.md#3-the-reference-and-tiny-hand-cases)";
  EXPECT_TRUE(rl::testing::MatricesNear(twice.W_in, 2.0 * once.W_in, tol)) << "dW_in: see dW_h";
  EXPECT_TRUE(rl::testing::MatricesNear(twice.W_out, 2.0 * once.W_out, tol)) << "dW_out: see dW_h";
}

}  // namespace
}  // namespace rl
