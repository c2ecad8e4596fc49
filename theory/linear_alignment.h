// Closed forms for the two-layer linear student-teacher model, one function per statement
// (D1)-(D9) of docs/theory.md.  These are OUR statements [DER], derived for the model exactly as
// defined in docs/paper.md#two-layer-linear; they are not the paper's printed text.
//
// The paper's informal Theorem 1 [CAP] (arXiv:2310.08513v2, section 2.3), word for word as far as
// our copy goes (it breaks off mid-sentence; docs/paper.md#provenance-tags):
//   "(Informal) Consider the network above with its corresponding NTK in Eq. eqn:NTK, trained
//    under MSE loss with small initialization and whitened data. The expected kernel alignment
//    across tasks is maximized with high-rank initialization, i.e. the singular values of
//    $W^{(0)}_1$ are distributed across a"
// Our statement of Theorem 1 is (D5) below; our statement of Proposition 1 is (D8).
//
// Model (dimension letters: d inputs, h hidden, n samples):
//   f(x) = W2 W1 x,  W1 (h, d),  W2 (1, h),  teacher y = w*^T x,  X (d, n) with X X^T = n I,
//   loss (1/2n) ||W2 W1 X - w*^T X||^2, small initialization ||W1(0)||_F = ||W2(0)|| = sigma.
// "KA" is the uncentred kernel alignment <K(0), K(f)>_F / (||K(0)||_F ||K(f)||_F) (docs/paper.md#measures).
//
// Vectors (w*, beta, u, b) are std::vector<double>; metric matrices A are (d, d).
#pragma once

#include <cstddef>
#include <vector>

#include "linalg/matrix.h"

