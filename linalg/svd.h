// One-sided Jacobi (Hestenes) SVD for any shape; the derivation is docs/linalg.md, "One-sided Jacobi
// SVD, step by step".
//
// What it computes.  The thin SVD A = U diag(s) V^T of an m x n matrix, k = min(m, n): U (m x k) and
// V (n x k) with orthonormal columns, s the k singular values.  Rotations J are applied on the right
// of B = A (or of A^T when m < n, with the roles of U and V swapped afterwards), B <- B J, until the
// columns of B are mutually orthogonal; then s_j = ||b_j||, u_j = b_j / s_j and V = product of the J.
// Each rotation is the Jacobi 2x2 step of linalg/jacobi_rotation.h on the Gram matrix of a column pair.
//
// Ordering and signs.  s is descending (a stable sort: equal values keep their column order).  Each
// pair (u_j, v_j) is flipped so that the largest-magnitude entry of u_j is positive (the lowest index on
// ties), which makes U and V unique wherever the singular values are distinct.  Columns of U for zero
// singular values are completed to an orthonormal set.
//
// Stopping rule (LAPACK dgesvj's relative rule).  Sweep over all pairs p < q in cyclic-by-rows order
// (de Rijk pivoting: the largest remaining column first); rotate a pair only when
//   |a_p . a_q| > tol ||a_p|| ||a_q||,   tol = sqrt(M) eps   (M = max(m, n), the column length),
// i.e. when the cosine of their angle is above the rounding level of a length-M dot product.  Stop
// after a sweep that rotates nothing (converged = true).  Sweep cap: options.max_sweeps = 30
// (dgesvj's); reaching it returns the current factors with converged = false.  `sweeps` counts the
// sweeps including the final quiet one; `max_cos` is the largest cosine seen in the last sweep.
//
// Accuracy, in units of n eps (n = min(m, n) here, eps = 2^-52):
//   backward error ||A - U diag(s) V^T||_F / ||A||_F and orthogonality ||U^T U - I||, ||V^T V - I||
//   at most about n eps (measured on a 300 x 300 Gaussian: 0.006, 0.058 and 0.027 n eps; docs/linalg.md,
//   "Accuracy and cost"; the tests allow 10 n eps); every
//   singular value to within about n eps ||A||_2 (Weyl), and, being one-sided Jacobi, small values of
//   a graded matrix to high relative accuracy (Demmel & Veselic 1992).  A is first scaled by a power of
//   two (exact) so that entries near overflow or underflow lose nothing.
//
// NaN and Inf.  Rejected: svd_jacobi throws std::invalid_argument naming the solver when any entry is
// not finite (there is no meaningful SVD to return).
//
// References: M. R. Hestenes, Inversion of matrices by biorthogonalization (1958); P. P. M. de Rijk,
// A one-sided Jacobi algorithm for computing the SVD on a vector computer (1989); Z. Drmac and
// K. Veselic, New fast and accurate Jacobi SVD algorithm I/II (2008); LAPACK dgesvj.
//
// Example (tests/test_svd.cpp, SvdJacobi.HeaderExampleGivesFiveAndThree):
//   const rl::Matrix A = rl::Matrix::from_rows({{3.0, 2.0, 2.0}, {2.0, 3.0, -2.0}});
//   const rl::SvdResult r = rl::svd_jacobi(A);
//   std::printf("s = %.6f %.6f, sweeps %d, converged %d\n", r.s[0], r.s[1], r.sweeps, r.converged);
//   std::printf("U = [%.6f %.6f; %.6f %.6f]\n", r.U(0, 0), r.U(0, 1), r.U(1, 0), r.U(1, 1));
//   std::printf("V^T row 0 = %.6f %.6f %.6f\n", r.V(0, 0), r.V(1, 0), r.V(2, 0));
// prints
//   s = 5.000000 3.000000, sweeps 2, converged 1
//   U = [0.707107 0.707107; 0.707107 -0.707107]
//   V^T row 0 = 0.707107 0.707107 -0.000000
// (-0.000000 is a rounding-level entry, -7.1e-17 in that build: v_1 = (1, 1, 0) / sqrt(2) exactly).
#pragma once

#include <vector>

#include "linalg/matrix.h"

namespace rl {

struct SvdResult {
  Matrix U;               // (m x k), k = min(m, n), orthonormal columns
  std::vector<double> s;  // k singular values, descending
  Matrix V;               // (n x k), orthonormal columns;  A = U diag(s) V^T
  int sweeps = 0;         // sweeps performed
  bool converged = false; // false when the sweep cap was reached
  double max_cos = 0.0;   // largest |cos| between column pairs in the last sweep (LAPACK dgesvj)
};

struct SvdOptions {
  int max_sweeps = 30;    // LAPACK dgesvj cap
  bool compute_uv = true;
};

// A = U diag(s) V^T.  Values descending; sign convention: the largest-magnitude entry of each
// u_j is positive (ties broken by the lowest index).  Throws on non-finite input.
SvdResult svd_jacobi(const Matrix& A, const SvdOptions& options = {});

// Singular values only (descending).
std::vector<double> singular_values(const Matrix& A);

// Rank-r truncation U[:, :r] diag(s_1..s_r) V[:, :r]^T (r may exceed the rank; r <= min(m, n)).
Matrix truncate_rank(const Matrix& A, std::size_t r);
Matrix truncate_rank(const SvdResult& svd, std::size_t r);

// Moore-Penrose pseudo-inverse; singular values below rcond * s_max are treated as zero
// (rcond < 0 means max(m, n) * eps).
Matrix pseudo_inverse(const Matrix& A, double rcond = -1.0);

}  // namespace rl
