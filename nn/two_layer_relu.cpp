#include "nn/two_layer_relu.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "linalg/gemm.h"
#include "nn/init.h"
#include "nn/relu.h"

namespace rl {
namespace {

void require_input_shape(const TwoLayerRelu& net, const Matrix& X, const std::string& what) {
  if (X.cols() != net.d() || X.rows() == 0)
    throw std::invalid_argument(what + ": input " + shape_str(X) + " needs " +
                                std::to_string(net.d()) + " columns (examples as rows) and >= 1 row");
}

// M takes the shape (rows, cols); its storage is kept when the shape already matches (a training loop
// calls the forward pass with the same batch shape every iteration: no allocation, no zero fill).
void ensure_shape(Matrix& M, std::size_t rows, std::size_t cols) {
  if (M.rows() != rows || M.cols() != cols) M = Matrix(rows, cols);
}

// dst = X, checking on the way that every value is finite (one pass over the batch instead of two):
// x - x is 0 for a finite x and NaN for Inf or NaN, so the sum is NaN exactly when some x is not
// finite; then require_finite names the first bad entry (the same message as checking first).
void copy_finite_input(const Matrix& X, Matrix& dst, const std::string& what) {
  ensure_shape(dst, X.rows(), X.cols());
  const double* src = X.data();
  double* out = dst.data();
  double bad = 0.0;
  for (std::size_t i = 0; i < X.size(); ++i) {
    out[i] = src[i];
    bad += src[i] - src[i];
  }
  if (bad != 0.0) {  // NaN != 0.0
    dst = Matrix();  // leave no half-updated cache behind
    require_finite(X, what + ": input X");  // throws, naming the first bad entry
  }
}

// Adds the (1, n) row `b` to every row of M (B, n); no-op when b is empty.
void add_row_bias(Matrix& M, const Matrix& b) {
  if (b.empty()) return;
  for (std::size_t r = 0; r < M.rows(); ++r) {
    double* row = M.row(r);
    for (std::size_t j = 0; j < M.cols(); ++j) row[j] += b.data()[j];
  }
}

// db += 1^T dM (column sums of dM); no-op when db is empty.
// The batch sum is formed first and then added once, so a call adds exactly one term to db.
void accumulate_column_sums(Matrix& db, const Matrix& dM) {
  if (db.empty()) return;
  std::vector<double> sums(dM.cols(), 0.0);
  for (std::size_t r = 0; r < dM.rows(); ++r)
    for (std::size_t j = 0; j < dM.cols(); ++j) sums[j] += dM(r, j);
  for (std::size_t j = 0; j < dM.cols(); ++j) db.data()[j] += sums[j];
}

// H = relu(Z) elementwise, into H's storage.
void relu_into(const Matrix& Z, Matrix& H) {
  ensure_shape(H, Z.rows(), Z.cols());
  const double* z = Z.data();
  double* h = H.data();
  for (std::size_t i = 0; i < Z.size(); ++i) h[i] = rl::relu(z[i]);
}

// X X^T (+ 1 with a first-layer bias): the input part of the W1 kernel, (B, B).
Matrix input_similarity(const Matrix& X, bool with_bias) {
  Matrix S(X.rows(), X.rows(), with_bias ? 1.0 : 0.0);
  gemm(Trans::kNo, Trans::kYes, 1.0, X, X, 1.0, S);
  return S;
}

// K += W1-part (with b1 when include_b1): K[(a,k),(b,l)] = s_ab * sum_i W2[k,i] W2[l,i] D_a,i D_b,i.
void add_first_layer_kernel(const TwoLayerRelu& net, const TwoLayerReluCache& cache, bool include_b1,
                            Matrix& Kmat) {
  const std::size_t B = cache.X.rows(), K = net.K(), N = net.N();
  Matrix S(B * K, N);  // (B K, N): row (a, k) = W2[k, :] .* relu'(z_a)
  for (std::size_t a = 0; a < B; ++a)
    for (std::size_t k = 0; k < K; ++k) {
      double* row = S.row(a * K + k);
      for (std::size_t i = 0; i < N; ++i) row[i] = cache.Z(a, i) > 0.0 ? net.W2(k, i) : 0.0;
    }
  Matrix SS(B * K, B * K);
  gemm(Trans::kNo, Trans::kYes, 1.0, S, S, 0.0, SS);  // (B K, B K)
  const Matrix s = input_similarity(cache.X, include_b1);  // (B, B)
  for (std::size_t r = 0; r < B * K; ++r)
    for (std::size_t c = 0; c < B * K; ++c) Kmat(r, c) += s(r / K, c / K) * SS(r, c);
}

// K += W2-part: K[(a,k),(b,l)] = delta_kl (h_a . h_b (+ 1 with b2)).
void add_second_layer_kernel(const TwoLayerRelu& net, const TwoLayerReluCache& cache, Matrix& Kmat) {
  const std::size_t B = cache.H.rows(), K = net.K();
  Matrix G(B, B, net.has_bias() ? 1.0 : 0.0);
  gemm(Trans::kNo, Trans::kYes, 1.0, cache.H, cache.H, 1.0, G);  // (B, B) = H H^T (+ 1)
  for (std::size_t a = 0; a < B; ++a)
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t k = 0; k < K; ++k) Kmat(a * K + k, b * K + k) += G(a, b);
}

}  // namespace

