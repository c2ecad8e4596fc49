// Tests for nn/two_layer_linear: exact values on a tiny net, gradients against central finite
// differences (scalar and vector output), the closed-form tangent kernel against J J^T from finite
// differences (tiny net) and from one backward pass per output (medium net), and the
// gradient-descent loop.
#include "nn/two_layer_linear.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "tests/test_helpers.h"

namespace rl {
namespace {

using rl::testing::MatricesNear;
using rl::testing::random_matrix;

// Central differences in double with step h ~ 1e-5 * scale have truncation error O(h^2) = 1e-10
// (zero here: the loss is quadratic in each weight separately, so the central difference is exact
// up to rounding) and rounding error ~ eps * |L| / h ~ 1e-11.  Combined absolute + relative test.
constexpr double kFdStep = 1e-5;
constexpr double kFdAbsTol = 1e-8;
constexpr double kFdRelTol = 1e-7;

TwoLayerLinear small_net(std::size_t d, std::size_t h, std::size_t K, std::uint64_t seed) {
  return make_two_layer_linear(random_matrix(h, d, seed), random_matrix(K, h, seed + 1));
}

bool fd_close(double analytic, double numeric) {
  return std::fabs(analytic - numeric) <= kFdAbsTol + kFdRelTol * std::fabs(numeric);
}

TEST(TwoLayerLinear, ForwardMatchesHandComputedProduct) {
  // W1 = [[1, 2], [0, 1], [1, 0]], W2 = [1, -1, 2], x = (1, 1):
  // W1 x = (3, 1, 1), W2 W1 x = 3 - 1 + 2 = 4;  x = (2, -1): W1 x = (0, -1, 2), f = 0 + 1 + 4 = 5.
  TwoLayerLinear net = make_two_layer_linear(Matrix::from_rows({{1, 2}, {0, 1}, {1, 0}}),
                                             Matrix::from_rows({{1, -1, 2}}));
  const Matrix X = Matrix::from_rows({{1, 2}, {1, -1}});
  const Matrix out = two_layer_linear_predict(net, X);
  EXPECT_TRUE(MatricesNear(out, Matrix::from_rows({{4, 5}}), 0.0));
}

TEST(TwoLayerLinear, MseLossIsHalfMeanSquaredResidual) {
  // residuals (1, -2, 0) over n = 3 columns: (1 + 4) / (2 * 3) = 5/6.
  const Matrix out = Matrix::from_rows({{2, 0, 5}}), Y = Matrix::from_rows({{1, 2, 5}});
  EXPECT_DOUBLE_EQ(mse_loss(out, Y), 5.0 / 6.0);
  EXPECT_TRUE(MatricesNear(mse_loss_backward(out, Y), Matrix::from_rows({{1.0 / 3, -2.0 / 3, 0}}),
                           1e-16));
}

// dL/dW2 = (1/n) R X^T W1^T,  dL/dW1 = (1/n) W2^T R X^T,  R = W2 W1 X - Y.
// Every entry, for the theory's scalar output (K = 1) and for a vector output (K = 2).
class TwoLayerLinearGradients : public ::testing::TestWithParam<std::size_t> {};

TEST_P(TwoLayerLinearGradients, MatchCentralFiniteDifferencesPerEntry) {
  const std::size_t d = 3, h = 4, K = GetParam(), n = 5;
  TwoLayerLinear net = small_net(d, h, K, 11);
  const Matrix X = random_matrix(d, n, 13), Y = random_matrix(K, n, 14);
  auto loss_at = [&](const TwoLayerLinear& m) { return mse_loss(two_layer_linear_predict(m, X), Y); };

  TwoLayerLinearCache cache;
  const Matrix out = two_layer_linear_forward(net, X, cache);
  zero_grads(net);
  two_layer_linear_backward(net, cache, mse_loss_backward(out, Y));
  ASSERT_GT(max_abs(net.dW1), 1e-3) << "a vanishing gradient would make the check empty";

  for (Matrix* W : {&net.W1, &net.W2}) {
    const Matrix& G = (W == &net.W1) ? net.dW1 : net.dW2;
    for (std::size_t k = 0; k < W->size(); ++k) {
      const double saved = W->data()[k];
      W->data()[k] = saved + kFdStep;
      const double up = loss_at(net);
      W->data()[k] = saved - kFdStep;
      const double down = loss_at(net);
      W->data()[k] = saved;
      const double numeric = (up - down) / (2 * kFdStep);
      EXPECT_TRUE(fd_close(G.data()[k], numeric))
          << "K = " << K << ", " << (W == &net.W1 ? "dW1" : "dW2") << " entry " << k << ": analytic "
          << G.data()[k] << ", finite difference " << numeric;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(OutputCounts, TwoLayerLinearGradients, ::testing::Values(1u, 2u),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return info.param == 1 ? std::string("ScalarOutput")
                                                  : "Outputs" + std::to_string(info.param);
                         });

// One check of the whole gradient: L(theta + t v) - L(theta - t v) = 2 t <grad, v> + O(t^3).
TEST(TwoLayerLinear, GradientMatchesDirectionalDerivative) {
  const std::size_t d = 4, h = 6, K = 1, n = 7;
  TwoLayerLinear net = small_net(d, h, K, 21);
  const Matrix X = random_matrix(d, n, 22), Y = random_matrix(K, n, 23);
  const Matrix V1 = random_matrix(h, d, 24), V2 = random_matrix(K, h, 25);
  TwoLayerLinearCache cache;
  const Matrix out = two_layer_linear_forward(net, X, cache);
  zero_grads(net);
  two_layer_linear_backward(net, cache, mse_loss_backward(out, Y));
  double analytic = 0.0;
  for (std::size_t k = 0; k < V1.size(); ++k) analytic += net.dW1.data()[k] * V1.data()[k];
  for (std::size_t k = 0; k < V2.size(); ++k) analytic += net.dW2.data()[k] * V2.data()[k];

  auto loss_shifted = [&](double t) {
    TwoLayerLinear m = make_two_layer_linear(net.W1 + t * V1, net.W2 + t * V2);
    return mse_loss(two_layer_linear_predict(m, X), Y);
  };
  const double numeric = (loss_shifted(kFdStep) - loss_shifted(-kFdStep)) / (2 * kFdStep);
  EXPECT_TRUE(fd_close(analytic, numeric)) << "analytic " << analytic << ", numeric " << numeric;
}

TEST(TwoLayerLinear, BackwardAccumulatesUntilZeroed) {
  TwoLayerLinear net = small_net(3, 4, 2, 31);
  const Matrix X = random_matrix(3, 5, 32), dOut = random_matrix(2, 5, 33);
  TwoLayerLinearCache cache;
  two_layer_linear_forward(net, X, cache);
  two_layer_linear_backward(net, cache, dOut);
  const Matrix once1 = net.dW1, once2 = net.dW2;
  two_layer_linear_backward(net, cache, dOut);
  // Accumulating the same gradient twice doubles it exactly (x + x = 2x in floating point).
  EXPECT_TRUE(MatricesNear(net.dW1, 2.0 * once1, 0.0));
  EXPECT_TRUE(MatricesNear(net.dW2, 2.0 * once2, 0.0));
  zero_grads(net);
  EXPECT_EQ(max_abs(net.dW1), 0.0);
  EXPECT_EQ(max_abs(net.dW2), 0.0);
}

// K = J J^T with J[(i, a), theta] = d out(a, i) / d theta from central differences (outputs are
// linear in each weight separately, so the differences are exact up to rounding ~ eps / h).
TEST(TwoLayerLinear, TangentKernelEqualsFiniteDifferenceJacobianGram) {
  const std::size_t d = 3, h = 4, K = 2, n = 3;
  TwoLayerLinear net = small_net(d, h, K, 41);
  const Matrix X = random_matrix(d, n, 42);
  auto jacobian_of = [&](Matrix& W) {
    Matrix J(n * K, W.size());
    for (std::size_t k = 0; k < W.size(); ++k) {
      const double saved = W.data()[k];
      W.data()[k] = saved + kFdStep;
      const Matrix up = two_layer_linear_predict(net, X);
      W.data()[k] = saved - kFdStep;
      const Matrix down = two_layer_linear_predict(net, X);
      W.data()[k] = saved;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t a = 0; a < K; ++a)
          J(i * K + a, k) = (up(a, i) - down(a, i)) / (2 * kFdStep);
    }
    return J;
  };
  const Matrix J1 = jacobian_of(net.W1), J2 = jacobian_of(net.W2);
  const Matrix K1 = matmul(J1, transpose(J1)), K2 = matmul(J2, transpose(J2));
  const double scale = max_abs(K1) + max_abs(K2);
  const double tol = 1e-7 * scale;  // relative FD rounding, see kFdRelTol
  EXPECT_TRUE(MatricesNear(two_layer_linear_tangent_kernel(net, X, KernelParams::kW1), K1, tol));
  EXPECT_TRUE(MatricesNear(two_layer_linear_tangent_kernel(net, X, KernelParams::kW2), K2, tol));
  EXPECT_TRUE(
      MatricesNear(two_layer_linear_tangent_kernel(net, X, KernelParams::kBoth), K1 + K2, tol));
}

// The naive reference: J built row by row with one backward pass per output.  Seeding the backward
// pass with the one-hot dOut = e_a e_i^T makes dW1 = W2^T e_a x_i^T = d out(a, i) / d W1 and
// dW2 = e_a (W1 x_i)^T = d out(a, i) / d W2; flattened, they are row i * K + a of J (the kernel's
// sample-major order).  Columns are vec(W1), then vec(W2).
Matrix one_backward_per_output_jacobian(TwoLayerLinear& net, const Matrix& X) {
  const std::size_t n = X.cols(), K = net.K();
  Matrix J(n * K, net.W1.size() + net.W2.size());
  TwoLayerLinearCache cache;
  two_layer_linear_forward(net, X, cache);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t a = 0; a < K; ++a) {
      Matrix dOut(K, n);  // (K, n) one-hot
      dOut(a, i) = 1.0;
      zero_grads(net);
      two_layer_linear_backward(net, cache, dOut);
      const std::size_t row = i * K + a;
      for (std::size_t k = 0; k < net.dW1.size(); ++k) J(row, k) = net.dW1.data()[k];
      for (std::size_t k = 0; k < net.dW2.size(); ++k) J(row, net.dW1.size() + k) = net.dW2.data()[k];
    }
  return J;
}

// Columns [c0, c0 + count) of J.
Matrix jacobian_columns(const Matrix& J, std::size_t c0, std::size_t count) {
  Matrix part(J.rows(), count);
  for (std::size_t r = 0; r < J.rows(); ++r)
    for (std::size_t c = 0; c < count; ++c) part(r, c) = J(r, c0 + c);
  return part;
}

TEST(TwoLayerLinear, TangentKernelEqualsOneBackwardPerOutputKernelOnMediumNet) {
  const std::size_t d = 30, h = 40, K = 3, n = 12;
  TwoLayerLinear net = make_two_layer_linear(random_matrix(h, d, 81), random_matrix(K, h, 82));
  const Matrix X = random_matrix(d, n, 83);
  const Matrix J = one_backward_per_output_jacobian(net, X);  // (n K, h d + K h)
  const Matrix J1 = jacobian_columns(J, 0, h * d), J2 = jacobian_columns(J, h * d, K * h);
  const Matrix K1 = matmul(J1, transpose(J1)), K2 = matmul(J2, transpose(J2));
  const Matrix K12 = matmul(J, transpose(J));
  // Both sides are the same exact numbers summed in different orders: J J^T sums up to h d + K h =
  // 1320 products per entry, the closed form sums d and h terms and multiplies.  A sum of m rounded
  // products is off by at most about (m + 2) eps sum|terms| (Higham 3.1), and by Cauchy-Schwarz
  // sum|terms| <= sqrt(K_rr K_ss) <= max|K| (a Gram matrix has its largest entry on the diagonal).
  // So 2 m eps max|K| bounds the difference whatever the summation order or FMA contraction; a
  // structural error (wrong index order, a missing block) is O(max|K|).
  const double terms = static_cast<double>(h * d + K * h);  // the longest sum
  auto tol = [&](const Matrix& Kref) { return 2 * terms * rl::testing::kEps * max_abs(Kref); };
  EXPECT_TRUE(MatricesNear(two_layer_linear_tangent_kernel(net, X, KernelParams::kW1), K1, tol(K1)))
      << "W1";
  EXPECT_TRUE(MatricesNear(two_layer_linear_tangent_kernel(net, X, KernelParams::kW2), K2, tol(K2)))
      << "W2";
  EXPECT_TRUE(MatricesNear(two_layer_linear_tangent_kernel(net, X, KernelParams::kBoth), K12, tol(K12)))
      << "all parameters";
}

TEST(TwoLayerLinear, GradientDescentFitsRealisableTargetToTolerance) {
  const std::size_t d = 3, h = 5, n = 6;
  TwoLayerLinear net = make_two_layer_linear(0.3 * random_matrix(h, d, 51), 0.3 * random_matrix(1, h, 52));
  const Matrix X = random_matrix(d, n, 53);
  const Matrix Y = matmul(Matrix::from_rows({{1.0, -0.5, 2.0}}), X);
  GdOptions opt;
  opt.lr = 0.02;
  opt.record_every = 100;
  const GdResult res = train_gradient_descent(net, X, Y, opt);
  EXPECT_TRUE(res.converged) << "final loss " << res.final_loss << " after " << res.steps;
  EXPECT_LT(res.final_loss, opt.loss_tol);
  EXPECT_DOUBLE_EQ(res.final_loss, mse_loss(two_layer_linear_predict(net, X), Y));
  ASSERT_GE(res.loss_history.size(), 4u);
  EXPECT_LT(res.loss_history.back(), res.loss_history[1]);  // the loss went down
}

TEST(TwoLayerLinear, DivergenceIsReportedNotHidden) {
  TwoLayerLinear net = small_net(3, 4, 1, 61);
  const Matrix X = 10.0 * random_matrix(3, 4, 62), Y = random_matrix(1, 4, 63);
  GdOptions opt;
  opt.lr = 10.0;
  EXPECT_THROW(train_gradient_descent(net, X, Y, opt), std::runtime_error);
}

TEST(TwoLayerLinear, BadShapesThrowNamingTheInput) {
  EXPECT_THROW(make_two_layer_linear(Matrix(4, 3), Matrix(1, 5)), std::invalid_argument);
  TwoLayerLinear net = small_net(3, 4, 1, 71);
  try {
    two_layer_linear_predict(net, Matrix(2, 5));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("input X"), std::string::npos) << e.what();
  }
  EXPECT_THROW(train_gradient_descent(net, Matrix(3, 5), Matrix(2, 5)), std::invalid_argument);
}

}  // namespace
}  // namespace rl
