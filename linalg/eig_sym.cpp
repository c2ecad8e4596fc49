// Cyclic-by-rows Jacobi eigensolver for real symmetric matrices (Golub & Van Loan 8.5.2-8.5.3).
//
// Each step annihilates a_pq with the rotation J(p, q, theta), A <- J^T A J, choosing the smaller
// angle |theta| <= pi/4 (Golub & Van Loan 8.5.2, symSchur2; the 2x2 step is linalg/jacobi_rotation.h):
//   tau = (a_qq - a_pp) / (2 a_pq),  t = sign(tau) / (|tau| + sqrt(1 + tau^2)),
//   c = 1 / sqrt(1 + t^2),  s = t c,  a_pp' = a_pp - t a_pq,  a_qq' = a_qq + t a_pq,  a_pq' = 0.
// Stopping rule (Demmel & Veselic 1992): skip the pair when |a_pq| <= eps sqrt(|a_pp a_qq|); stop
// after a sweep that rotates nothing.  Eigenvectors accumulate as the rows of Vt = V^T so both the
// row update of A and the update of V stream through contiguous memory.
#include "linalg/eig_sym.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "linalg/jacobi_rotation.h"

namespace rl {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
// Symmetry is checked to this relative tolerance (header contract).
constexpr double kSymmetryTol = 1e-12;
// Entries below kEps^2 ||A||_F are negligible whatever the diagonal (covers a_pp = 0). [TP]
constexpr double kNegligibleRel = kEps * kEps;

void require_symmetric(const Matrix& A) {
  if (A.rows() != A.cols())
    throw std::invalid_argument("eig_sym: matrix must be square, got " + shape_str(A));
  require_finite(A, "eig_sym: input matrix");
  const double tol = kSymmetryTol * max_abs(A);
  for (std::size_t i = 0; i < A.rows(); ++i)
    for (std::size_t j = i + 1; j < A.cols(); ++j)
      if (std::fabs(A(i, j) - A(j, i)) > tol)
        throw std::invalid_argument("eig_sym: matrix is not symmetric: A(" + std::to_string(i) +
                                    ", " + std::to_string(j) + ") = " + std::to_string(A(i, j)) +
                                    " but A(" + std::to_string(j) + ", " + std::to_string(i) +
                                    ") = " + std::to_string(A(j, i)));
}

double off_diagonal_norm(const Matrix& A) {
  double big = 0.0;
  for (std::size_t i = 0; i < A.rows(); ++i)
    for (std::size_t j = 0; j < A.cols(); ++j)
      if (i != j) big = std::max(big, std::fabs(A(i, j)));
  if (big == 0.0) return 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < A.rows(); ++i)
    for (std::size_t j = 0; j < A.cols(); ++j)
      if (i != j) sum += (A(i, j) / big) * (A(i, j) / big);
  return big * std::sqrt(sum);
}

// A <- J^T A J and Vt <- J^T Vt for the pair (p, q).  Rows p, q of A are rotated in place; by
// symmetry columns p, q are then copies of them; the 2x2 block is set from the closed form.
void apply_rotation(Matrix& A, Matrix& Vt, std::size_t p, std::size_t q, const JacobiRotation& r) {
  const std::size_t n = A.rows();
  const double t = r.t;
  const double app = A(p, p), aqq = A(q, q), apq = A(p, q);
  double* row_p = A.row(p);
  double* row_q = A.row(q);
  apply_jacobi_rotation(row_p, row_q, n, r.c, r.s);
  double* a = A.data();
  for (std::size_t k = 0; k < n; ++k) {  // strided: raw pointers keep bounds checks off this loop
    a[k * n + p] = row_p[k];
    a[k * n + q] = row_q[k];
  }
  A(p, p) = app - t * apq;
  A(q, q) = aqq + t * apq;
  A(p, q) = 0.0;
  A(q, p) = 0.0;
  apply_jacobi_rotation(Vt.row(p), Vt.row(q), n, r.c, r.s);
}

// One cyclic-by-rows sweep; returns the number of rotations applied.
std::size_t jacobi_sweep(Matrix& A, Matrix& Vt, double negligible) {
  const std::size_t n = A.rows();
  std::size_t rotations = 0;
  for (std::size_t p = 0; p + 1 < n; ++p)
    for (std::size_t q = p + 1; q < n; ++q) {
      const double apq = A(p, q);
      if (std::fabs(apq) <= kEps * std::sqrt(std::fabs(A(p, p))) * std::sqrt(std::fabs(A(q, q))) ||
          std::fabs(apq) <= negligible)
        continue;
      apply_rotation(A, Vt, p, q, jacobi_rotation(A(p, p), A(q, q), apq));
      ++rotations;
    }
  return rotations;
}

}  // namespace

EigSymResult eig_sym(const Matrix& A_in, int max_sweeps) {
  require_symmetric(A_in);
  if (max_sweeps < 1)
    throw std::invalid_argument("eig_sym: max_sweeps must be >= 1, got " + std::to_string(max_sweeps));
  const std::size_t n = A_in.rows();
  // Scale by a power of two (exact) so that max |a_ij| lies in [1/2, 1): no overflow in tau.
  int exponent = 0;
  if (n > 0 && max_abs(A_in) > 0.0) std::frexp(max_abs(A_in), &exponent);
  Matrix A(n, n);  // (n, n), symmetrised and scaled copy
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      A(i, j) = std::ldexp(0.5 * (A_in(i, j) + A_in(j, i)), -exponent);
  Matrix Vt = Matrix::identity(n);  // (n, n), row j = eigenvector j

  EigSymResult result;
  double frob = 0.0;
  for (double a : A.values()) frob += a * a;  // no overflow: |a_ij| < 1
  const double negligible = kNegligibleRel * std::sqrt(frob);
  while (result.sweeps < max_sweeps) {
    const std::size_t rotations = jacobi_sweep(A, Vt, negligible);
    ++result.sweeps;
    if (rotations == 0) {
      result.converged = true;
      break;
    }
  }
  if (n == 0) result.converged = true;
  result.off_norm = std::ldexp(off_diagonal_norm(A), exponent);

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return A(a, a) < A(b, b); });
  result.values.resize(n);
  result.vectors = Matrix(n, n);
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t src = order[j];
    result.values[j] = std::ldexp(A(src, src), exponent);
    const double* v = Vt.row(src);
    std::size_t arg = 0;  // largest-magnitude entry, first index on ties
    for (std::size_t i = 1; i < n; ++i)
      if (std::fabs(v[i]) > std::fabs(v[arg])) arg = i;
    const double sign = v[arg] < 0.0 ? -1.0 : 1.0;
    for (std::size_t i = 0; i < n; ++i) result.vectors(i, j) = sign * v[i];
  }
  return result;
}

}  // namespace rl