TwoLayerRelu make_two_layer_relu(Matrix W1, Matrix W2, bool with_bias) {
  if (W1.empty() || W2.empty())
    throw std::invalid_argument("make_two_layer_relu: empty weight W1 " + shape_str(W1) + " or W2 " +
                                shape_str(W2));
  if (W2.cols() != W1.rows())
    throw std::invalid_argument("make_two_layer_relu: W2 " + shape_str(W2) + " needs " +
                                std::to_string(W1.rows()) + " columns to follow W1 " + shape_str(W1));
  require_finite(W1, "make_two_layer_relu: W1");
  require_finite(W2, "make_two_layer_relu: W2");
  TwoLayerRelu net;
  net.dW1 = Matrix(W1.rows(), W1.cols());
  net.dW2 = Matrix(W2.rows(), W2.cols());
  if (with_bias) {
    net.b1 = Matrix(1, W1.rows());
    net.b2 = Matrix(1, W2.rows());
    net.db1 = Matrix(1, W1.rows());
    net.db2 = Matrix(1, W2.rows());
  }
  net.W1 = std::move(W1);
  net.W2 = std::move(W2);
  return net;
}

TwoLayerRelu init_two_layer_relu(std::size_t d, std::size_t N, std::size_t K, Rng& rng, bool with_bias) {
  Matrix W1 = pytorch_uniform(N, d, rng);
  Matrix W2 = pytorch_uniform(K, N, rng);
  TwoLayerRelu net = make_two_layer_relu(std::move(W1), std::move(W2), with_bias);
  if (with_bias) {
    net.b1 = Matrix::from_vector(1, N, pytorch_uniform_bias(N, d, rng));
    net.b2 = Matrix::from_vector(1, K, pytorch_uniform_bias(K, N, rng));
  }
  return net;
}

Matrix two_layer_relu_forward(const TwoLayerRelu& net, const Matrix& X, TwoLayerReluCache& cache) {
  require_input_shape(net, X, "two_layer_relu_forward");
  copy_finite_input(X, cache.X, "two_layer_relu_forward");  // cache.X = X, all finite
  ensure_shape(cache.Z, X.rows(), net.N());
  gemm(Trans::kNo, Trans::kYes, 1.0, X, net.W1, 0.0, cache.Z);  // (B, N) = X W1^T
  add_row_bias(cache.Z, net.b1);
  relu_into(cache.Z, cache.H);
  Matrix Y(X.rows(), net.K());
  gemm(Trans::kNo, Trans::kYes, 1.0, cache.H, net.W2, 0.0, Y);  // (B, K) = H W2^T
  add_row_bias(Y, net.b2);
  return Y;
}

