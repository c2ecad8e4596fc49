// Matrix norms.  Sums of squares scale by the largest entry first so that they neither overflow
// (entries near 1e300) nor lose everything to underflow (entries near 1e-300).
#include "linalg/norms.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "linalg/eig_general.h"
#include "linalg/svd.h"

namespace rl {

double frobenius_norm(const Matrix& A) {
  require_finite(A, "frobenius_norm: input matrix");
  const double big = max_abs(A);
  if (big == 0.0) return 0.0;
  double sum = 0.0;
  for (double a : A.values()) sum += (a / big) * (a / big);
  return big * std::sqrt(sum);
}

double frobenius_inner(const Matrix& A, const Matrix& B) {
  require_same_shape(A, B, "frobenius_inner");
  double sum = 0.0;
  for (std::size_t i = 0; i < A.size(); ++i) sum += A.data()[i] * B.data()[i];
  return sum;
}

double trace(const Matrix& A) {
  if (A.rows() != A.cols())
    throw std::invalid_argument("trace: matrix must be square, got " + shape_str(A));
  double sum = 0.0;
  for (std::size_t i = 0; i < A.rows(); ++i) sum += A(i, i);
  return sum;
}

double spectral_norm(const Matrix& A) {
  const std::vector<double> s = singular_values(A);
  return s.empty() ? 0.0 : s.front();
}

double nuclear_norm(const Matrix& A) {
  double sum = 0.0;
  for (double s : singular_values(A)) sum += s;
  return sum;
}

double spectral_radius(const Matrix& A) {
  const EigGeneralResult eig = eig_general(A);
  return eig.values.empty() ? 0.0 : std::abs(eig.values.front());
}

double frobenius_cosine(const Matrix& A, const Matrix& B) {
  require_same_shape(A, B, "frobenius_cosine");
  const double norm_a = frobenius_norm(A), norm_b = frobenius_norm(B);
  if (norm_a == 0.0 || norm_b == 0.0)
    throw std::invalid_argument(std::string("frobenius_cosine: ") +
                                (norm_a == 0.0 ? "first" : "second") +
                                " matrix is zero, the cosine is undefined");
  double sum = 0.0;  // <A / ||A||, B / ||B||>: cannot overflow
  for (std::size_t i = 0; i < A.size(); ++i)
    sum += (A.data()[i] / norm_a) * (B.data()[i] / norm_b);
  return std::clamp(sum, -1.0, 1.0);
}

}  // namespace rl
