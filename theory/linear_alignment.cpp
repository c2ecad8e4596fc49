#include "theory/linear_alignment.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "linalg/gemm.h"
#include "linalg/norms.h"

namespace rl {

namespace {

double norm2(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x * x;
  return std::sqrt(s);
}

// v / ||v||; throws naming `what` when v is empty, zero or non-finite.
std::vector<double> unit(const std::vector<double>& v, const char* what) {
  const double len = norm2(v);
  if (v.empty() || !(len > 0.0) || !std::isfinite(len)) {
    std::ostringstream msg;
    msg << what << ": vector must be non-empty, finite and non-zero (norm " << len << ")";
    throw std::invalid_argument(msg.str());
  }
  std::vector<double> out(v);
  for (double& x : out) x /= len;
  return out;
}


void require_dimension(const Matrix& A, const std::vector<double>& v, const char* what) {
  if (v.size() != A.rows()) {
    std::ostringstream msg;
    msg << what << ": vector of length " << v.size() << " does not match metric " << shape_str(A);
    throw std::invalid_argument(msg.str());
  }
}

// v^T A v
double quadratic_form(const Matrix& A, const std::vector<double>& v) {
  const std::vector<double> Av = matvec(A, v);
  double s = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) s += v[i] * Av[i];
  return s;
}

Matrix gram_of_columns(const Matrix& W) {  // W^T W
  Matrix G(W.cols(), W.cols());
  gemm(Trans::kYes, Trans::kNo, 1.0, W, W, 0.0, G);
  return G;
}

void require_positive_dimension(std::size_t d, const char* what) {
  if (d == 0) {
    std::ostringstream msg;
    msg << what << ": input dimension d must be >= 1";
    throw std::invalid_argument(msg.str());
  }
}

}  // namespace

// ---- (D1) ------------------------------------------------------------------------------------

Matrix ntk_metric(const Matrix& W1, const Matrix& W2) {
  if (W2.rows() != 1 || W2.cols() != W1.rows() || W1.empty()) {
    std::ostringstream msg;
    msg << "ntk_metric: W1 " << shape_str(W1) << " and W2 " << shape_str(W2)
        << " must be (h x d) and (1 x h) (scalar output)";
    throw std::invalid_argument(msg.str());
  }
  // BEGIN ASSIGNMENT A6: ntk_metric (docs/theory.md#d1-the-tangent-kernel-is-xt-a-x)
  // TODO: A = W1^T W1 + ||W2||_F^2 I, shape (d, d) for W1 (h, d) and W2 (1, h).
  // gram_of_columns(W1) above gives W1^T W1; frobenius_inner(W2, W2) gives ||W2||_F^2.
  Matrix A = gram_of_columns(W1);  // W1^T W1        derived: docs/theory.md (D1)
  const double w2_sq = frobenius_inner(W2, W2);
  for (std::size_t i = 0; i < A.rows(); ++i) A(i, i) += w2_sq;  // + ||W2||^2 I
  return A;
  // END ASSIGNMENT A6
}

Matrix kernel_from_metric(const Matrix& X, const Matrix& A) {
  require_square(A, "kernel_from_metric: A");
  if (X.rows() != A.rows()) {
    std::ostringstream msg;
    msg << "kernel_from_metric: X " << shape_str(X) << " must have d = " << A.rows() << " rows";
    throw std::invalid_argument(msg.str());
  }
  Matrix AX(A.rows(), X.cols());
  gemm(Trans::kNo, Trans::kNo, 1.0, A, X, 0.0, AX);  // A X      (d, n)
  Matrix K(X.cols(), X.cols());
  gemm(Trans::kYes, Trans::kNo, 1.0, X, AX, 0.0, K);  // X^T A X  (n, n)
  return K;
}

NtkSplit ntk_split(const Matrix& W1, const Matrix& W2, const Matrix& X) {
  const Matrix A = ntk_metric(W1, W2);  // validates W1, W2
  if (X.rows() != W1.cols()) {
    std::ostringstream msg;
    msg << "ntk_split: X " << shape_str(X) << " must have d = " << W1.cols() << " rows";
    throw std::invalid_argument(msg.str());
  }
  NtkSplit split;
  split.from_W2 = kernel_from_metric(X, gram_of_columns(W1));   // X^T W1^T W1 X
  split.from_W1 = kernel_from_metric(X, Matrix::identity(X.rows()));  // X^T X ...
  split.from_W1 *= frobenius_inner(W2, W2);                     // ... times ||W2||^2
  return split;
}

// ---- (D2) ------------------------------------------------------------------------------------