Matrix two_layer_relu_predict(const TwoLayerRelu& net, const Matrix& X) {
  TwoLayerReluCache cache;
  return two_layer_relu_forward(net, X, cache);
}

Matrix two_layer_relu_hidden(const TwoLayerRelu& net, const Matrix& X) {
  TwoLayerReluCache cache;
  two_layer_relu_forward(net, X, cache);
  return cache.H;
}

namespace {

// The backward pass with the weight gradients written as dW = (product) + beta dW: beta 1 accumulates
// (two_layer_relu_backward), beta 0 overwrites (two_layer_relu_gradients, below the ruler).
void backward_weights(TwoLayerRelu& net, const TwoLayerReluCache& cache, const Matrix& dY, double beta,
                      const char* who) {
  if (dY.rows() != cache.H.rows() || dY.cols() != net.K())
    throw std::invalid_argument(std::string(who) + ": dY " + shape_str(dY) + " does not match (" +
                                std::to_string(cache.H.rows()) + " x " + std::to_string(net.K()) + ")");
  gemm(Trans::kYes, Trans::kNo, 1.0, dY, cache.H, beta, net.dW2);  // (K, N) += dY^T H
  accumulate_column_sums(net.db2, dY);
  Matrix dZ(dY.rows(), net.N());
  gemm(Trans::kNo, Trans::kNo, 1.0, dY, net.W2, 0.0, dZ);  // (B, N) = dY W2 = dL/dH
  for (std::size_t i = 0; i < dZ.size(); ++i)
    if (!(cache.Z.data()[i] > 0.0)) dZ.data()[i] = 0.0;  // .* relu'(Z), relu'(0) = 0
  gemm(Trans::kYes, Trans::kNo, 1.0, dZ, cache.X, beta, net.dW1);  // (N, d) += dZ^T X
  accumulate_column_sums(net.db1, dZ);
}

}  // namespace

void two_layer_relu_backward(TwoLayerRelu& net, const TwoLayerReluCache& cache, const Matrix& dY) {
  backward_weights(net, cache, dY, 1.0, "two_layer_relu_backward");
}

void zero_grads(TwoLayerRelu& net) {
  net.dW1.set_zero();
  net.dW2.set_zero();
  net.db1.set_zero();
  net.db2.set_zero();
}

Matrix two_layer_relu_tangent_kernel(const TwoLayerRelu& net, const Matrix& X, ReluKernelParams params) {
  TwoLayerReluCache cache;
  two_layer_relu_forward(net, X, cache);
  Matrix Kmat(X.rows() * net.K(), X.rows() * net.K());  // (B K, B K)
  const bool all = params == ReluKernelParams::kAll;
  add_first_layer_kernel(net, cache, all && net.has_bias(), Kmat);
  if (all) add_second_layer_kernel(net, cache, Kmat);
  return Kmat;
}

// ---- fast path ------------------------------------------------------------
// zero_grads then two_layer_relu_backward, in one pass over the weight gradients: the GEMMs write
// dW1 and dW2 with beta = 0 instead of clearing them (a pass over dW1's N d values) and then adding
// to them (a second read).  Bit-identical: the product's accumulator starts at +0 and a sum of
// products is -0 only if it underflows past the smallest subnormal, so adding it to a cleared +0
// changes nothing (tests/test_two_layer_relu.cpp, TwoLayerRelu.GradientsEqualZeroThenBackward).
void two_layer_relu_gradients(TwoLayerRelu& net, const TwoLayerReluCache& cache, const Matrix& dY) {
  net.db1.set_zero();
  net.db2.set_zero();
  backward_weights(net, cache, dY, 0.0, "two_layer_relu_gradients");
}

}  // namespace rl