namespace rl {

// ---------------------------------------------------------------------------------------------
// (D1) Tangent kernel of f = W2 W1 x with respect to (W1, W2), scalar output:
//   K(x, x') = x^T A x',   A = W1^T W1 + ||W2||^2 I_d.   On data: K = X^T A X.
// Exact for any weights and any data (no assumption).  derived: docs/theory.md (D1)
// ---------------------------------------------------------------------------------------------

// A = W1^T W1 + ||W2||^2 I  (d, d).  W2 must be a single row (1, h) matching W1 (h, d).
Matrix ntk_metric(const Matrix& W1, const Matrix& W2);
// K = X^T A X  (n, n)  for X (d, n) and A (d, d).
Matrix kernel_from_metric(const Matrix& X, const Matrix& A);

// The two parts of K:  from the W2-gradients X^T W1^T W1 X ("feature kernel"), and from the
// W1-gradients ||W2||^2 X^T X.  K = from_W2 + from_W1.
struct NtkSplit {
  Matrix from_W2;  // (n, n)
  Matrix from_W1;  // (n, n)
};
NtkSplit ntk_split(const Matrix& W1, const Matrix& W2, const Matrix& X);

// ---------------------------------------------------------------------------------------------
// (D2) With whitened data (X X^T = n I), the alignment of K_A = X^T A X and K_B = X^T B X is
//   KA = <A, B>_F / (||A||_F ||B||_F)   ( = tr(AB) / (||A||_F ||B||_F) for symmetric A ).
// Exact for any A, B (d, d) when X X^T = n I; wrong in general otherwise.
// derived: docs/theory.md (D2)
// ---------------------------------------------------------------------------------------------
double whitened_kernel_alignment(const Matrix& A, const Matrix& B);

// ---------------------------------------------------------------------------------------------
// (D3) Small-initialization end point.
//  (a) Gradient flow conserves C = W1 W1^T - W2^T W2 (h, h) exactly; gradient descent with step
//      lr changes it by lr^2 (G1 G1^T - G2^T G2) per step.
//  (b) As sigma -> 0 the trained network is balanced and rank one:
//        W1(f) -> sqrt(||w*||) u w_hat^T,  W2(f) -> sqrt(||w*||) u^T   (u a unit vector in R^h),
//        A(f)  -> ||w*|| (w_hat w_hat^T + I),   ||w_hat w_hat^T + I||_F^2 = d + 3,
//      with errors O(sigma^2) in A(f).
//  (c) ||W1(f) - W1(0)||_F^2 + ||W2(f) - W2(0)||^2 -> 2 ||w*||  (error O(sigma)).
// Assumes whitened data, scalar output, ||W1(0)||_F = ||W2(0)|| = sigma, gradient flow.
// derived: docs/theory.md (D3)
// ---------------------------------------------------------------------------------------------
Matrix conservation_law(const Matrix& W1, const Matrix& W2);  // W1 W1^T - W2^T W2  (h, h)

struct LinearEndPoint {
  Matrix W1;  // (h, d) sqrt(||w*||) u w_hat^T
  Matrix W2;  // (1, h) sqrt(||w*||) u^T
};
// The balanced rank-one limit for teacher w* and unit hidden direction u (u is normalised here).
LinearEndPoint small_init_end_point(const std::vector<double>& w_star, const std::vector<double>& u);
// ||w*|| (w_hat w_hat^T + I)  (d, d): the limit of A(f).
Matrix small_init_end_metric(const std::vector<double>& w_star);
// 2 ||w*||: the limit of the summed squared weight change.
double small_init_weight_change_sq(const std::vector<double>& w_star);

// ---------------------------------------------------------------------------------------------
// (D4) Per task, small-init limit:
//   KA(K(0), K(f)) = (w_hat^T A0 w_hat + tr A0) / (||A0||_F sqrt(d + 3)),   A0 = A(0).
// (D2) applied to A0 and the (D3) end metric.  Error O(sigma^2) for a trained network.
// derived: docs/theory.md (D4)
// ---------------------------------------------------------------------------------------------
double ka_after_training(const Matrix& A0, const std::vector<double>& w_star);

// ---------------------------------------------------------------------------------------------
// (D5) Our statement of Theorem 1.
// The paper's informal Theorem 1 [CAP, arXiv:2310.08513v2; our copy breaks off there]: "The expected kernel alignment
// across tasks is maximized with high-rank initialization, i.e. the singular values of W^(0)_1 are
// distributed across a".
// Ours: the expectation of (D4) over isotropic tasks (w_hat uniform on the sphere,
// E[w_hat w_hat^T] = I / d):
//   E[KA] = (1 + 1/d) tr A0 / (sqrt(d + 3) ||A0||_F).
// By Cauchy-Schwarz tr A0 <= sqrt(d) ||A0||_F with equality iff A0 is proportional to I, i.e.
// iff W1(0)^T W1(0) is proportional to I (flat spectrum, full rank; needs h >= d).
// With ||W1(0)||_F = ||W2(0)|| = sigma and q = sum s_i^4 / sigma^4 = 1 / PR(W1(0)):
//   E[KA] = (d + 1)^2 / (d sqrt((d + 3)(d + 2 + q))),
// increasing in PR; rank r with equal singular values has q = 1 / r.
// derived: docs/theory.md (D5)
// ---------------------------------------------------------------------------------------------
double expected_ka(const Matrix& A0);
// The balanced-norm form in terms of the participation ratio PR = 1/q of W1(0) (1 <= PR <= d).
double expected_ka_from_pr(std::size_t d, double participation_ratio);
// PR of W1 computed without an SVD: ||W1||_F^4 / ||W1^T W1||_F^2 = (sum s^2)^2 / sum s^4.
double first_layer_participation_ratio(const Matrix& W1);

// ---------------------------------------------------------------------------------------------
// (D6) Feature kernel (the W2-gradient part X^T W1^T W1 X only), small-init limit.
//   Per task: KA_feat = w_hat^T W1(0)^T W1(0) w_hat / ||W1(0)^T W1(0)||_F.
//   Over isotropic tasks: E[KA_feat] = sqrt(PR) / d  (rank one: 1/d; flat full rank: 1/sqrt(d)).
// derived: docs/theory.md (D6)
// ---------------------------------------------------------------------------------------------
double feature_ka_after_training(const Matrix& W1_0, const std::vector<double>& w_star);
double expected_feature_ka_from_pr(std::size_t d, double participation_ratio);

// ---------------------------------------------------------------------------------------------
// (D7) Initial kernel-target alignment with y = X^T w*, whitened X (exact, no limit needed):
//   KTA(K(0), y) = y^T K y / (||y||^2 ||K||_F) = w_hat^T A0 w_hat / ||A0||_F;
//   over isotropic tasks: tr A0 / (d ||A0||_F).
// derived: docs/theory.md (D7)
// ---------------------------------------------------------------------------------------------
double initial_kernel_target_alignment(const Matrix& A0, const std::vector<double>& w_star);
double expected_initial_kernel_target_alignment(const Matrix& A0);
// (The general KTA(K, y) of docs/paper.md#measures is rl::kernel_target_alignment in nn/measures.h.)

// ---------------------------------------------------------------------------------------------
// (D8) Our statement of Proposition 1.
// The paper's wording of Proposition 1 is not known to us (docs/paper.md#unknowns).  What is known [REV, CAP]:
// it is "a rank-1 initialization built from the task vector beta", and Fig. 3B's aligned start is
// "achieved by setting W_1 as described in Proposition 1 (with beta = w^T F [...]), so that the
// initialization aligns with the task statistics".
// Ours: the aligned rank-one start W1(0) = sigma u beta_hat^T
// (beta the task vector, u any unit vector in R^h), with any W2(0) of norm sigma.  The residual
// stays along beta_hat, W1 stays c(t) beta_hat^T with ||c(t)|| = ||W2(t)||, so A(t) stays
// proportional to A(0) and KA(K(0), K(t)) = 1 at every t -- for any sigma, and also under
// gradient descent when W2(0) = sigma u^T (then the network stays exactly balanced).
// derived: docs/theory.md (D8)
// ---------------------------------------------------------------------------------------------
Matrix aligned_rank_one_first_layer(const std::vector<double>& beta, const std::vector<double>& u,
                                    double sigma);  // (h, d)

// ---------------------------------------------------------------------------------------------
// (D9) Partial alignment: W1(0) = sigma u b^T, W2(0) = sigma u^T with unit b at angle theta to
// beta_hat; small-init limit:  KA = (cos^2 theta + d + 2) / (d + 3).
// (D4) with A0 = sigma^2 (b b^T + I); cos^2 theta = 1 gives (D8).  derived: docs/theory.md (D9)
// ---------------------------------------------------------------------------------------------
double partial_alignment_ka(std::size_t d, double cos_sq_theta);

}  // namespace rl
