// Tests for nn/two_layer_relu: exact values on hand-built nets, gradients against central finite
// differences, and the structural tangent kernel against J J^T with J from finite differences (tiny
// nets) and from one backward pass per output (a medium net).
#include "nn/two_layer_relu.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "linalg/gemm.h"
#include "linalg/row_dots.h"
#include "nn/gradcheck.h"
#include "nn/loss.h"
#include "nn/optim.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

TEST(TwoLayerRelu, ForwardOnAHandBuiltNetIsExact) {
  // z = W1 x = (1 - 2, 2) = (-1, 2), h = (0, 2), y = W2 h = 2.
  TwoLayerRelu net = make_two_layer_relu(Matrix::from_rows({{1, -1}, {2, 0}}), Matrix::from_rows({{1, 1}}));
  const Matrix X = Matrix::from_rows({{1, 2}});
  EXPECT_EQ(two_layer_relu_predict(net, X)(0, 0), 2.0);
  EXPECT_EQ(two_layer_relu_hidden(net, X), Matrix::from_rows({{0, 2}}));
  // With b1 = (1.5, 0), b2 = 0.5: z = (0.5, 2), h = (0.5, 2), y = 2.5 + 0.5 = 3.
  TwoLayerRelu biased =
      make_two_layer_relu(Matrix::from_rows({{1, -1}, {2, 0}}), Matrix::from_rows({{1, 1}}), true);
  biased.b1 = Matrix::from_rows({{1.5, 0}});
  biased.b2 = Matrix::from_rows({{0.5}});
  EXPECT_EQ(two_layer_relu_predict(biased, X)(0, 0), 3.0);
}

TEST(TwoLayerRelu, BackwardOnAHandBuiltNetIsExact) {
  // dY = 1: dW2 = h^T = (0, 2); dH = W2 = (1, 1), dZ = (0, 1) (unit 0 off); dW1 = dZ^T x.
  TwoLayerRelu net = make_two_layer_relu(Matrix::from_rows({{1, -1}, {2, 0}}), Matrix::from_rows({{1, 1}}));
  TwoLayerReluCache cache;
  two_layer_relu_forward(net, Matrix::from_rows({{1, 2}}), cache);
  two_layer_relu_backward(net, cache, Matrix::from_rows({{1}}));
  EXPECT_EQ(net.dW2, Matrix::from_rows({{0, 2}}));
  EXPECT_EQ(net.dW1, Matrix::from_rows({{0, 0}, {1, 2}}));
}

TEST(TwoLayerRelu, GradientsAccumulateUntilZeroed) {
  Rng rng(1);
  TwoLayerRelu net = init_two_layer_relu(4, 6, 3, rng, true);
  const Matrix X = testing::random_matrix(5, 4, 2);
  const Matrix dY = testing::random_matrix(5, 3, 3);
  TwoLayerReluCache cache;
  two_layer_relu_forward(net, X, cache);
  two_layer_relu_backward(net, cache, dY);
  const TwoLayerRelu once = net;
  two_layer_relu_backward(net, cache, dY);
  EXPECT_TRUE(testing::MatricesNear(net.dW1, 2.0 * once.dW1, 0.0));  // x + x = 2x exactly
  EXPECT_TRUE(testing::MatricesNear(net.db1, 2.0 * once.db1, 0.0));
  EXPECT_TRUE(testing::MatricesNear(net.dW2, 2.0 * once.dW2, 0.0));
  EXPECT_TRUE(testing::MatricesNear(net.db2, 2.0 * once.db2, 0.0));
  zero_grads(net);
  EXPECT_EQ(max_abs(net.dW1) + max_abs(net.dW2) + max_abs(net.db1) + max_abs(net.db2), 0.0);
}

// Softmax cross-entropy (mean over the batch) of the net on (X, labels), via nn/loss.h.
struct CrossEntropyProblem {
  TwoLayerRelu net;
  Matrix X;
  std::vector<int> labels;
  std::vector<unsigned char> keep;