double whitened_kernel_alignment(const Matrix& A, const Matrix& B) {
  require_square(A, "whitened_kernel_alignment: A");
  require_same_shape(A, B, "whitened_kernel_alignment: A vs B");
  // BEGIN ASSIGNMENT A6: whitened_kernel_alignment (docs/theory.md#d2-whitened-data-turns-kernel-alignment-into-a-cosine-of-d-x-d-matrices)
  // TODO: with X X^T = n I the n x n kernels' alignment is the cosine of the d x d metrics.
  return frobenius_cosine(A, B);  // <A, B>_F / (||A||_F ||B||_F)   derived: docs/theory.md (D2)
  // END ASSIGNMENT A6
}

// ---- (D3) ------------------------------------------------------------------------------------

Matrix conservation_law(const Matrix& W1, const Matrix& W2) {
  if (W2.cols() != W1.rows()) {
    std::ostringstream msg;
    msg << "conservation_law: W1 " << shape_str(W1) << " and W2 " << shape_str(W2)
        << " must be (h x d) and (K x h)";
    throw std::invalid_argument(msg.str());
  }
  Matrix C(W1.rows(), W1.rows());
  gemm(Trans::kNo, Trans::kYes, 1.0, W1, W1, 0.0, C);   // W1 W1^T
  gemm(Trans::kYes, Trans::kNo, -1.0, W2, W2, 1.0, C);  // - W2^T W2   derived: docs/theory.md (D3)
  return C;
}

LinearEndPoint small_init_end_point(const std::vector<double>& w_star,
                                    const std::vector<double>& u) {
  const std::vector<double> w_hat = unit(w_star, "small_init_end_point: w_star");
  const std::vector<double> u_hat = unit(u, "small_init_end_point: u");
  const double scale = std::sqrt(norm2(w_star));  // sqrt(||w*||)   derived: docs/theory.md (D3)
  LinearEndPoint end;
  end.W1 = Matrix(u_hat.size(), w_hat.size());
  end.W2 = Matrix(1, u_hat.size());
  for (std::size_t i = 0; i < u_hat.size(); ++i) {
    for (std::size_t j = 0; j < w_hat.size(); ++j) end.W1(i, j) = scale * u_hat[i] * w_hat[j];
    end.W2(0, i) = scale * u_hat[i];
  }
  return end;
}

Matrix small_init_end_metric(const std::vector<double>& w_star) {
  const std::vector<double> w_hat = unit(w_star, "small_init_end_metric: w_star");
  const double len = norm2(w_star);
  Matrix A(w_hat.size(), w_hat.size());
  for (std::size_t i = 0; i < w_hat.size(); ++i)
    for (std::size_t j = 0; j < w_hat.size(); ++j)
      A(i, j) = len * (w_hat[i] * w_hat[j] + (i == j ? 1.0 : 0.0));  // derived: (D3)
  return A;
}

double small_init_weight_change_sq(const std::vector<double>& w_star) {
  unit(w_star, "small_init_weight_change_sq: w_star");
  return 2.0 * norm2(w_star);  // derived: docs/theory.md (D3)
}

// ---- (D4) ------------------------------------------------------------------------------------

double ka_after_training(const Matrix& A0, const std::vector<double>& w_star) {
  require_square(A0, "ka_after_training: A0");
  require_dimension(A0, w_star, "ka_after_training: w_star");
  const std::vector<double> w_hat = unit(w_star, "ka_after_training: w_star");
  // BEGIN ASSIGNMENT A6: ka_after_training (docs/theory.md#d4-per-task-alignment-after-training)
  // TODO: KA(0, inf) = (w_hat^T A0 w_hat + tr A0) / (||A0||_F sqrt(d + 3)) for the unit teacher w_hat.
  // quadratic_form(A, v) = v^T A v is above; trace and frobenius_norm are in linalg/norms.h.
  const double d = static_cast<double>(A0.rows());
  // derived: docs/theory.md (D4)
  return (quadratic_form(A0, w_hat) + trace(A0)) / (frobenius_norm(A0) * std::sqrt(d + 3.0));
  // END ASSIGNMENT A6
}

// ---- (D5) ------------------------------------------------------------------------------------

double expected_ka(const Matrix& A0) {
  require_square(A0, "expected_ka: A0");
  // BEGIN ASSIGNMENT A6: expected_ka (docs/theory.md#d5-expectation-over-isotropic-tasks-our-statement-of-theorem-1)
  // TODO: average (D4) over unit teachers uniform on the sphere: E[w_hat^T A0 w_hat] = tr(A0) / d.
  const double d = static_cast<double>(A0.rows());
  // derived: docs/theory.md (D5)
  return (1.0 + 1.0 / d) * trace(A0) / (std::sqrt(d + 3.0) * frobenius_norm(A0));
  // END ASSIGNMENT A6
}

