// One-sided Jacobi (Hestenes) SVD for any shape; see docs/linalg.md for the derivation.
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
