// Everything Fig. 2 plots or tabulates about one recurrent matrix (docs/paper.md#measures, "Effective rank"):
// eigenvalue moduli relative to the largest against index / N, singular values, and the effective
// ranks.  The paper's Fig. 2 measure is the eigenvalue-based relative rank
// sum_i |lambda_i| / (|lambda_1| N) [REV]; the singular-value form and the others are ours to add.
// For non-normal matrices (Dale, cell types) the two relative ranks answer different questions
// (docs/connectivity.md#dale-balanced): report both.
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

#include "linalg/matrix.h"

namespace rl {

struct SpectrumReport {
  std::size_t N = 0;
  std::vector<std::complex<double>> eigenvalues;  // (N) by modulus, descending (rl::eig_general)
  std::vector<double> modulus_rel;                // (N) |lambda_i| / |lambda_1|
  std::vector<double> index_over_N;               // (N) (i + 1) / N, the x axis of the Fig. 2 spectra
  std::vector<double> singular_values;            // (N) descending
  bool eig_converged = false;

  double relative_rank_eigen = 0;     // sum |lambda_i| / (|lambda_1| N)   (the paper's Fig. 2 measure)
  double relative_rank_singular = 0;  // sum s_i / (s_1 N)
  double participation_ratio = 0;     // (sum s^2)^2 / sum s^4
  double roy_vetterli = 0;            // exp(entropy of s / sum s)
  double stable_rank = 0;             // sum s^2 / s_1^2
  double nuclear_over_spectral = 0;   // sum s / s_1 (= relative_rank_singular * N)
  double spectral_radius = 0, spectral_norm = 0, frobenius = 0;
};

// Throws on a non-square, empty, zero or non-finite W.
SpectrumReport spectrum_report(const Matrix& W);

}  // namespace rl