  double loss() const { return softmax_cross_entropy(two_layer_relu_predict(net, X), labels, keep).loss; }
  void fill_gradients() {
    zero_grads(net);
    TwoLayerReluCache cache;
    const Matrix Y = two_layer_relu_forward(net, X, cache);
    two_layer_relu_backward(net, cache, softmax_cross_entropy(Y, labels, keep).dY);
  }
  std::vector<unsigned char> relu_pattern() const {
    TwoLayerReluCache cache;
    two_layer_relu_forward(net, X, cache);
    std::vector<unsigned char> on;
    for (double z : cache.Z.values()) on.push_back(z > 0.0);
    return on;
  }
};

CrossEntropyProblem make_problem(bool with_bias) {
  Rng rng(7);
  CrossEntropyProblem p{init_two_layer_relu(5, 8, 3, rng, with_bias), testing::random_matrix(6, 5, 8),
                        {0, 2, 1, 1, 0, 2}, std::vector<unsigned char>(6, 1)};
  p.fill_gradients();
  return p;
}

TEST(TwoLayerRelu, CrossEntropyGradientsMatchCentralDifferences) {
  // dL/dW from the backward pass against (L(w + h) - L(w - h)) / 2h for every entry, skipping
  // entries whose perturbation flips a ReLU (gradcheck.h documents its tolerances).
  for (bool with_bias : {false, true}) {
    CrossEntropyProblem p = make_problem(with_bias);
    std::vector<Matrix*> params = {&p.net.W1, &p.net.W2};
    std::vector<Matrix> grads = {p.net.dW1, p.net.dW2};
    if (with_bias) {
      params.push_back(&p.net.b1);
      params.push_back(&p.net.b2);
      grads.push_back(p.net.db1);
      grads.push_back(p.net.db2);
    }
    GradcheckOptions names;
    names.names = {"W1", "W2"};
    if (with_bias) names.names.insert(names.names.end(), {"b1", "b2"});
    Rng rng(9);
    const GradcheckReport report = check_gradient([&] { return p.loss(); }, params, grads, names,
                                                  [&] { return p.relu_pattern(); }, rng);
    EXPECT_TRUE(report.passed()) << "bias " << with_bias << ": " << report.summary();
    EXPECT_GE(report.checked, 5u * 8u + 8u * 3u - 2u) << "too many entries skipped on kinks";
    const DirectionalReport dir = check_gradient_direction([&] { return p.loss(); }, params, grads, {},
                                                           [&] { return p.relu_pattern(); }, rng);
    EXPECT_FALSE(dir.kink_crossed);
    EXPECT_TRUE(dir.passed) << "analytic " << dir.analytic << " numeric " << dir.numeric;
  }
}

// J[(a,k), p] = d Y[a,k] / d theta_p by central differences over the listed parameter blocks.
// Y is piecewise linear in W1 and b1 (and linear in W2, b2), so away from kinks the central
// difference is exact up to rounding.
Matrix finite_difference_jacobian(TwoLayerRelu& net, const Matrix& X, const std::vector<Matrix*>& params) {
  constexpr double h = 1e-6;
  const std::size_t rows = X.rows() * net.K();
  std::size_t count = 0;
  for (Matrix* P : params) count += P->size();
  Matrix J(rows, count);
  std::size_t col = 0;
  for (Matrix* P : params)
    for (double& w : P->values()) {
      const double saved = w;
      w = saved + h;
      const Matrix plus = two_layer_relu_predict(net, X);
      w = saved - h;
      const Matrix minus = two_layer_relu_predict(net, X);
      w = saved;
      for (std::size_t r = 0; r < rows; ++r) J(r, col) = (plus.data()[r] - minus.data()[r]) / (2 * h);
      ++col;
    }
  return J;
}

double min_abs_preactivation(const TwoLayerRelu& net, const Matrix& X) {
  TwoLayerReluCache cache;
  two_layer_relu_forward(net, X, cache);
  double m = INFINITY;
  for (double z : cache.Z.values()) m = std::fmin(m, std::fabs(z));
  return m;
}

