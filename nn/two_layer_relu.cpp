#include "nn/two_layer_relu.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "linalg/gemm.h"
#include "linalg/row_dots.h"
#include "nn/init.h"
#include "nn/relu.h"

namespace rl {
namespace {

template <class T, class Input>
void require_input_shape(const BasicTwoLayerRelu<T>& net, const BasicMatrix<Input>& X, const std::string& what) {
  if (X.cols() != net.d() || X.rows() == 0)
    throw std::invalid_argument(what + ": input " + shape_str(X) + " needs " +
                                std::to_string(net.d()) + " columns (examples as rows) and >= 1 row");
}

// dst = X, rounded to T when X is double and T float (one pass: the float32 loop hands its double
// batches straight in, docs/precision.md), all of whose values must be finite (all_finite is
// vectorised; require_finite then names the first bad entry).  The cache keeps no half-checked input.
template <class T, class Input>
void copy_finite_input(const BasicMatrix<Input>& X, BasicMatrix<T>& dst, const std::string& what) {
  ensure_shape(dst, X.rows(), X.cols());
  std::copy(X.data(), X.data() + X.size(), dst.data());
  if (!all_finite(dst)) {
    dst = BasicMatrix<T>();
    require_finite(X, what + ": input X");  // throws, naming the first bad entry
    throw std::invalid_argument(what + ": input X has a value beyond the range of float");
  }
}

// How many of the B columns of the forward product W1 X^T are left to row_dots instead of the GEMM:
// in float, the columns past the GEMM's last whole panel, when they are at most a quarter of a vector
// (Fig. 4B's 100 = 3 x 32 + 4 on AVX-512); otherwise none.  Float only: row_dots sums in another
// order than the GEMM (linalg/row_dots.h), and the float64 path keeps the bits its records were made
// with.  The float32 step loses the narrow tile's cost (docs/benchmarks.md#what-closed-it-2026-12-07).
template <class T>
std::size_t batch_columns_as_row_dots(std::size_t B) {
  if constexpr (!std::is_same_v<T, float>) return 0;
  const std::size_t rest = B % gemm_panel_width<T>();
  return rest <= std::min(kRowDotsMaxColumns, SimdVec<T>::kLanes / 4) ? rest : 0;
}

// Z = X W1^T + b1 and H = relu(Z), (B, N).  The product is computed as its transpose Z^T = W1 X^T:
// the same sums in the same order (each entry is one chain of d multiply-adds, whichever side the
// GEMM calls A), so the same bits as gemm(kNo, kYes, X, W1); but W1 (N x d, the large operand) is
// then read in place as the GEMM's left operand instead of being repacked, transposed, on every
// forward pass, and only the batch X (B x d) is packed (docs/benchmarks.md#the-relu-iteration).
// Each row of Z, once transposed back, gets its bias and its relu while it is still in L1 (the same
// two operations as adding the bias row to Z and then taking the elementwise relu: the same bits).
template <class T>
void first_layer(const BasicMatrix<T>& X, const BasicTwoLayerRelu<T>& net, BasicMatrix<T>& Z, BasicMatrix<T>& H) {
  thread_local BasicMatrix<T> ZT;
  const std::size_t B = X.rows(), N = net.N(), d = net.d();
  ensure_shape(ZT, N, B);
  const std::size_t dots = batch_columns_as_row_dots<T>(B);
  if (dots == 0) {
    gemm(Trans::kNo, Trans::kYes, 1.0, net.W1, X, 0.0, ZT);  // (N, B) = W1 X^T
  } else {
    // (N, B) = W1 X^T, a block of W1's rows at a time: the GEMM's whole panels (X^T packed once),
    // then the last `dots` columns as dot products while the block is still in L2 (a separate pass
    // over all of W1 would stream it from L3 a further time).
    thread_local BasicPackedRhs<T> packed_xt;
    pack_rhs(Trans::kYes, d, B - dots, X.data(), d, packed_xt);
    constexpr std::size_t kRowsPerBlock = 48;  // [TP] 48 x 784 floats = 150 KB, well inside L2
    for (std::size_t r0 = 0; r0 < N; r0 += kRowsPerBlock) {
      const std::size_t rows = std::min(kRowsPerBlock, N - r0);
      if (B > dots) gemm_packed_rhs(Trans::kNo, rows, T(1), net.W1.row(r0), d, packed_xt, T(0), ZT.row(r0), B);
      row_dots(rows, dots, d, net.W1.row(r0), d, X.row(B - dots), d, ZT.row(r0) + (B - dots), B);
    }
  }
  ensure_shape(Z, X.rows(), net.N());
  ensure_shape(H, X.rows(), net.N());
  const T* bias = net.b1.empty() ? nullptr : net.b1.data();
  for (std::size_t a = 0; a < Z.rows(); ++a) {
    T* z = Z.row(a);
    T* h = H.row(a);
    for (std::size_t i = 0; i < Z.cols(); ++i) z[i] = ZT(i, a);
    if (bias)
      for (std::size_t i = 0; i < Z.cols(); ++i) z[i] += bias[i];
    for (std::size_t i = 0; i < Z.cols(); ++i) h[i] = rl::relu(z[i]);
  }
}

// Adds the (1, n) row `b` to every row of M (B, n); no-op when b is empty.
template <class T>
void add_row_bias(BasicMatrix<T>& M, const BasicMatrix<T>& b) {
  if (b.empty()) return;
  for (std::size_t r = 0; r < M.rows(); ++r) {
    T* row = M.row(r);
    for (std::size_t j = 0; j < M.cols(); ++j) row[j] += b.data()[j];
  }
}

// db += 1^T dM (column sums of dM); no-op when db is empty.
// The batch sum is formed first and then added once, so a call adds exactly one term to db.
template <class T>
void accumulate_column_sums(BasicMatrix<T>& db, const BasicMatrix<T>& dM) {
  if (db.empty()) return;
  std::vector<T> sums(dM.cols(), T(0));
  for (std::size_t r = 0; r < dM.rows(); ++r)
    for (std::size_t j = 0; j < dM.cols(); ++j) sums[j] += dM(r, j);
  for (std::size_t j = 0; j < dM.cols(); ++j) db.data()[j] += sums[j];
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

template <class T, class Input>
BasicMatrix<T> two_layer_relu_forward(const BasicTwoLayerRelu<T>& net, const BasicMatrix<Input>& X,
                                      BasicTwoLayerReluCache<T>& cache) {
  require_input_shape(net, X, "two_layer_relu_forward");
  copy_finite_input(X, cache.X, "two_layer_relu_forward");  // cache.X = X (as T), all finite
  first_layer(cache.X, net, cache.Z, cache.H);  // Z = X W1^T + b1, H = relu(Z), (B, N)
  BasicMatrix<T> Y(X.rows(), net.K());
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

// The output layer's gradients dW2 = dY^T H + beta dW2 (db2 += 1^T dY), and the returned
// dZ = dL/dZ = (dY W2) .* relu'(Z), (B, N).
// dZ is a thread's scratch matrix, reused from step to step: the GEMM overwrites it (beta = 0), so it
// is neither allocated nor cleared on every step.  The reference is valid until this thread's next
// call; callers use it at once and never keep it.
template <class T>
const BasicMatrix<T>& output_layer_backward(BasicTwoLayerRelu<T>& net, const BasicTwoLayerReluCache<T>& cache,
                                            const BasicMatrix<T>& dY, T beta, const char* who) {
  if (dY.rows() != cache.H.rows() || dY.cols() != net.K())
    throw std::invalid_argument(std::string(who) + ": dY " + shape_str(dY) + " does not match (" +
                                std::to_string(cache.H.rows()) + " x " + std::to_string(net.K()) + ")");
  gemm(Trans::kYes, Trans::kNo, 1.0, dY, cache.H, beta, net.dW2);  // (K, N) += dY^T H
  accumulate_column_sums(net.db2, dY);
  thread_local BasicMatrix<T> dZ;
  ensure_shape(dZ, dY.rows(), net.N());
  gemm(Trans::kNo, Trans::kNo, 1.0, dY, net.W2, 0.0, dZ);  // (B, N) = dY W2 = dL/dH
  for (std::size_t i = 0; i < dZ.size(); ++i)
    if (!(cache.Z.data()[i] > T(0))) dZ.data()[i] = T(0);  // .* relu'(Z), relu'(0) = 0
  return dZ;
}

// The backward pass with the weight gradients written as dW = (product) + beta dW: beta 1 accumulates
// (two_layer_relu_backward), beta 0 overwrites (two_layer_relu_gradients, below the ruler).
template <class T>
void backward_weights(BasicTwoLayerRelu<T>& net, const BasicTwoLayerReluCache<T>& cache,
                      const BasicMatrix<T>& dY, T beta, const char* who) {
  const BasicMatrix<T>& dZ = output_layer_backward(net, cache, dY, beta, who);
  gemm(Trans::kYes, Trans::kNo, 1.0, dZ, cache.X, beta, net.dW1);  // (N, d) += dZ^T X
  accumulate_column_sums(net.db1, dZ);
}

}  // namespace

template <class T>
void two_layer_relu_backward(BasicTwoLayerRelu<T>& net, const BasicTwoLayerReluCache<T>& cache,
                             const BasicMatrix<T>& dY) {
  backward_weights(net, cache, dY, T(1), "two_layer_relu_backward");
}

template <class T>
void zero_grads(BasicTwoLayerRelu<T>& net) {
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
template <class T>
void two_layer_relu_gradients(BasicTwoLayerRelu<T>& net, const BasicTwoLayerReluCache<T>& cache,
                              const BasicMatrix<T>& dY) {
  net.db1.set_zero();
  net.db2.set_zero();
  backward_weights(net, cache, dY, T(0), "two_layer_relu_gradients");
}

// two_layer_relu_gradients then opt.step(), bit for bit, with W1's update interleaved with its
// gradient: dW1 = dZ^T X is computed a block of rows at a time (the packed X shared by every block),
// and each block of W1 is updated while its block of dW1 is still in cache.  The separate step reads
// all of dW1 (N d values, larger than L2 at Fig. 4B's 300 x 784) back from memory; here only W1 and
// its velocity are.  Each dW1 entry is the same chain of B multiply-adds whichever rows a GEMM call
// covers, and Sgd applies the same rule per element whatever the pieces (nn/optim.h), so the state
// afterwards is that of the plain route (tests/test_two_layer_relu.cpp, TwoLayerRelu.SgdStep...).
// Measured in docs/benchmarks.md#the-relu-iteration.
template <class T>
void two_layer_relu_sgd_step(BasicTwoLayerRelu<T>& net, const BasicTwoLayerReluCache<T>& cache,
                             const BasicMatrix<T>& dY, BasicSgd<T>& opt) {
  const std::size_t w1 = opt.slot_of(net.W1);
  if (opt.slots()[w1].grad != &net.dW1)
    throw std::invalid_argument(
        "two_layer_relu_sgd_step: the optimizer's slot for W1 must take net.dW1 as its gradient");
  net.db1.set_zero();
  net.db2.set_zero();
  const BasicMatrix<T>& dZ = output_layer_backward(net, cache, dY, T(0), "two_layer_relu_sgd_step");
  const std::size_t B = dZ.rows(), N = net.N(), d = net.d();
  thread_local BasicPackedRhs<T> packed_x;  // op(B) = X (B x d), packed once for every block
  pack_rhs(Trans::kNo, B, d, cache.X.data(), d, packed_x);
  constexpr std::size_t kRowsPerBlock = 12;  // [TP] one 12-row register tile; 12 and 24 measured best
  for (std::size_t r0 = 0; r0 < N; r0 += kRowsPerBlock) {
    const std::size_t rows = std::min(kRowsPerBlock, N - r0);
    opt.prefetch(w1, r0 * d, (r0 + rows) * d);  // W1 and its velocity arrive while the GEMM computes
    // dW1[r0 : r0 + rows, :] = (dZ^T)[r0 : r0 + rows, :] X: op(A) = dZ^T starts at column r0 of dZ.
    gemm_packed_rhs(Trans::kYes, rows, T(1), dZ.data() + r0, N, packed_x, T(0), net.dW1.row(r0), d);
    opt.update(w1, r0 * d, (r0 + rows) * d);
  }
  accumulate_column_sums(net.db1, dZ);
  for (std::size_t slot = 0; slot < opt.slots().size(); ++slot)
    if (slot != w1) opt.update(slot, 0, opt.slots()[slot].param->size());
  opt.end_step();
}

// The two scalar types of the training path (docs/precision.md).
#define RL_TWO_LAYER_RELU_TRAINING(T)                                                                        \
  template BasicMatrix<T> two_layer_relu_forward(const BasicTwoLayerRelu<T>&, const BasicMatrix<T>&,       \
                                                 BasicTwoLayerReluCache<T>&);                               \
  template void two_layer_relu_backward(BasicTwoLayerRelu<T>&, const BasicTwoLayerReluCache<T>&,           \
                                        const BasicMatrix<T>&);                                             \
  template void zero_grads(BasicTwoLayerRelu<T>&);                                                          \
  template void two_layer_relu_gradients(BasicTwoLayerRelu<T>&, const BasicTwoLayerReluCache<T>&,          \
                                         const BasicMatrix<T>&);                                            \
  template void two_layer_relu_sgd_step(BasicTwoLayerRelu<T>&, const BasicTwoLayerReluCache<T>&,           \
                                        const BasicMatrix<T>&, BasicSgd<T>&);
RL_TWO_LAYER_RELU_TRAINING(double)
RL_TWO_LAYER_RELU_TRAINING(float)
template MatrixF two_layer_relu_forward(const TwoLayerReluF&, const Matrix&, BasicTwoLayerReluCache<float>&);
#undef RL_TWO_LAYER_RELU_TRAINING

}  // namespace rl
