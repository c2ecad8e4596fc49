// Tests for tasks/student_teacher: exact whitening, teacher norm and isotropy, the spectrum of
// the feature-modulation matrix and its truncation, and the targets.
#include "tasks/student_teacher.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "linalg/svd.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

// Orthogonality of Householder Q is ~ n eps; X X^T = n Q^T Q scales it by n.
double whitening_tol(std::size_t n) { return 20.0 * n * n * testing::kEps; }

TEST(StudentTeacher, InputsAreExactlyWhitened) {
  Rng rng(1);
  for (auto [d, n] : {std::pair<std::size_t, std::size_t>{20, 100}, {10, 10}, {3, 50}}) {
    const Matrix X = whitened_inputs(d, n, rng);
    ASSERT_EQ(X.rows(), d);
    ASSERT_EQ(X.cols(), n);
    const Matrix gram = matmul(X, transpose(X));  // (d, d)
    EXPECT_TRUE(testing::MatricesNear(gram, Matrix::identity(d) * double(n), whitening_tol(n)))
        << "d " << d << " n " << n;
  }
}

TEST(StudentTeacher, TeacherHasTheRequestedNormAndAnIsotropicDirection) {
  Rng rng(2);
  const std::size_t d = 5;
  const int draws = 20000;
  Matrix second_moment(d, d);
  for (int i = 0; i < draws; ++i) {
    const std::vector<double> w = teacher_vector(d, 3.0, rng);
    double sq = 0.0;
    for (double v : w) sq += v * v;
    ASSERT_NEAR(std::sqrt(sq), 3.0, 8 * testing::kEps * 3.0);
    for (std::size_t a = 0; a < d; ++a)
      for (std::size_t b = 0; b < d; ++b) second_moment(a, b) += w[a] * w[b] / 9.0 / draws;
  }
  // Uniform on the sphere: E[u u^T] = I / d.  Each entry's SE is about 1/(d sqrt(draws)) <= 0.0015.
  const double kMomentTol = 0.01;
  EXPECT_TRUE(testing::MatricesNear(second_moment, Matrix::identity(d) * (1.0 / d), kMomentTol));
}

TEST(StudentTeacher, FeatureModulationHasSingularValuesKappaAndOne) {
  Rng rng(3);
  const std::size_t d = 10;
  const double kappa = 4.0;
  const FeatureModulation fm = feature_modulation(d, kappa, rng);
  const std::vector<double> s = singular_values(fm.F);
  const std::vector<double> s_top = singular_values(fm.F_top);
  const double kWeylTol = 50.0 * d * testing::kEps * kappa;  // |s_i - s_hat_i| <= c n eps s_max
  for (std::size_t i = 0; i < d; ++i) {
    EXPECT_NEAR(s[i], i < d / 2 ? kappa : 1.0, kWeylTol) << "i " << i;
    EXPECT_NEAR(s_top[i], i < d / 2 ? kappa : 0.0, kWeylTol) << "i " << i;
  }
  // F - F_top is the unit block: F = F_top + Q1[:, d/2:] Q2[:, d/2:]^T.
  const Matrix rest = matmul(columns(fm.Q1, d / 2, d), transpose(columns(fm.Q2, d / 2, d)));
  EXPECT_TRUE(testing::MatricesNear(fm.F - fm.F_top, rest, kWeylTol));
}

TEST(StudentTeacher, TargetsAreTheTaskVectorAppliedToTheInputs) {
  Rng rng(4);
  const std::size_t d = 6, n = 12;
  const Matrix X = whitened_inputs(d, n, rng);
  const std::vector<double> w = teacher_vector(d, 2.0, rng);
  const FeatureModulation fm = feature_modulation(d, 3.0, rng);
  const std::vector<double> y = teacher_targets(w, fm.F, X);
  const std::vector<double> beta = task_vector(w, fm.F);
  ASSERT_EQ(y.size(), n);
  const double kTol = 100 * testing::kEps * 2.0 * 3.0 * std::sqrt(double(n));  // |y_j| <~ ||w|| kappa sqrt(n)
  for (std::size_t j = 0; j < n; ++j) {
    double wFx = 0.0;  // w^T F x_j, summed in the other order
    for (std::size_t a = 0; a < d; ++a)
      for (std::size_t b = 0; b < d; ++b) wFx += w[a] * fm.F(a, b) * X(b, j);
    EXPECT_NEAR(y[j], wFx, kTol);
  }
  // Whitened data recover beta exactly: X y / n = X X^T beta / n = beta.
  const std::vector<double> recovered = matvec(X, y);
  for (std::size_t a = 0; a < d; ++a) EXPECT_NEAR(recovered[a] / n, beta[a], kTol);
}

TEST(StudentTeacher, PlainTaskUsesTheIdentityModulation) {
  Rng rng(5);
  const StudentTeacherTask task = make_student_teacher_task(4, 8, 1.5, rng);
  for (std::size_t j = 0; j < 8; ++j) {
    double wx = 0.0;
    for (std::size_t a = 0; a < 4; ++a) wx += task.w[a] * task.X(a, j);
    EXPECT_NEAR(task.y[j], wx, 64 * testing::kEps * 1.5 * std::sqrt(8.0));
  }
}

TEST(StudentTeacher, RejectsBadSizes) {
  Rng rng(6);
  EXPECT_THROW(whitened_inputs(5, 4, rng), std::invalid_argument);
  EXPECT_THROW(whitened_inputs(0, 4, rng), std::invalid_argument);
  EXPECT_THROW(teacher_vector(3, 0.0, rng), std::invalid_argument);
  EXPECT_THROW(feature_modulation(5, 2.0, rng), std::invalid_argument);
  EXPECT_THROW(feature_modulation(4, -1.0, rng), std::invalid_argument);
  EXPECT_THROW(task_vector({1.0, 2.0}, Matrix::identity(3)), std::invalid_argument);
}

}  // namespace
}  // namespace rl