TEST(TwoLayerReluKernel, EqualsJJTransposeFromFiniteDifferences) {
  // Entries are O(1) sums of ~20 terms; FD rounding is eps |Y| / h ~ 1e-10 per Jacobian entry, so
  // 1e-8 on the O(10) kernel entries leaves a wide margin and still catches any structural error.
  constexpr double kTol = 1e-8;
  for (bool with_bias : {false, true}) {
    Rng rng(31);
    TwoLayerRelu net = init_two_layer_relu(3, 5, 2, rng, with_bias);
    const Matrix X = testing::random_matrix(4, 3, 32);
    ASSERT_GT(min_abs_preactivation(net, X), 1e-4) << "a unit sits on its kink: pick another seed";

    const Matrix J1 = finite_difference_jacobian(net, X, {&net.W1});
    EXPECT_TRUE(testing::MatricesNear(two_layer_relu_tangent_kernel(net, X, ReluKernelParams::kW1),
                                      matmul(J1, transpose(J1)), kTol))
        << "W1 kernel, bias " << with_bias;

    std::vector<Matrix*> all = {&net.W1, &net.W2};
    if (with_bias) all = {&net.W1, &net.W2, &net.b1, &net.b2};
    const Matrix J = finite_difference_jacobian(net, X, all);
    EXPECT_TRUE(testing::MatricesNear(two_layer_relu_tangent_kernel(net, X, ReluKernelParams::kAll),
                                      matmul(J, transpose(J)), kTol))
        << "full kernel, bias " << with_bias;
  }
}

// The naive reference: J built row by row with one backward pass per output.  Seeding the backward
// pass with the one-hot dY = e_a e_k^T makes every gradient field d Y[a, k] / d theta (the ReLU mask
// is the backward pass's own relu'(Z), the one the kernel uses, so kinks need no special care).
// Row a * K + k (the kernel's example-major order); columns vec(W1), then, with `all`, vec(W2) and,
// when present, b1, b2.
Matrix one_backward_per_output_jacobian(TwoLayerRelu& net, const Matrix& X, bool all) {
  const std::size_t B = X.rows(), K = net.K();
  std::vector<const Matrix*> grads = {&net.dW1};
  if (all) grads.push_back(&net.dW2);
  if (all && net.has_bias()) {
    grads.push_back(&net.db1);
    grads.push_back(&net.db2);
  }
  std::size_t cols = 0;
  for (const Matrix* G : grads) cols += G->size();
  Matrix J(B * K, cols);
  TwoLayerReluCache cache;
  two_layer_relu_forward(net, X, cache);
  for (std::size_t a = 0; a < B; ++a)
    for (std::size_t k = 0; k < K; ++k) {
      Matrix dY(B, K);  // (B, K) one-hot
      dY(a, k) = 1.0;
      zero_grads(net);
      two_layer_relu_backward(net, cache, dY);
      std::size_t col = 0;
      for (const Matrix* G : grads)
        for (double g : G->values()) J(a * K + k, col++) = g;
    }
  return J;
}

TEST(TwoLayerReluKernel, EqualsOneBackwardPerOutputKernelOnMediumNet) {
  const std::size_t d = 30, N = 40, K = 3, B = 12;
  for (bool with_bias : {false, true}) {
    Rng rng(41);
    TwoLayerRelu net = init_two_layer_relu(d, N, K, rng, with_bias);
    const Matrix X = testing::random_matrix(B, d, 42);
    // The mask must be mixed, or the test would not exercise D_a (measured: about half the units on).
    const Matrix H = two_layer_relu_hidden(net, X);
    std::size_t on = 0;
    for (double v : H.values()) on += v > 0.0;
    ASSERT_GT(on, H.size() / 5) << "bias " << with_bias;
    ASSERT_LT(on, H.size() * 4 / 5) << "bias " << with_bias;

    // Both sides are the same exact numbers summed in different orders: J J^T sums up to
    // N d + K N + N + K = 1363 products per entry, the structural form sums d and N terms.  A sum of
    // m rounded products is off by at most about (m + 2) eps sum|terms| (Higham 3.1), and by
    // Cauchy-Schwarz sum|terms| <= sqrt(K_rr K_ss) <= max|K| (a Gram matrix has its largest entry on
    // the diagonal).  So 2 m eps max|K| bounds the difference whatever the summation order or FMA
    // contraction; a structural error (a wrong mask, index order or missing block) is O(max|K|).
    const double terms = static_cast<double>(N * d + K * N + N + K);  // the longest sum
    auto tol = [&](const Matrix& Kref) { return 2 * terms * testing::kEps * max_abs(Kref); };

    const Matrix J1 = one_backward_per_output_jacobian(net, X, false);  // (B K, N d)
    const Matrix K1 = matmul(J1, transpose(J1));
    EXPECT_TRUE(testing::MatricesNear(two_layer_relu_tangent_kernel(net, X, ReluKernelParams::kW1), K1,
                                      tol(K1)))
        << "W1 kernel, bias " << with_bias;
    const Matrix J = one_backward_per_output_jacobian(net, X, true);  // (B K, all parameters)
    ASSERT_EQ(J.cols(), N * d + K * N + (with_bias ? N + K : 0));
    const Matrix Kall = matmul(J, transpose(J));
    EXPECT_TRUE(testing::MatricesNear(two_layer_relu_tangent_kernel(net, X, ReluKernelParams::kAll), Kall,
                                      tol(Kall)))
        << "full kernel, bias " << with_bias;
  }
}

