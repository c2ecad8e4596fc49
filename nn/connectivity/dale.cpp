#include "nn/connectivity/dale.h"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace rl {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMaxInhScale = 1e6;  // k in [1/this, this]: beyond, k |w| and the row balance overflow

void validate(const DaleParams& p) {
  check_connectivity_size("dale", p.N, 2);
  if (!(p.frac_e > 0.0 && p.frac_e < 1.0))
    throw std::invalid_argument("dale: E fraction frac_e = " + std::to_string(p.frac_e) +
                                " must lie strictly inside (0, 1)");
  if (!(p.density > 0.0 && p.density <= 1.0))
    throw std::invalid_argument("dale: density = " + std::to_string(p.density) + " must lie in (0, 1]");
  if (!(p.inh_scale >= 1.0 / kMaxInhScale && p.inh_scale <= kMaxInhScale))
    throw std::invalid_argument("dale: inhibitory scale k = " + std::to_string(p.inh_scale) +
                                " must lie in [1e-6, 1e6]");
  // exp(shape z) with shape above 10 overflows for |z| > 71 and has a second moment of exp(200).
  if (p.magnitude == DaleMagnitude::kLognormal && !(p.lognormal_shape >= 0.0 && p.lognormal_shape <= 10.0))
    throw std::invalid_argument("dale: lognormal_shape = " + std::to_string(p.lognormal_shape) +
                                " must lie in [0, 10]");
}

double draw_magnitude(DaleMagnitude law, double shape, Rng& rng) {
  switch (law) {
    case DaleMagnitude::kHalfNormal: return std::fabs(rng.normal());
    case DaleMagnitude::kExponential: return -std::log1p(-rng.uniform());  // inverse CDF of Exp(1)
    case DaleMagnitude::kLognormal: return std::exp(shape * rng.normal());
  }
  return 0.0;
}

// Each row's inhibitory weights rescaled so that they cancel the row's excitatory sum.
// Rows with no E or no I input cannot be balanced this way; they are zeroed and counted.
std::size_t balance_rows(Matrix& W, std::size_t n_e) {
  std::size_t unbalanceable = 0;
  for (std::size_t i = 0; i < W.rows(); ++i) {
    double* row = W.row(i);
    double e_sum = 0.0, i_sum = 0.0;
    for (std::size_t j = 0; j < W.cols(); ++j) (j < n_e ? e_sum : i_sum) += row[j];
    const double factor = e_sum / -i_sum;
    if (e_sum > 0.0 && i_sum < 0.0 && std::isfinite(factor)) {
      for (std::size_t j = n_e; j < W.cols(); ++j) row[j] *= factor;
    } else if (e_sum != 0.0 || i_sum != 0.0) {
      for (std::size_t j = 0; j < W.cols(); ++j) row[j] = 0.0;
      ++unbalanceable;
    }
  }
  return unbalanceable;
}

// The signed matrix before normalisation: column j < n_e is excitatory (+m), the others inhibitory
// (-k m); every position draws its magnitude (the diagonal too, so the zero diagonal shifts no draw),
// then one uniform decides whether it is kept.  Returns the number of nonzero entries.
std::size_t fill_dale_signs(Matrix& W, const DaleParams& params, std::size_t n_e, double k, Rng& rng) {
  // BEGIN ASSIGNMENT A7: fill_dale_signs (docs/connectivity.md#dales-law)
  // TODO: for i, j in row-major order: m = draw_magnitude(...); kept = density >= 1 || rng.uniform() < density;
  // skip dropped entries and (when params.zero_diagonal) i == j; else W(i, j) = +m (j < n_e) or -k m.
  std::size_t nonzero = 0;
  for (std::size_t i = 0; i < W.rows(); ++i)
    for (std::size_t j = 0; j < W.cols(); ++j) {
      const double m = draw_magnitude(params.magnitude, params.lognormal_shape, rng);
      const bool kept = params.density >= 1.0 || rng.uniform() < params.density;
      if (!kept || (params.zero_diagonal && i == j)) continue;
      W(i, j) = (j < n_e ? 1.0 : -k) * m;
      ++nonzero;
    }
  return nonzero;
  // END ASSIGNMENT A7
}

}  // namespace

