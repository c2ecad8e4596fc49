#include "nn/two_layer_linear.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "linalg/gemm.h"

namespace rl {

namespace {

void require_input_matches(const TwoLayerLinear& net, const Matrix& X, const char* what) {
  if (X.rows() != net.d() || X.cols() == 0) {
    std::ostringstream msg;
    msg << what << ": input X " << shape_str(X) << " must be (d = " << net.d() << " x n >= 1)";
    throw std::invalid_argument(msg.str());
  }
}

}  // namespace

TwoLayerLinear make_two_layer_linear(Matrix W1, Matrix W2) {
  if (W1.empty() || W2.empty() || W2.cols() != W1.rows()) {
    std::ostringstream msg;
    msg << "make_two_layer_linear: W1 " << shape_str(W1) << " and W2 " << shape_str(W2)
        << " must be non-empty (h x d) and (K x h)";
    throw std::invalid_argument(msg.str());
  }
  require_finite(W1, "make_two_layer_linear: W1");
  require_finite(W2, "make_two_layer_linear: W2");
  TwoLayerLinear net;
  net.dW1 = Matrix(W1.rows(), W1.cols());
  net.dW2 = Matrix(W2.rows(), W2.cols());
  net.W1 = std::move(W1);
  net.W2 = std::move(W2);
  return net;
}

Matrix two_layer_linear_forward(const TwoLayerLinear& net, const Matrix& X,
                                TwoLayerLinearCache& cache) {
  require_input_matches(net, X, "two_layer_linear_forward");
  cache.X = X;
  cache.H = Matrix(net.h(), X.cols());
  gemm(Trans::kNo, Trans::kNo, 1.0, net.W1, X, 0.0, cache.H);  // H = W1 X     (h, n)
  Matrix out(net.K(), X.cols());
  gemm(Trans::kNo, Trans::kNo, 1.0, net.W2, cache.H, 0.0, out);  // out = W2 H  (K, n)
  return out;
}

Matrix two_layer_linear_predict(const TwoLayerLinear& net, const Matrix& X) {
  TwoLayerLinearCache cache;
  return two_layer_linear_forward(net, X, cache);
}

void two_layer_linear_backward(TwoLayerLinear& net, const TwoLayerLinearCache& cache,
                               const Matrix& dOut) {
  if (dOut.rows() != net.K() || dOut.cols() != cache.X.cols()) {
    std::ostringstream msg;
    msg << "two_layer_linear_backward: dOut " << shape_str(dOut) << " must be (K = " << net.K()
        << " x n = " << cache.X.cols() << ")";
    throw std::invalid_argument(msg.str());
  }
  gemm(Trans::kNo, Trans::kYes, 1.0, dOut, cache.H, 1.0, net.dW2);  // dW2 += dOut H^T   (K, h)
  Matrix dH(net.h(), dOut.cols());
  gemm(Trans::kYes, Trans::kNo, 1.0, net.W2, dOut, 0.0, dH);        // dH = W2^T dOut    (h, n)
  gemm(Trans::kNo, Trans::kYes, 1.0, dH, cache.X, 1.0, net.dW1);    // dW1 += dH X^T     (h, d)
}

void zero_grads(TwoLayerLinear& net) {
  net.dW1.set_zero();
  net.dW2.set_zero();
}

double mse_loss(const Matrix& out, const Matrix& Y) {
  require_same_shape(out, Y, "mse_loss: outputs vs targets");
  if (Y.cols() == 0) throw std::invalid_argument("mse_loss: targets have no columns (n = 0)");
  double sum = 0.0;
  for (std::size_t k = 0; k < Y.size(); ++k) {
    const double r = out.data()[k] - Y.data()[k];
    sum += r * r;
  }
  return sum / (2.0 * static_cast<double>(Y.cols()));
}

Matrix mse_loss_backward(const Matrix& out, const Matrix& Y) {
  require_same_shape(out, Y, "mse_loss_backward: outputs vs targets");
  Matrix g = out - Y;
  g *= 1.0 / static_cast<double>(Y.cols());
  return g;
}

Matrix two_layer_linear_tangent_kernel(const TwoLayerLinear& net, const Matrix& X,
                                       KernelParams params) {
  require_input_matches(net, X, "two_layer_linear_tangent_kernel");
  const std::size_t n = X.cols(), K = net.K();
  Matrix gram(n, n);  // x_i^T x_j                                           (n, n)
  gemm(Trans::kYes, Trans::kNo, 1.0, X, X, 0.0, gram);
  Matrix H(net.h(), n);
  gemm(Trans::kNo, Trans::kNo, 1.0, net.W1, X, 0.0, H);
  Matrix feature_gram(n, n);  // x_i^T W1^T W1 x_j                           (n, n)
  gemm(Trans::kYes, Trans::kNo, 1.0, H, H, 0.0, feature_gram);
  Matrix readout_gram(K, K);  // W2 W2^T                                      (K, K)
  gemm(Trans::kNo, Trans::kYes, 1.0, net.W2, net.W2, 0.0, readout_gram);

  const bool use_w1 = params != KernelParams::kW2, use_w2 = params != KernelParams::kW1;
  Matrix kernel(n * K, n * K);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t a = 0; a < K; ++a)
      for (std::size_t j = 0; j < n; ++j)
        for (std::size_t b = 0; b < K; ++b) {
          double v = 0.0;
          if (use_w2 && a == b) v += feature_gram(i, j);      // derived: docs/theory.md (D1)
          if (use_w1) v += readout_gram(a, b) * gram(i, j);   // derived: docs/theory.md (D1)
          kernel(i * K + a, j * K + b) = v;
        }
  return kernel;
}

