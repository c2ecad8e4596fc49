#include "tasks/student_teacher.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "linalg/qr.h"

namespace rl {

Matrix whitened_inputs(std::size_t d, std::size_t n, Rng& rng) {
  if (d == 0 || n < d)
    throw std::invalid_argument("whitened_inputs: need 1 <= d <= n, got d = " + std::to_string(d) +
                                ", n = " + std::to_string(n));
  const Matrix Q = haar_orthonormal_columns(n, d, rng);  // (n, d), Q^T Q = I
  return transpose(Q) * std::sqrt(static_cast<double>(n));  // (d, n), X X^T = n I
}

std::vector<double> teacher_vector(std::size_t d, double norm, Rng& rng) {
  if (d == 0) throw std::invalid_argument("teacher_vector: d must be > 0");
  if (!std::isfinite(norm) || norm <= 0.0)
    throw std::invalid_argument("teacher_vector: norm must be finite and > 0, got " + std::to_string(norm));
  // A standard Gaussian vector is rotation invariant, so its direction is uniform on the sphere.
  std::vector<double> w(d);
  double sq = 0.0;
  do {
    sq = 0.0;
    for (double& v : w) {
      v = rng.normal();
      sq += v * v;
    }
  } while (sq == 0.0);
  const double scale = norm / std::sqrt(sq);
  for (double& v : w) v *= scale;
  return w;
}

FeatureModulation feature_modulation(std::size_t d, double kappa, Rng& rng) {
  if (d < 2 || d % 2 != 0)
    throw std::invalid_argument("feature_modulation: d must be even and >= 2, got " + std::to_string(d));
  if (!std::isfinite(kappa) || kappa <= 0.0)
    throw std::invalid_argument("feature_modulation: kappa must be finite and > 0, got " +
                                std::to_string(kappa));
  FeatureModulation fm;
  fm.Q1 = haar_orthogonal(d, rng);
  fm.Q2 = haar_orthogonal(d, rng);
  fm.singular_values.assign(d, 1.0);
  std::vector<double> top(d, 0.0);
  for (std::size_t i = 0; i < d / 2; ++i) fm.singular_values[i] = top[i] = kappa;
  const Matrix Q2t = transpose(fm.Q2);
  fm.F = matmul(matmul(fm.Q1, Matrix::diagonal(fm.singular_values)), Q2t);  // (d, d)
  fm.F_top = matmul(matmul(fm.Q1, Matrix::diagonal(top)), Q2t);             // (d, d), rank d/2
  return fm;
}

std::vector<double> task_vector(const std::vector<double>& w, const Matrix& F) {
  if (F.rows() != w.size())
    throw std::invalid_argument("task_vector: w has " + std::to_string(w.size()) +
                                " entries but F is " + shape_str(F));
  return matvec(transpose(F), w);
}

std::vector<double> teacher_targets(const std::vector<double>& w, const Matrix& F, const Matrix& X) {
  const std::vector<double> beta = task_vector(w, F);
  if (X.rows() != beta.size())
    throw std::invalid_argument("teacher_targets: X is " + shape_str(X) + " but F is " + shape_str(F));
  return matvec(transpose(X), beta);  // (n)
}

StudentTeacherTask make_student_teacher_task(std::size_t d, std::size_t n, double teacher_norm, Rng& rng) {
  StudentTeacherTask task;
  task.X = whitened_inputs(d, n, rng);
  task.w = teacher_vector(d, teacher_norm, rng);
  task.y = teacher_targets(task.w, Matrix::identity(d), task.X);
  return task;
}

}  // namespace rl