std::string to_string(DaleMagnitude m) {
  switch (m) {
    case DaleMagnitude::kHalfNormal: return "halfnormal";
    case DaleMagnitude::kExponential: return "exponential";
    case DaleMagnitude::kLognormal: return "lognormal";
  }
  return "?";
}

std::string to_string(DaleBalance b) {
  switch (b) {
    case DaleBalance::kNone: return "none";
    case DaleBalance::kMean: return "mean";
    case DaleBalance::kRow: return "row";
  }
  return "?";
}

DaleMagnitude parse_dale_magnitude(const std::string& text) {
  for (DaleMagnitude m : {DaleMagnitude::kHalfNormal, DaleMagnitude::kExponential, DaleMagnitude::kLognormal})
    if (to_string(m) == text) return m;
  throw std::invalid_argument("Dale magnitude '" + text + "' is not one of halfnormal, exponential, lognormal");
}

DaleBalance parse_dale_balance(const std::string& text) {
  for (DaleBalance b : {DaleBalance::kNone, DaleBalance::kMean, DaleBalance::kRow})
    if (to_string(b) == text) return b;
  throw std::invalid_argument("Dale balance '" + text + "' is not one of none, mean, row");
}

MagnitudeMoments dale_magnitude_moments(DaleMagnitude law, double shape) {
  switch (law) {
    case DaleMagnitude::kHalfNormal: return {std::sqrt(2.0 / kPi), 1.0};
    case DaleMagnitude::kExponential: return {1.0, 2.0};
    case DaleMagnitude::kLognormal: return {std::exp(0.5 * shape * shape), std::exp(2.0 * shape * shape)};
  }
  return {};
}

Connectivity dale_connectivity(const DaleParams& params, Rng& rng) {
  validate(params);
  const std::size_t N = params.N;
  const std::size_t n_e = static_cast<std::size_t>(std::lround(params.frac_e * N));
  if (n_e == 0 || n_e == N)
    throw std::invalid_argument("dale: frac_e = " + std::to_string(params.frac_e) + " at N = " +
                                std::to_string(N) + " leaves no " + (n_e == 0 ? "excitatory" : "inhibitory") +
                                " unit");
  const std::size_t n_i = N - n_e;
  const double k = params.balance == DaleBalance::kMean ? static_cast<double>(n_e) / n_i : params.inh_scale;

  Connectivity c;
  c.column_sign.assign(N, 1);
  c.unit_type.assign(N, "E");
  for (std::size_t j = n_e; j < N; ++j) {
    c.column_sign[j] = -1;
    c.unit_type[j] = "I";
  }
  c.W_h = Matrix(N, N);  // (N, N)
  const std::size_t nonzero = fill_dale_signs(c.W_h, params, n_e, k, rng);
  std::size_t unbalanceable = 0;
  if (params.balance == DaleBalance::kRow) unbalanceable = balance_rows(c.W_h, n_e);

  const double factor = normalization_factor(c.W_h, params.norm);
  c.W_h *= factor;

  // derived: docs/connectivity.md (Dale outlier) -- lambda_out = sum_j m_j, r^2 = sum_j Var W_ij.
  const MagnitudeMoments mom = dale_magnitude_moments(params.magnitude, params.lognormal_shape);
  // With a zero diagonal each column has N - 1 random entries, so its mean carries (N - 1) / N.
  const double q = params.density * (params.zero_diagonal ? (N - 1.0) / N : 1.0);
  const double mean_e = factor * q * mom.mean, mean_i = -factor * k * q * mom.mean;
  const double var_e = factor * factor * (q * mom.second - q * q * mom.mean * mom.mean);  // Bernoulli(q) x law
  const double var_i = k * k * var_e;
  const double outlier = params.balance == DaleBalance::kRow ? 0.0 : n_e * mean_e + n_i * mean_i;
  c.record("n_excitatory", static_cast<double>(n_e));
  c.record("n_inhibitory", static_cast<double>(n_i));
  c.record("inh_scale", k);
  c.record("scale_factor", factor);
  c.record("predicted_outlier", outlier);
  c.record("predicted_bulk_radius", std::sqrt(n_e * var_e + n_i * var_i));
  c.record("rows_unbalanceable", static_cast<double>(unbalanceable));
  c.record("density_realised", static_cast<double>(nonzero) / (static_cast<double>(N) * N));
  return c;
}

}  // namespace rl
