// Cyclic Jacobi eigensolver for real symmetric matrices (Golub & Van Loan 8.5).
#pragma once

#include <vector>

#include "linalg/matrix.h"

namespace rl {

struct EigSymResult {
  std::vector<double> values;  // ascending
  Matrix vectors;              // (n x n), column j is the eigenvector of values[j]
  int sweeps = 0;
  bool converged = false;
  double off_norm = 0.0;       // off-diagonal Frobenius norm at exit
};

// Throws std::invalid_argument if A is not square, not symmetric (to a relative 1e-12), or has
// non-finite entries.  Sign convention: largest-magnitude entry of each vector positive.
EigSymResult eig_sym(const Matrix& A, int max_sweeps = 50);

}  // namespace rl