TEST(TwoLayerReluKernel, HasExampleMajorLayoutOnAHandBuiltNet) {
  // One hidden unit on for x_0, off for x_1: only the (0, k), (0, l) block is nonzero and equals
  // (x_0 . x_0) W2[k, 0] W2[l, 0].
  TwoLayerRelu net = make_two_layer_relu(Matrix::from_rows({{1, 1}}), Matrix::from_rows({{2}, {3}}));
  const Matrix X = Matrix::from_rows({{1, 2}, {-1, -2}});
  const Matrix K = two_layer_relu_tangent_kernel(net, X);
  const Matrix expected = Matrix::from_rows({{20, 30, 0, 0}, {30, 45, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}});
  EXPECT_EQ(K, expected);
}

// The fast path (one pass over the gradients, beta = 0 in the GEMMs) against the plain two calls,
// bit for bit, starting from stale gradients, at a size where the GEMMs take their blocked path and
// edge tiles; with and without biases.  If this fails, see nn/two_layer_relu.cpp "fast path".
TEST(TwoLayerRelu, GradientsEqualZeroThenBackward) {
  for (bool bias : {false, true}) {
    Rng rng(7);
    TwoLayerRelu plain = init_two_layer_relu(85, 37, 10, rng, bias);
    const Matrix X = testing::random_matrix(29, 85, 8);
    const Matrix dY = testing::random_matrix(29, 10, 9);
    TwoLayerReluCache cache;
    two_layer_relu_forward(plain, X, cache);
    two_layer_relu_backward(plain, cache, dY);  // stale gradients to be replaced
    TwoLayerRelu fast = plain;
    zero_grads(plain);
    two_layer_relu_backward(plain, cache, dY);
    two_layer_relu_gradients(fast, cache, dY);
    EXPECT_TRUE(testing::SameBits(fast.dW1, plain.dW1)) << "dW1, bias " << bias;
    EXPECT_TRUE(testing::SameBits(fast.dW2, plain.dW2)) << "dW2, bias " << bias;
    EXPECT_TRUE(testing::SameBits(fast.db1, plain.db1)) << "db1, bias " << bias;
    EXPECT_TRUE(testing::SameBits(fast.db2, plain.db2)) << "db2, bias " << bias;
  }
}

// The forward pass computes Z = X W1^T as (W1 X^T)^T so that W1 is read in place, and adds the bias
// and takes the relu as it transposes back; in float64 the bits must be those of the direct product, then
// the bias, then the relu.  d = 700 spans three 320-deep blocks of the GEMM; 37, 29 and 100 are not
// multiples of its 12 x 16 register tile (100 is Fig. 4B's batch).
TEST(TwoLayerRelu, ForwardPreactivationIsTheDirectProductBitForBit) {
  for (const bool bias : {false, true})
    for (const std::size_t B : {std::size_t(29), std::size_t(100)}) {  // 100: Fig. 4B's batch, 6 x 16 + 4
      Rng rng(3);
      const TwoLayerRelu net = init_two_layer_relu(700, 37, 4, rng, bias);
      const Matrix X = testing::random_matrix(B, 700, 4);
      TwoLayerReluCache cache;
      two_layer_relu_forward(net, X, cache);
      Matrix Z(B, 37);
      gemm(Trans::kNo, Trans::kYes, 1.0, X, net.W1, 0.0, Z);
      Matrix H(B, 37);
      for (std::size_t a = 0; a < B; ++a)
        for (std::size_t i = 0; i < 37; ++i) {
          if (bias) Z(a, i) += net.b1(0, i);  // then the bias, then the relu: the plain route's order
          H(a, i) = std::max(Z(a, i), 0.0);
        }
      EXPECT_TRUE(testing::SameBits(cache.Z, Z)) << "Z, B = " << B << ", nn/two_layer_relu.cpp: first_layer";
      EXPECT_TRUE(testing::SameBits(cache.H, H)) << "H, B = " << B << ", nn/two_layer_relu.cpp: first_layer";
    }
}

