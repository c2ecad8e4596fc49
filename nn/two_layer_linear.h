// Two-layer linear network f(x) = W2 W1 x (docs/paper.md#two-layer-linear), the model of the theory in
// docs/theory.md (D1)-(D9).
//
// Dimension letters for this module: d inputs, h hidden units, K outputs (K = 1 in the theory),
// n samples.  Samples are columns: X is (d, n), outputs and targets are (K, n).
//
// Layer pair in the style of llm.c: two_layer_linear_forward caches what the backward pass needs;
// two_layer_linear_backward *accumulates* (+=) into dW1, dW2, which zero_grads clears explicitly.
#pragma once

#include <cstddef>
#include <vector>

#include "linalg/matrix.h"

namespace rl {

struct TwoLayerLinear {
  Matrix W1;   // (h, d)
  Matrix W2;   // (K, h)
  Matrix dW1;  // (h, d) accumulated gradient
  Matrix dW2;  // (K, h) accumulated gradient

  std::size_t d() const { return W1.cols(); }
  std::size_t h() const { return W1.rows(); }
  std::size_t K() const { return W2.rows(); }
};

// A network with the given weights and zeroed gradients.  Throws std::invalid_argument when
// W2.cols() != W1.rows() or a weight is empty or non-finite.
TwoLayerLinear make_two_layer_linear(Matrix W1, Matrix W2);

// What the backward pass needs from the forward pass.
struct TwoLayerLinearCache {
  Matrix X;  // (d, n) input
  Matrix H;  // (h, n) hidden activity W1 X
};

// Returns the outputs W2 W1 X, shape (K, n), and fills `cache`.
Matrix two_layer_linear_forward(const TwoLayerLinear& net, const Matrix& X,
                                TwoLayerLinearCache& cache);
// Outputs only (no cache).
Matrix two_layer_linear_predict(const TwoLayerLinear& net, const Matrix& X);

// Given dOut = dL/dOut (K, n), accumulates dW2 += dOut H^T and dW1 += (W2^T dOut) X^T.
void two_layer_linear_backward(TwoLayerLinear& net, const TwoLayerLinearCache& cache,
                               const Matrix& dOut);

void zero_grads(TwoLayerLinear& net);

// L = (1/2n) ||out - Y||_F^2, n = number of columns (docs/paper.md#two-layer-linear).
double mse_loss(const Matrix& out, const Matrix& Y);
// dL/dout = (out - Y) / n.
Matrix mse_loss_backward(const Matrix& out, const Matrix& Y);

// Which parameters the tangent kernel differentiates with respect to.
enum class KernelParams { kW1, kW2, kBoth };

// Empirical tangent kernel K = J J^T, J = d vec(out) / d theta, on the columns of X.
// Row/column index of K is i * K + a for sample i and output a (sample-major).  Shape (n K, n K).
// Computed in closed form (no Jacobian is formed):
//   w.r.t. W2:  K[(i,a),(j,b)] = delta_ab x_i^T W1^T W1 x_j
//   w.r.t. W1:  K[(i,a),(j,b)] = (W2 W2^T)_ab x_i^T x_j
// derived: docs/theory.md (D1)
Matrix two_layer_linear_tangent_kernel(const TwoLayerLinear& net, const Matrix& X,
                                       KernelParams params);

// Plain full-batch gradient descent on the MSE loss.
struct GdOptions {
  double lr = 0.05;        // [TP] default chosen here (docs/paper.md#two-layer-linear, [OURS])
  int max_steps = 20000;   // [TP] default chosen here
  double loss_tol = 1e-12; // stop as soon as the loss is below this  [TP] default chosen here
  int record_every = 0;    // > 0: record the loss every this many steps in GdResult::loss_history
};

struct GdResult {
  int steps = 0;                     // gradient steps taken
  double final_loss = 0.0;           // loss at the returned weights
  bool converged = false;            // final_loss < loss_tol
  std::vector<double> loss_history;  // (step, loss) pairs flattened, when record_every > 0
};

// Trains `net` in place on (X (d, n), Y (K, n)).  Throws std::invalid_argument on bad shapes or
// options and std::runtime_error when the loss becomes non-finite (diverged), naming the step.
GdResult train_gradient_descent(TwoLayerLinear& net, const Matrix& X, const Matrix& Y,
                                const GdOptions& options = {});

}  // namespace rl
