// Two-layer ReLU network f(x) = W2 relu(W1 x + b1) + b2 (docs/paper.md#two-layer-relu: 784 -> 300 -> 10 on MNIST,
// softmax cross-entropy on the logits f; biases optional, off by default [OURS]).
//
// Dimension letters: B batch, d inputs, N hidden units, K outputs (logits).
// Examples are ROWS: X is (B, d), pre-activations Z and activity H are (B, N), logits Y are (B, K):
//   Z = X W1^T + 1 b1,   H = relu(Z),   Y = H W2^T + 1 b2.
// relu'(0) = 0 (PyTorch's convention).
//
// The training path (forward, gradients, the SGD step) is one template for double and float
// (TwoLayerReluF trains in float32, docs/precision.md); the tangent kernel and everything measured is double.
//
// Layer pair in the style of llm.c: two_layer_relu_forward fills a cache; two_layer_relu_backward
// *accumulates* (+=) into the gradient fields, which zero_grads clears explicitly.
#pragma once

#include <cstddef>

#include "linalg/matrix.h"
#include "linalg/rng.h"
#include "nn/optim.h"

namespace rl {

template <class T>
struct BasicTwoLayerRelu {
  BasicMatrix<T> W1;   // (N, d)
  BasicMatrix<T> W2;   // (K, N)
  BasicMatrix<T> b1;   // (1, N) row broadcast over the batch; (0 x 0) when biases are off
  BasicMatrix<T> b2;   // (1, K); (0 x 0) when biases are off
  BasicMatrix<T> dW1;  // (N, d) accumulated gradients, same shapes as the parameters
  BasicMatrix<T> dW2;  // (K, N)
  BasicMatrix<T> db1;  // (1, N) or (0 x 0)
  BasicMatrix<T> db2;  // (1, K) or (0 x 0)

  std::size_t d() const { return W1.cols(); }
  std::size_t N() const { return W1.rows(); }
  std::size_t K() const { return W2.rows(); }
  bool has_bias() const { return !b1.empty(); }
};
using TwoLayerRelu = BasicTwoLayerRelu<double>;
using TwoLayerReluF = BasicTwoLayerRelu<float>;

// The same network (parameters and gradients) in another scalar type.
template <class To, class From>
BasicTwoLayerRelu<To> cast_net(const BasicTwoLayerRelu<From>& n) {
  return {cast_matrix<To>(n.W1),  cast_matrix<To>(n.W2),  cast_matrix<To>(n.b1),  cast_matrix<To>(n.b2),
          cast_matrix<To>(n.dW1), cast_matrix<To>(n.dW2), cast_matrix<To>(n.db1), cast_matrix<To>(n.db2)};
}

// A network with the given weights, zero biases when `with_bias`, and zeroed gradients.  Throws
// std::invalid_argument when W2.cols() != W1.rows() or a weight is empty or non-finite.
TwoLayerRelu make_two_layer_relu(Matrix W1, Matrix W2, bool with_bias = false);

// PyTorch nn.Linear defaults: W1, b1 ~ U(+-1/sqrt(d)), W2, b2 ~ U(+-1/sqrt(N)).
TwoLayerRelu init_two_layer_relu(std::size_t d, std::size_t N, std::size_t K, Rng& rng,
                                 bool with_bias = false);

template <class T>
struct BasicTwoLayerReluCache {
  BasicMatrix<T> X;  // (B, d) input
  BasicMatrix<T> Z;  // (B, N) pre-activation
  BasicMatrix<T> H;  // (B, N) relu(Z)
};
using TwoLayerReluCache = BasicTwoLayerReluCache<double>;

// Returns the logits Y (B, K) and fills `cache`.  (T = double or float, as every template below.)  X may
// also be double for a float network: it is rounded into the cache as it is copied there.
template <class T, class Input = T>
BasicMatrix<T> two_layer_relu_forward(const BasicTwoLayerRelu<T>& net, const BasicMatrix<Input>& X,
                                      BasicTwoLayerReluCache<T>& cache);
// Logits only.
Matrix two_layer_relu_predict(const TwoLayerRelu& net, const Matrix& X);
// Hidden activity H = relu(X W1^T + b1), (B, N): the representation for RA and sign similarity.
Matrix two_layer_relu_hidden(const TwoLayerRelu& net, const Matrix& X);

// Given dY = dL/dY (B, K), accumulates
//   dW2 += dY^T H,  db2 += 1^T dY,  dZ = (dY W2) .* relu'(Z),  dW1 += dZ^T X,  db1 += 1^T dZ.
template <class T>
void two_layer_relu_backward(BasicTwoLayerRelu<T>& net, const BasicTwoLayerReluCache<T>& cache,
                             const BasicMatrix<T>& dY);

template <class T>
void zero_grads(BasicTwoLayerRelu<T>& net);

// zero_grads(net) then two_layer_relu_backward(net, cache, dY), bit for bit, without the separate pass
// that clears dW1 (N d values): the gradient GEMMs overwrite instead of adding.  For a training loop
// that takes one batch gradient per step.
template <class T>
void two_layer_relu_gradients(BasicTwoLayerRelu<T>& net, const BasicTwoLayerReluCache<T>& cache,
                              const BasicMatrix<T>& dY);

// two_layer_relu_gradients(net, cache, dY) then opt.step(), bit for bit (parameters, gradients and
// the optimizer's state), with W1 updated block by block as its gradient is produced, while each
// block is in cache: the Fig. 4B training step.  `opt` must hold net.W1 with net.dW1 as its gradient
// (std::invalid_argument otherwise); its other slots are stepped once the backward pass is done.
template <class T>
void two_layer_relu_sgd_step(BasicTwoLayerRelu<T>& net, const BasicTwoLayerReluCache<T>& cache,
                             const BasicMatrix<T>& dY, BasicSgd<T>& opt);

// Which parameters the empirical tangent kernel differentiates with respect to.
enum class ReluKernelParams {
  kW1,   // W1 only (default; docs/paper.md#two-layer-relu [OURS]: measures on W1)
  kAll,  // every parameter: W1, W2, and b1, b2 when present
};

// Empirical tangent kernel K = J J^T on the rows of X, J = d vec(Y) / d theta.
// Row / column index a * K + k for example a and output k (example-major); shape (B K, B K).
// Computed structurally, with D_a = relu'(z_a) and s_ab = x_a . x_b (+ 1 for b1 under kAll):
//   W1 (and b1):  K[(a,k),(b,l)] = s_ab * sum_i W2[k,i] W2[l,i] D_a,i D_b,i
//   W2 (and b2):  K[(a,k),(b,l)] = delta_kl (h_a . h_b (+ 1 for b2)), added under kAll
// derived from d f_k / d W1 = (W2[k,:] .* D_a)^T x_a^T; see docs/measures.md.
// The W1 part is one GEMM S S^T with S[(a,k), i] = W2[k,i] D_a,i, then a Hadamard product with s.
Matrix two_layer_relu_tangent_kernel(const TwoLayerRelu& net, const Matrix& X,
                                     ReluKernelParams params = ReluKernelParams::kW1);

}  // namespace rl