// In float, the batch's last example when B = 2 panels + 1 (and up to four when a vector holds 16
// floats) leaves the GEMM for row_dots (nn/two_layer_relu.cpp, batch_columns_as_row_dots): the other
// examples keep the GEMM's bits, computed a block of W1's rows at a time from one packed X^T, and the
// last ones carry row_dots' bits; a batch of only those few goes to row_dots whole.  The bias is added
// after the product and the relu taken after it, with and without a bias.  N = 53 spans two 48-row
// blocks; d = 700 three 320-deep GEMM blocks.
TEST(TwoLayerRelu, FloatForwardLeavesTheLastExamplesToRowDots) {
  const std::size_t width = gemm_panel_width<float>(), lanes = width / 2, N = 53, d = 700;
  const std::size_t few = std::min<std::size_t>(4, lanes / 4);
  for (const bool bias : {false, true})
    for (const std::size_t B : {2 * width + 1, 2 * width + few, few}) {
      const std::size_t rest = B % width;
      Rng rng(3);
      const TwoLayerReluF net = cast_net<float>(init_two_layer_relu(d, N, 4, rng, bias));
      const MatrixF X = cast_matrix<float>(testing::random_matrix(B, d, 4));
      BasicTwoLayerReluCache<float> cache;
      two_layer_relu_forward(net, X, cache);
      MatrixF Z(B, N);
      gemm(Trans::kNo, Trans::kYes, 1.0f, X, net.W1, 0.0f, Z);  // the GEMM's bits for every example
      MatrixF ZT_dots(N, rest);
      row_dots(N, rest, d, net.W1.data(), d, X.row(B - rest), d, ZT_dots.data(), rest);
      for (std::size_t a = 0; a < B; ++a)
        for (std::size_t i = 0; i < N; ++i) {
          float want = a < B - rest ? Z(a, i) : ZT_dots(i, a - (B - rest));
          if (bias) want += net.b1(0, i);
          ASSERT_EQ(cache.Z(a, i), want) << "Z(" << a << ", " << i << "), B = " << B << (bias ? " with" : " without")
                                         << " a bias: " << (a < B - rest ? "a GEMM example" : "a row_dots example")
                                         << " (nn/two_layer_relu.cpp: first_layer)";
          ASSERT_EQ(cache.H(a, i), std::max(want, 0.0f));
        }
    }
}

// two_layer_relu_sgd_step (W1 updated block by block as dW1 is produced) leaves the network and the
// optimizer exactly where gradients-then-step does: 5 steps with momentum and weight decay, with and
// without biases, the optimizer's slots in either order, N = 37 (three 12-row blocks and a 1-row
// one).  One more plain step on both afterwards compares the hidden velocities too.
TEST(TwoLayerRelu, SgdStepEqualsGradientsThenStep) {
  for (bool bias : {false, true})
    for (bool w1_first : {true, false}) {
      Rng rng(11);
      TwoLayerRelu plain = init_two_layer_relu(85, 37, 10, rng, bias);
      TwoLayerRelu fast = plain;
      auto optimizer = [&](TwoLayerRelu& n) {
        std::vector<Matrix*> params{&n.W1, &n.W2}, grads{&n.dW1, &n.dW2};
        if (!w1_first) std::swap(params[0], params[1]), std::swap(grads[0], grads[1]);
        if (bias) params.insert(params.end(), {&n.b1, &n.b2}), grads.insert(grads.end(), {&n.db1, &n.db2});
        return Sgd(make_slots(params, grads), SgdOptions{0.05, 0.9, 0.001});
      };
      Sgd plain_opt = optimizer(plain), fast_opt = optimizer(fast);
      TwoLayerReluCache plain_cache, fast_cache;
      for (std::uint64_t step = 0; step <= 5; ++step) {
        const Matrix X = testing::random_matrix(29, 85, 30 + step);
        const Matrix dY = testing::random_matrix(29, 10, 40 + step);
        two_layer_relu_forward(plain, X, plain_cache);
        two_layer_relu_forward(fast, X, fast_cache);
        two_layer_relu_gradients(plain, plain_cache, dY);
        plain_opt.step();
        if (step < 5) {
          two_layer_relu_sgd_step(fast, fast_cache, dY, fast_opt);
        } else {  // the check step: both plain, so a different velocity shows up in W
          two_layer_relu_gradients(fast, fast_cache, dY);
          fast_opt.step();
        }
        const std::string where = "bias " + std::to_string(bias) + ", W1 first " +
                                  std::to_string(w1_first) + ", step " + std::to_string(step) +
                                  " (nn/two_layer_relu.cpp: two_layer_relu_sgd_step)";
        EXPECT_TRUE(testing::SameBits(fast.W1, plain.W1)) << "W1, " << where;
        EXPECT_TRUE(testing::SameBits(fast.W2, plain.W2)) << "W2, " << where;
        EXPECT_TRUE(testing::SameBits(fast.b1, plain.b1)) << "b1, " << where;
        EXPECT_TRUE(testing::SameBits(fast.b2, plain.b2)) << "b2, " << where;
        EXPECT_TRUE(testing::SameBits(fast.dW1, plain.dW1)) << "dW1, " << where;
        EXPECT_TRUE(testing::SameBits(fast.db1, plain.db1)) << "db1, " << where;
      }
      EXPECT_EQ(fast_opt.steps_taken(), 6u);
    }
}

