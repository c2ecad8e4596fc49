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

// Throws on non-square or non-finite input; never loops forever (30 * n iteration cap).
EigGeneralResult eig_general(const Matrix& A);

// Reduction to upper Hessenberg form H = Q^T A Q (exposed for tests).
Matrix hessenberg(const Matrix& A);

}  // namespace rl
