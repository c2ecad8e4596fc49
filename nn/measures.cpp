#include "nn/measures.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "linalg/gemm.h"
#include "linalg/norms.h"

namespace rl {
namespace {

// a / b for an alignment, with a zero denominator reported as an error naming `what`.
double checked_ratio(double numerator, double denominator, const std::string& what) {
  if (!(denominator > 0.0))
    throw std::invalid_argument(what + ": zero-norm input (alignment undefined)");
  return numerator / denominator;
}

}  // namespace

double weight_change(const Matrix& W0, const Matrix& Wf) {
  require_same_shape(W0, Wf, "weight_change(W0, Wf)");
  // BEGIN ASSIGNMENT A5: weight_change (docs/measures.md#weight-change-rel)
  // TODO: ||Wf - W0||_F, the Frobenius norm of the DIFFERENCE (not the difference of the norms).
  // linalg/norms.h has frobenius_norm; Matrix has operator-.
  return frobenius_norm(Wf - W0);
  // END ASSIGNMENT A5
}

double relative_weight_change(const Matrix& W0, const Matrix& Wf) {
  return checked_ratio(weight_change(W0, Wf), frobenius_norm(W0), "relative_weight_change: W0");
}

Matrix center_kernel(const Matrix& K) {
  require_square(K, "center_kernel");
  const std::size_t P = K.rows();
  // (C K C)_ij = K_ij - mean_i. - mean_.j + mean_..,  C = I - 1 1^T / P.
  std::vector<double> row_mean(P, 0.0), col_mean(P, 0.0);
  double grand = 0.0;
  for (std::size_t i = 0; i < P; ++i)
    for (std::size_t j = 0; j < P; ++j) {
      row_mean[i] += K(i, j) / P;
      col_mean[j] += K(i, j) / P;
    }
  for (double m : row_mean) grand += m / P;
  Matrix Kc(P, P);
  for (std::size_t i = 0; i < P; ++i)
    for (std::size_t j = 0; j < P; ++j) Kc(i, j) = K(i, j) - row_mean[i] - col_mean[j] + grand;
  return Kc;
}

Matrix representation_kernel(const Matrix& H, Centering centering) {
  if (H.empty()) throw std::invalid_argument("representation_kernel: H is empty " + shape_str(H));
  // BEGIN ASSIGNMENT A5: representation_kernel (docs/measures.md#representation-alignment-ra-rel)
  // TODO: K = H H^T, shape (P, P) for H of shape (P, N) (one row per example), then centre it with
  // center_kernel when asked.  linalg/gemm.h: gemm(Trans::kNo, Trans::kYes, 1.0, H, H, 0.0, K).
  Matrix K(H.rows(), H.rows());
  gemm(Trans::kNo, Trans::kYes, 1.0, H, H, 0.0, K);  // (P, P) = H H^T
  return centering == Centering::kCentred ? center_kernel(K) : K;
  // END ASSIGNMENT A5
}

double clamp_alignment_rounding(double a) { return a > 1.0 && a - 1.0 < 1e-12 ? 1.0 : a; }

double kernel_alignment(const Matrix& K0, const Matrix& Kf, Centering centering) {
  require_square(K0, "kernel_alignment: K0");
  require_same_shape(K0, Kf, "kernel_alignment(K0, Kf)");
  // BEGIN ASSIGNMENT A5: kernel_alignment (docs/measures.md#tangent-kernel-alignment-ka-rel)
  // TODO: KA = <K0, Kf>_F / (||K0||_F ||Kf||_F), after centring both kernels when asked.
  // A zero-norm kernel makes KA undefined: divide with checked_ratio (it throws std::invalid_argument).
  if (centering == Centering::kCentred)
    return kernel_alignment(center_kernel(K0), center_kernel(Kf), Centering::kNone);
  return checked_ratio(frobenius_inner(K0, Kf), frobenius_norm(K0) * frobenius_norm(Kf),
                       "kernel_alignment(K0, Kf)");
  // END ASSIGNMENT A5
}

double representation_alignment(const Matrix& H0, const Matrix& Hf, Centering centering) {
  require_same_shape(H0, Hf, "representation_alignment(H0, Hf)");
  return kernel_alignment(representation_kernel(H0, centering), representation_kernel(Hf, centering),
                          Centering::kNone);
}

double kernel_target_alignment(const Matrix& K, const std::vector<double>& y) {
  require_square(K, "kernel_target_alignment: K");
  if (y.size() != K.rows())
    throw std::invalid_argument("kernel_target_alignment: y has " + std::to_string(y.size()) +
                                " entries, K is " + shape_str(K));
  const std::vector<double> Ky = matvec(K, y);
  double yKy = 0.0, yy = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    yKy += y[i] * Ky[i];
    yy += y[i] * y[i];
  }
  return checked_ratio(yKy, yy * frobenius_norm(K), "kernel_target_alignment(K, y)");
}

double kernel_target_alignment(const Matrix& K, const Matrix& Y) {
  require_square(K, "kernel_target_alignment: K");
  if (Y.rows() != K.rows())
    throw std::invalid_argument("kernel_target_alignment: targets " + shape_str(Y) +
                                " do not match kernel " + shape_str(K));
  Matrix target(Y.rows(), Y.rows());
  gemm(Trans::kNo, Trans::kYes, 1.0, Y, Y, 0.0, target);  // (P, P) = Y Y^T
  return checked_ratio(frobenius_inner(K, target), frobenius_norm(target) * frobenius_norm(K),
                       "kernel_target_alignment(K, Y)");
}

double sign_similarity(const Matrix& H0, const Matrix& Hf) {
  require_same_shape(H0, Hf, "sign_similarity(H0, Hf)");
  if (H0.empty()) throw std::invalid_argument("sign_similarity: empty activity " + shape_str(H0));
  require_finite(H0, "sign_similarity: H0");
  require_finite(Hf, "sign_similarity: Hf");
  auto sign = [](double v) { return (v > 0.0) - (v < 0.0); };
  std::size_t same = 0;
  for (std::size_t i = 0; i < H0.size(); ++i) same += sign(H0.data()[i]) == sign(Hf.data()[i]);
  return static_cast<double>(same) / static_cast<double>(H0.size());
}

Matrix one_hot(const std::vector<int>& labels, std::size_t classes) {
  Matrix Y(labels.size(), classes);
  for (std::size_t p = 0; p < labels.size(); ++p) {
    if (labels[p] < 0 || static_cast<std::size_t>(labels[p]) >= classes)
      throw std::invalid_argument("one_hot: label " + std::to_string(labels[p]) + " at index " +
                                  std::to_string(p) + " is outside [0, " + std::to_string(classes) + ")");
    Y(p, static_cast<std::size_t>(labels[p])) = 1.0;
  }
  return Y;
}

}  // namespace rl