// The fused step needs W1 in the optimizer with net.dW1 as its gradient.
TEST(TwoLayerRelu, SgdStepRejectsAnOptimizerWithoutW1) {
  Rng rng(2);
  TwoLayerRelu net = init_two_layer_relu(6, 5, 3, rng);
  TwoLayerReluCache cache;
  two_layer_relu_forward(net, Matrix(4, 6, 0.5), cache);
  const Matrix dY(4, 3, 0.1);
  Sgd only_w2(make_slots({&net.W2}, {&net.dW2}), SgdOptions{});
  EXPECT_THROW(two_layer_relu_sgd_step(net, cache, dY, only_w2), std::invalid_argument);
  Matrix other_grad(5, 6);
  Sgd wrong_grad(make_slots({&net.W1, &net.W2}, {&other_grad, &net.dW2}), SgdOptions{});
  EXPECT_THROW(two_layer_relu_sgd_step(net, cache, dY, wrong_grad), std::invalid_argument);
}

// The forward pass checks its input while copying it into the cache: a non-finite entry throws with
// the entry named, and the cache keeps no half-copied input.
TEST(TwoLayerRelu, ForwardRejectsNonFiniteInputAndKeepsNoHalfCopy) {
  Rng rng(5);
  TwoLayerRelu net = init_two_layer_relu(3, 4, 2, rng);
  TwoLayerReluCache cache;
  two_layer_relu_forward(net, Matrix(2, 3, 1.0), cache);
  for (double bad : {std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    Matrix X(2, 3, 1.0);
    X(1, 2) = bad;
    try {
      two_layer_relu_forward(net, X, cache);
      ADD_FAILURE() << "no exception for input " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("input X"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(cache.X.empty());
  }
}

TEST(TwoLayerRelu, RejectsBadShapesAndValues) {
  EXPECT_THROW(make_two_layer_relu(Matrix(3, 2, 1.0), Matrix(1, 4, 1.0)), std::invalid_argument);
  EXPECT_THROW(make_two_layer_relu(Matrix(), Matrix(1, 4, 1.0)), std::invalid_argument);
  Matrix bad(2, 2, 1.0);
  bad(0, 0) = std::nan("");
  EXPECT_THROW(make_two_layer_relu(bad, Matrix(1, 2, 1.0)), std::invalid_argument);
  Rng rng(4);
  TwoLayerRelu net = init_two_layer_relu(3, 4, 2, rng);
  EXPECT_FALSE(net.has_bias());
  EXPECT_THROW(two_layer_relu_predict(net, Matrix(2, 4)), std::invalid_argument);
  TwoLayerReluCache cache;
  two_layer_relu_forward(net, Matrix(2, 3, 1.0), cache);
  EXPECT_THROW(two_layer_relu_backward(net, cache, Matrix(2, 3)), std::invalid_argument);
}

}  // namespace
}  // namespace rl
