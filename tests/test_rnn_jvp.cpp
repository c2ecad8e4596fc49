// Tests for nn/rnn_jvp: the forward-mode tangent dy = J(theta) dtheta of the CT-RNN against
//   (1) central finite differences of rnn_forward along dtheta (relu: the step must not cross a kink),
//   (2) J dtheta with J from one reverse-mode backward pass per output (rnn_output_jacobian),
//   (3) the plain per-step reference against the GEMM version,
// for relu and tanh, alpha = 1 and 0.5.  Derivation: docs/linearised.md.
#include "nn/rnn_jvp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/ntk_rnn.h"
#include "tests/rnn_test_helpers.h"
#include "test_helpers.h"

namespace rl {
namespace {

using rl::testing::MatricesNear;
using rl::testing::random_inputs;
using rl::testing::random_matrix;
using rl::testing::random_rnn_params;

struct Case {
  Activation activation;
  double alpha;
  std::string name;
};

const std::vector<Case> kCases = {{Activation::kRelu, 1.0, "relu alpha 1"},
                                  {Activation::kRelu, 0.5, "relu alpha 0.5"},
                                  {Activation::kTanh, 1.0, "tanh alpha 1"},
                                  {Activation::kTanh, 0.5, "tanh alpha 0.5"}};

RnnParams add_scaled(const RnnParams& p, double s, const RnnParams& d) {
  return RnnParams{p.W_in + s * d.W_in, p.W_h + s * d.W_h, p.W_out + s * d.W_out};
}

std::vector<unsigned char> relu_pattern(const RnnTrace& tr) {
  std::vector<unsigned char> on;
  for (double u : tr.pre.values()) on.push_back(u > 0.0);
  return on;
}

// The smallest |u| over every pre-activation: how far the trace is from a ReLU kink.
double kink_margin(const RnnTrace& tr) {
  double m = INFINITY;
  for (double u : tr.pre.values()) m = std::fmin(m, std::fabs(u));
  return m;
}

TEST(RnnJvp, MatchesCentralDifferencesOfTheForwardPass) {
  for (const Case& k : kCases) {
    SCOPED_TRACE(k.name);
    const RnnConfig c{3, 9, 4, k.alpha, k.activation};
    const RnnParams p = random_rnn_params(c, 100);
    const RnnParams d = random_rnn_params(c, 200);  // the direction dtheta, all three blocks
    const SeqBatch s = random_inputs(6, 4, 3, 300);
    const RnnTrace tr = rnn_forward(p, c, s);
    const double eps = 1e-6;
    const RnnTrace plus = rnn_forward(add_scaled(p, eps, d), c, s);
    const RnnTrace minus = rnn_forward(add_scaled(p, -eps, d), c, s);
    if (k.activation == Activation::kRelu) {
      ASSERT_GT(kink_margin(tr), 1e-4) << "inputs too close to a kink for a clean difference";
      ASSERT_TRUE(relu_pattern(plus) == relu_pattern(tr) && relu_pattern(minus) == relu_pattern(tr));
    }
    const Matrix fd = (plus.y - minus.y) * (1.0 / (2.0 * eps));
    const RnnTangent tangent = rnn_jvp(p, d, c, s, tr);
    EXPECT_TRUE(MatricesNear(tangent.dy, fd, 1e-7 * std::fmax(1.0, max_abs(fd))))
        << "forward-mode recursion, docs/linearised.md section 2";
    EXPECT_TRUE(MatricesNear(tangent.dh, (plus.h - minus.h) * (1.0 / (2.0 * eps)), 1e-7));
  }
}

TEST(RnnJvp, EqualsReverseModeJacobianTimesDirection) {
  for (const Case& k : kCases) {
    SCOPED_TRACE(k.name);
    const RnnConfig c{2, 7, 3, k.alpha, k.activation};
    const RnnParams p = random_rnn_params(c, 400);
    const RnnParams d = random_rnn_params(c, 500);
    const SeqBatch s = random_inputs(5, 3, 2, 600);
    // J: one rnn_backward per output, columns [vec W_in, vec W_h, vec W_out], rows (t*B + b)*K + k.
    const Matrix J = rnn_output_jacobian(p, c, s, NtkWrt::kAllParameters, Steps::kAll);
    std::vector<double> v;
    for (const Matrix* m : {&d.W_in, &d.W_h, &d.W_out}) v.insert(v.end(), m->values().begin(), m->values().end());
    const std::vector<double> Jv = matvec(J, v);
    const RnnTangent tangent = rnn_jvp(p, d, c, s, rnn_forward(p, c, s));
    ASSERT_EQ(tangent.dy.size(), Jv.size());
    const Matrix Jv_as_outputs = Matrix::from_vector(tangent.dy.rows(), tangent.dy.cols(), Jv);
    EXPECT_TRUE(MatricesNear(tangent.dy, Jv_as_outputs, 1e-12 * std::fmax(1.0, max_abs(Jv_as_outputs))))
        << "forward mode J v must equal reverse mode's J times v (docs/linearised.md section 3)";
  }
}

TEST(RnnJvp, FastPathAgreesWithThePlainReference) {
  for (const Case& k : kCases) {
    SCOPED_TRACE(k.name);
    const RnnConfig c{5, 37, 6, k.alpha, k.activation};  // N not a multiple of the GEMM tiles
    const RnnParams p = random_rnn_params(c, 700);
    const RnnParams d = random_rnn_params(c, 800);
    const SeqBatch s = random_inputs(7, 9, 5, 900);
    const RnnTrace tr = rnn_forward(p, c, s);
    const RnnTangent ref = rnn_jvp_reference(p, d, c, s, tr);
    RnnTangent fast;
    rnn_jvp(p, d, c, s, tr, fast);
    EXPECT_TRUE(MatricesNear(fast.dh, ref.dh, 1e-12 * std::fmax(1.0, max_abs(ref.dh))));
    EXPECT_TRUE(MatricesNear(fast.dy, ref.dy, 1e-12 * std::fmax(1.0, max_abs(ref.dy))));
    // A reused output whatever it held before gives the same numbers.
    fast.dh.fill(NAN);
    fast.dy.fill(NAN);
    rnn_jvp(p, d, c, s, tr, fast);
    EXPECT_TRUE(MatricesNear(fast.dy, ref.dy, 1e-12 * std::fmax(1.0, max_abs(ref.dy))));
  }
}

TEST(RnnJvp, SingleStepScalarByHand) {
  // N = n_in = K = 1, T = 2, B = 1, relu, alpha = 0.5: W_in = 2, W_h = 0.5, W_out = 3, x = (1, 1).
  // u_0 = 0.5*2 = 1, h_0 = 1; u_1 = 0.5*1 + 0.5*(2 + 0.5) = 1.75, h_1 = 1.75.
  // Direction dW_in = 1, dW_h = 2, dW_out = -1:
  //   dh_0 = 0.5*1 = 0.5;  dh_1 = 0.5*0.5 + 0.5*(1 + 2*1 + 0.5*0.5) = 1.875
  //   dy_0 = -1*1 + 3*0.5 = 0.5;  dy_1 = -1.75 + 3*1.875 = 3.875
  const RnnConfig c{1, 1, 1, 0.5, Activation::kRelu};
  const RnnParams p{Matrix(1, 1, 2.0), Matrix(1, 1, 0.5), Matrix(1, 1, 3.0)};
  const RnnParams d{Matrix(1, 1, 1.0), Matrix(1, 1, 2.0), Matrix(1, 1, -1.0)};
  const SeqBatch s{2, 1, Matrix::from_rows({{1.0}, {1.0}}), {}};
  const RnnTrace tr = rnn_forward(p, c, s);
  for (const RnnTangent& t : {rnn_jvp(p, d, c, s, tr), rnn_jvp_reference(p, d, c, s, tr)}) {
    EXPECT_DOUBLE_EQ(t.dh(0, 0), 0.5);
    EXPECT_DOUBLE_EQ(t.dh(1, 0), 1.875);
    EXPECT_DOUBLE_EQ(t.dy(0, 0), 0.5);
    EXPECT_DOUBLE_EQ(t.dy(1, 0), 3.875);
  }
}

TEST(RnnJvp, RejectsMismatchedShapesAndTraces) {
  const RnnConfig c{2, 4, 3, 1.0, Activation::kTanh};
  const RnnParams p = random_rnn_params(c, 1);
  const SeqBatch s = random_inputs(3, 2, 2, 2);
  const RnnTrace tr = rnn_forward(p, c, s);
  RnnParams bad = p;
  bad.W_h = Matrix(4, 5);
  EXPECT_THROW(rnn_jvp(p, bad, c, s, tr), std::invalid_argument);
  EXPECT_THROW(rnn_jvp_reference(p, bad, c, s, tr), std::invalid_argument);
  const SeqBatch other = random_inputs(4, 2, 2, 3);
  try {
    rnn_jvp(p, p, c, other, tr);
    FAIL() << "expected a trace mismatch";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("trace"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rl
