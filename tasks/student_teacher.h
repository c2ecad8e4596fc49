// The linear student-teacher task of docs/paper.md#two-layer-linear (Figs. 3A-B, 4A) and the feature-modulation
// reading of Fig. 3B [OURS].
//
//   X (d, n): inputs exactly whitened, X X^T = n I (n >= d): X = sqrt(n) Q^T with Q (n, d) Haar
//             orthonormal columns, so X X^T = n Q^T Q = n I.
//   w (d):    teacher vector, uniform direction on the sphere times a fixed norm.
//   F (d, d): feature modulation F = Q1 diag(kappa x d/2, 1 x d/2) Q2^T, Q1 and Q2 Haar orthogonal;
//             F_top = Q1[:, :d/2] kappa Q2[:, :d/2]^T is its rank-d/2 truncation.
//   y (n):    targets y = w^T F X; the task vector the network sees is beta = F^T w (y = beta^T X).
//
// Dimension letters: d input dimension, n number of samples.
#pragma once

#include <cstddef>
#include <vector>

#include "linalg/matrix.h"
#include "linalg/rng.h"

namespace rl {

// (d, n) with X X^T = n I exactly up to rounding; throws unless 1 <= d <= n.
Matrix whitened_inputs(std::size_t d, std::size_t n, Rng& rng);

// A d-vector with uniformly random direction and Euclidean norm `norm` (> 0).
std::vector<double> teacher_vector(std::size_t d, double norm, Rng& rng);

struct FeatureModulation {
  Matrix F;                              // (d, d) = Q1 diag(s) Q2^T
  Matrix F_top;                          // (d, d) rank d/2: the kappa block only
  Matrix Q1, Q2;                         // (d, d) Haar orthogonal
  std::vector<double> singular_values;   // s = (kappa x d/2, 1 x d/2)
};

// Throws unless d is even and >= 2 and kappa is finite and > 0.
FeatureModulation feature_modulation(std::size_t d, double kappa, Rng& rng);

// beta = F^T w (d): the linear map of whitened inputs the teacher computes.
std::vector<double> task_vector(const std::vector<double>& w, const Matrix& F);

// y_j = sum_i beta_i X_ij = w^T F X (n); with F = I this is w^T X.
std::vector<double> teacher_targets(const std::vector<double>& w, const Matrix& F, const Matrix& X);

// One plain student-teacher task (no modulation): y = w^T X.
struct StudentTeacherTask {
  Matrix X;                  // (d, n), X X^T = n I
  std::vector<double> w;     // (d) teacher, ||w|| = teacher_norm
  std::vector<double> y;     // (n) targets
};
StudentTeacherTask make_student_teacher_task(std::size_t d, std::size_t n, double teacher_norm, Rng& rng);

}  // namespace rl
