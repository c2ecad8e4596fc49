#include "nn/connectivity/spectrum_report.h"

#include <cmath>
#include <stdexcept>

#include "linalg/effective_rank.h"
#include "linalg/eig_general.h"
#include "linalg/norms.h"
#include "linalg/svd.h"

namespace rl {

SpectrumReport spectrum_report(const Matrix& W) {
  if (W.empty() || W.rows() != W.cols())
    throw std::invalid_argument("spectrum_report: W " + shape_str(W) + " must be square and non-empty");
  require_finite(W, "spectrum_report: W");
  SpectrumReport r;
  r.N = W.rows();
  r.frobenius = frobenius_norm(W);
  if (!(r.frobenius > 0.0)) throw std::invalid_argument("spectrum_report: W is zero");

  const EigGeneralResult eig = eig_general(W);
  r.eigenvalues = eig.values;
  r.eig_converged = eig.converged;
  std::vector<double> moduli;
  for (const auto& z : r.eigenvalues) moduli.push_back(std::abs(z));
  r.spectral_radius = moduli.empty() ? 0.0 : moduli.front();
  for (std::size_t i = 0; i < moduli.size(); ++i) {
    r.modulus_rel.push_back(r.spectral_radius > 0.0 ? moduli[i] / r.spectral_radius : 0.0);
    r.index_over_N.push_back(static_cast<double>(i + 1) / r.N);
  }
  r.relative_rank_eigen = r.spectral_radius > 0.0 ? relative_rank(moduli, r.N) : 0.0;

  r.singular_values = singular_values(W);
  r.spectral_norm = r.singular_values.front();
  r.relative_rank_singular = relative_rank(r.singular_values, r.N);
  r.participation_ratio = participation_ratio(r.singular_values);
  r.roy_vetterli = roy_vetterli_rank(r.singular_values);
  r.stable_rank = stable_rank(r.singular_values);
  r.nuclear_over_spectral = nuclear_over_spectral(r.singular_values);
  return r;
}

}  // namespace rl
