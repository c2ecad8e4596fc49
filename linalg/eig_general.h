// Eigenvalues of a general real square matrix: Hessenberg reduction (Householder) followed by the
// Francis implicit double-shift QR iteration (Golub & Van Loan 7.4-7.5).  Used for the spectra of
// non-symmetric recurrent weight matrices (Fig. 2).
#pragma once

#include <complex>
#include <vector>

#include "linalg/matrix.h"

namespace rl {

struct EigGeneralResult {
  std::vector<std::complex<double>> values;  // sorted by modulus, descending (ties: real part desc)
  int iterations = 0;                        // total QR sweeps
  bool converged = false;
};

// Throws on non-square or non-finite input; never loops forever: at most max_iterations Francis
// QR steps in total, where a negative max_iterations (the default) means 30 n.  When the cap is
// reached first: converged = false, iterations = the cap, and `values` still has n entries, the
// eigenvalues deflated so far plus, for each row i of the undeflated leading block, its current
// diagonal entry H(i, i) as a real number (not an eigenvalue in general; their sum is still tr(A)
// to rounding, since every step is a similarity), all sorted as above.
EigGeneralResult eig_general(const Matrix& A, int max_iterations = -1);

// Reduction to upper Hessenberg form H = Q^T A Q (exposed for tests).
Matrix hessenberg(const Matrix& A);

}  // namespace rl
