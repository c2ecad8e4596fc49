// Effective ranks of a matrix (docs/paper.md#measures).  The *_from_values forms take singular values
// (or eigenvalue moduli) directly so that they can be tested on hand-written spectra.
#pragma once

#include <complex>
#include <vector>

#include "linalg/matrix.h"

namespace rl {

// (sum s_i^2)^2 / sum s_i^4.
double participation_ratio(const std::vector<double>& s);
// exp(-sum p_i ln p_i), p_i = s_i / sum s_j  (Roy & Vetterli 2007).
double roy_vetterli_rank(const std::vector<double>& s);
// sum s_i^2 / s_1^2.
double stable_rank(const std::vector<double>& s);
// sum s_i / s_1  (nuclear over spectral norm).
double nuclear_over_spectral(const std::vector<double>& s);
// sum |x_i| / (max |x_i| * N): relative effective rank (Fig. 2 uses eigenvalues of W).
double relative_rank(const std::vector<double>& moduli, std::size_t N);

// Convenience forms on a matrix.
struct EffectiveRanks {
  double participation_ratio = 0, roy_vetterli = 0, stable = 0, nuclear_over_spectral = 0;
  double relative_singular = 0;    // sum s_i / (s_1 N)
  double relative_eigenvalue = 0;  // sum |lambda_i| / (|lambda_1| N), square only (else NaN;
                                   // also NaN when every eigenvalue is zero)
};
EffectiveRanks effective_ranks(const Matrix& A);

}  // namespace rl