double expected_ka_from_pr(std::size_t d, double participation_ratio) {
  require_positive_dimension(d, "expected_ka_from_pr");
  const double dd = static_cast<double>(d);
  if (!(participation_ratio >= 1.0 - 1e-12) || !(participation_ratio <= dd * (1.0 + 1e-12))) {
    std::ostringstream msg;
    msg << "expected_ka_from_pr: participation ratio " << participation_ratio
        << " must lie in [1, d = " << d << "]";
    throw std::invalid_argument(msg.str());
  }
  const double q = 1.0 / participation_ratio;
  // derived: docs/theory.md (D5)
  return (dd + 1.0) * (dd + 1.0) / (dd * std::sqrt((dd + 3.0) * (dd + 2.0 + q)));
}

double first_layer_participation_ratio(const Matrix& W1) {
  const double fro_sq = frobenius_inner(W1, W1);  // sum s_i^2
  if (!(fro_sq > 0.0)) throw std::invalid_argument("first_layer_participation_ratio: W1 is zero");
  const Matrix G = gram_of_columns(W1);
  return fro_sq * fro_sq / frobenius_inner(G, G);  // (sum s^2)^2 / sum s^4
}

// ---- (D6) ------------------------------------------------------------------------------------

double feature_ka_after_training(const Matrix& W1_0, const std::vector<double>& w_star) {
  const Matrix G = gram_of_columns(W1_0);  // W1(0)^T W1(0)  (d, d)
  require_dimension(G, w_star, "feature_ka_after_training: w_star");
  const std::vector<double> w_hat = unit(w_star, "feature_ka_after_training: w_star");
  return quadratic_form(G, w_hat) / frobenius_norm(G);  // derived: docs/theory.md (D6)
}

double expected_feature_ka_from_pr(std::size_t d, double participation_ratio) {
  require_positive_dimension(d, "expected_feature_ka_from_pr");
  if (!(participation_ratio > 0.0))
    throw std::invalid_argument("expected_feature_ka_from_pr: participation ratio must be > 0");
  return std::sqrt(participation_ratio) / static_cast<double>(d);  // derived: (D6)
}

// ---- (D7) ------------------------------------------------------------------------------------

double initial_kernel_target_alignment(const Matrix& A0, const std::vector<double>& w_star) {
  require_square(A0, "initial_kernel_target_alignment: A0");
  require_dimension(A0, w_star, "initial_kernel_target_alignment: w_star");
  const std::vector<double> w_hat = unit(w_star, "initial_kernel_target_alignment: w_star");
  return quadratic_form(A0, w_hat) / frobenius_norm(A0);  // derived: docs/theory.md (D7)
}

double expected_initial_kernel_target_alignment(const Matrix& A0) {
  require_square(A0, "expected_initial_kernel_target_alignment: A0");
  return trace(A0) / (static_cast<double>(A0.rows()) * frobenius_norm(A0));  // derived: (D7)
}

// ---- (D8) ------------------------------------------------------------------------------------

Matrix aligned_rank_one_first_layer(const std::vector<double>& beta, const std::vector<double>& u,
                                    double sigma) {
  if (!(sigma > 0.0) || !std::isfinite(sigma))
    throw std::invalid_argument("aligned_rank_one_first_layer: sigma must be positive and finite");
  const std::vector<double> b = unit(beta, "aligned_rank_one_first_layer: beta");
  const std::vector<double> u_hat = unit(u, "aligned_rank_one_first_layer: u");
  Matrix W1(u_hat.size(), b.size());
  for (std::size_t i = 0; i < u_hat.size(); ++i)
    for (std::size_t j = 0; j < b.size(); ++j)
      W1(i, j) = sigma * u_hat[i] * b[j];  // sigma u beta_hat^T   derived: docs/theory.md (D8)
  return W1;
}

// ---- (D9) ------------------------------------------------------------------------------------

double partial_alignment_ka(std::size_t d, double cos_sq_theta) {
  require_positive_dimension(d, "partial_alignment_ka");
  if (!(cos_sq_theta >= 0.0 && cos_sq_theta <= 1.0)) {
    std::ostringstream msg;
    msg << "partial_alignment_ka: cos^2 theta = " << cos_sq_theta << " must lie in [0, 1]";
    throw std::invalid_argument(msg.str());
  }
  const double dd = static_cast<double>(d);
  return (cos_sq_theta + dd + 2.0) / (dd + 3.0);  // derived: docs/theory.md (D9)
}

}  // namespace rl