namespace {

void validate_training_inputs(const TwoLayerLinear& net, const Matrix& X, const Matrix& Y,
                              const GdOptions& options) {
  require_input_matches(net, X, "train_gradient_descent");
  if (Y.rows() != net.K() || Y.cols() != X.cols()) {
    std::ostringstream msg;
    msg << "train_gradient_descent: targets Y " << shape_str(Y) << " must be (K = " << net.K()
        << " x n = " << X.cols() << ")";
    throw std::invalid_argument(msg.str());
  }
  require_finite(X, "train_gradient_descent: X");
  require_finite(Y, "train_gradient_descent: Y");
  if (!(options.lr > 0.0) || !std::isfinite(options.lr))
    throw std::invalid_argument("train_gradient_descent: learning rate lr = " + std::to_string(options.lr) +
                                " must be positive and finite");
  if (options.max_steps < 0)
    throw std::invalid_argument("train_gradient_descent: max_steps = " + std::to_string(options.max_steps) +
                                " must be >= 0");
}

// Loss at the current weights; fills `cache` and `out` for the backward pass.
double evaluate(const TwoLayerLinear& net, const Matrix& X, const Matrix& Y,
                TwoLayerLinearCache& cache, Matrix& out, int step) {
  out = two_layer_linear_forward(net, X, cache);
  const double loss = mse_loss(out, Y);
  if (!std::isfinite(loss)) {
    std::ostringstream msg;
    msg << "train_gradient_descent: loss became non-finite at step " << step
        << " (diverged; lower the learning rate)";
    throw std::runtime_error(msg.str());
  }
  return loss;
}

}  // namespace

GdResult train_gradient_descent(TwoLayerLinear& net, const Matrix& X, const Matrix& Y,
                                const GdOptions& options) {
  validate_training_inputs(net, X, Y, options);
  GdResult result;
  TwoLayerLinearCache cache;
  Matrix out;
  double loss = evaluate(net, X, Y, cache, out, 0);
  for (int step = 0;; ++step) {
    if (options.record_every > 0 && step % options.record_every == 0) {
      result.loss_history.push_back(step);
      result.loss_history.push_back(loss);
    }
    if (loss < options.loss_tol || step == options.max_steps) {
      result.steps = step;
      break;
    }
    zero_grads(net);
    two_layer_linear_backward(net, cache, mse_loss_backward(out, Y));
    net.W1 -= options.lr * net.dW1;  // W <- W - lr dL/dW
    net.W2 -= options.lr * net.dW2;
    loss = evaluate(net, X, Y, cache, out, step + 1);
  }
  result.final_loss = loss;
  result.converged = loss < options.loss_tol;
  return result;
}

}  // namespace rl
