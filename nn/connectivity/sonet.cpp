#include "nn/connectivity/sonet.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "nn/connectivity/sonet_orthant.h"

namespace rl {
namespace {

constexpr double kNegativeEigTol = 1e-12;  // docs/connectivity.md#sonet-generation step 4: reject below -1e-12

void validate(const SonetParams& p) {
  check_connectivity_size("sonet", p.N, 3);
  if (!(p.p > 0.0 && p.p <= 0.5))
    throw std::invalid_argument("sonet: edge probability p = " + std::to_string(p.p) + " must lie in (0, 0.5]");
  const double alpha_max = 1.0 / p.p - 1.0;
  auto check_alpha = [&](const char* name, double a, double lo) {
    if (!(a >= lo && a <= alpha_max))
      throw std::invalid_argument(std::string("sonet: ") + name + " = " + std::to_string(a) + " must lie in [" +
                                  std::to_string(lo) + ", 1/p - 1 = " + std::to_string(alpha_max) + "]");
  };
  check_alpha("alpha_recip", p.alpha_recip, -1.0);
  check_alpha("alpha_conv", p.alpha_conv, 0.0);
  check_alpha("alpha_div", p.alpha_div, 0.0);
  if (!(p.cc_chain >= -1.0 && p.cc_chain <= 1.0))
    throw std::invalid_argument("sonet: cc_chain = " + std::to_string(p.cc_chain) + " must lie in [-1, 1]");
  if (p.weights == SonetWeights::kDale && !(p.frac_e > 0.0 && p.frac_e < 1.0))
    throw std::invalid_argument("sonet: E fraction frac_e = " + std::to_string(p.frac_e) + " must lie in (0, 1)");
  if (p.weights == SonetWeights::kDale && !(p.inh_scale >= 1e-6 && p.inh_scale <= 1e6))
    throw std::invalid_argument("sonet: inh_scale = " + std::to_string(p.inh_scale) + " must lie in [1e-6, 1e6]");
}

// rho with L(theta; rho) = p^2 (1 + alpha) (docs/connectivity.md#sonet-generation step 2).
double correlation_for(double theta, double p, double alpha) {
  if (alpha == 0.0) return 0.0;
  if (alpha == 1.0 / p - 1.0) return 1.0;
  return orthant_correlation(theta, p * p * (1.0 + alpha));
}

}  // namespace

std::string to_string(SonetWeights w) {
  switch (w) {
    case SonetWeights::kRaw: return "raw";
    case SonetWeights::kCentred: return "centred";
    case SonetWeights::kDale: return "dale";
  }
  return "?";
}

SonetWeights parse_sonet_weights(const std::string& text) {
  for (SonetWeights w : {SonetWeights::kRaw, SonetWeights::kCentred, SonetWeights::kDale})
    if (to_string(w) == text) return w;
  throw std::invalid_argument("SONET weights '" + text + "' is not one of raw, centred, dale");
}

SonetCoefficients sonet_coefficients(const SonetParams& params) {
  validate(params);
  SonetCoefficients c;
  const double p = params.p, n = static_cast<double>(params.N);
  c.theta = normal_tail_inverse(p);
  c.rho_recip = correlation_for(c.theta, p, params.alpha_recip);
  c.rho_conv = correlation_for(c.theta, p, params.alpha_conv);
  c.rho_div = correlation_for(c.theta, p, params.alpha_div);
  c.rho_chain = params.cc_chain * std::sqrt(c.rho_conv * c.rho_div);  // step 3
  c.alpha_chain = c.rho_chain == 0.0 ? 0.0 : orthant_probability(c.theta, c.rho_chain) / (p * p) - 1.0;

  // Step 4: symmetric square root of [[rho_conv, rho_chain], [rho_chain, rho_div]] (unit variance).
  const double a = c.rho_conv, b = c.rho_chain, d = c.rho_div;
  const double mean = 0.5 * (a + d), radius = std::hypot(0.5 * (a - d), b);
  const double lam1 = mean + radius, lam2 = mean - radius;
  if (lam2 < -kNegativeEigTol)
    throw std::invalid_argument("sonet: no valid construction: the conv/div/chain correlation matrix has a "
                                "negative eigenvalue " + std::to_string(lam2) + " (reduce |cc_chain|)");
  // sqrt(A) = (A + sqrt(lam1 lam2) I) / (sqrt(lam1) + sqrt(lam2)) for a 2x2 PSD A (Cayley-Hamilton).
  const double r1 = std::sqrt(std::max(lam1, 0.0)), r2 = std::sqrt(std::max(lam2, 0.0));
  const double denom = r1 + r2;
  const double S00 = denom > 0.0 ? (a + r1 * r2) / denom : 0.0;
  const double S11 = denom > 0.0 ? (d + r1 * r2) / denom : 0.0;
  const double S01 = denom > 0.0 ? b / denom : 0.0;
  const double root_n = std::sqrt(n);
  c.s_c = S00 / root_n;
  c.s_v = S11 / root_n;
  c.s_h = S01 / root_n;
  const double t1 = 1.0 - (n - 2.0) * (c.s_c * c.s_c + c.s_v * c.s_v + 2.0 * c.s_h * c.s_h);
  const double t2 = c.rho_recip - 2.0 * (n - 2.0) * (c.s_c + c.s_v) * c.s_h;
  if (!(t1 >= 0.0) || std::fabs(t2) > t1)
    throw std::invalid_argument("sonet: no valid construction for p = " + std::to_string(p) +
                                ", alpha_recip = " + std::to_string(params.alpha_recip) +
                                ", alpha_conv = " + std::to_string(params.alpha_conv) +
                                ", alpha_div = " + std::to_string(params.alpha_div) +
                                ", cc_chain = " + std::to_string(params.cc_chain) +
                                " (needs t1 >= 0 and |t2| <= t1; got t1 = " + std::to_string(t1) +
                                ", t2 = " + std::to_string(t2) + ")");
  c.s_d = std::sqrt(0.5 * (t1 + std::sqrt(t1 * t1 - t2 * t2)));
  c.s_r = c.s_d > 0.0 ? t2 / (2.0 * c.s_d) : 0.0;  // 2 s_d s_r = t2, s_d^2 + s_r^2 = t1
  return c;
}

Matrix sonet_graph(const SonetParams& params, const SonetCoefficients& c, Rng& rng) {
  const std::size_t N = params.N;
  Matrix X(N, N);  // (N, N) iid N(0, 1) off the diagonal
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j)
      if (i != j) X(i, j) = rng.normal();
  std::vector<double> R(N, 0.0), C(N, 0.0);  // row sums (inputs of i), column sums (outputs of j)
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      R[i] += X(i, j);
      C[j] += X(i, j);
    }
  Matrix A(N, N);  // (N, N)
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      if (i == j) continue;
      const double x = X(i, j), xt = X(j, i);
      const double z = c.s_d * x + c.s_r * xt + c.s_c * (R[i] - x) + c.s_v * (C[j] - x) +
                       c.s_h * (R[j] - xt + C[i] - xt);  // step 5, Var z = 1
      A(i, j) = z > c.theta ? 1.0 : 0.0;                  // step 6
    }
  return A;
}

MotifStatistics motif_statistics(const Matrix& A) {
  if (A.rows() != A.cols() || A.rows() < 3)
    throw std::invalid_argument("motif_statistics: A " + shape_str(A) + " must be square with N >= 3");
  const std::size_t N = A.rows();
  std::vector<double> r(N, 0.0), c(N, 0.0);  // in-degree r_i, out-degree c_j
  double E = 0.0, T = 0.0;                   // edges, trace(A^2)
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      const double a = A(i, j);
      if (a != 0.0 && a != 1.0)
        throw std::invalid_argument("motif_statistics: A(" + std::to_string(i) + ", " + std::to_string(j) +
                                    ") = " + std::to_string(a) + " is not 0 or 1");
      r[i] += a;
      c[j] += a;
      E += a;
      T += a * A(j, i);
    }
  double sum_r2 = 0.0, sum_c2 = 0.0, sum_rc = 0.0;
  for (std::size_t i = 0; i < N; ++i) {
    sum_r2 += r[i] * r[i];
    sum_c2 += c[i] * c[i];
    sum_rc += r[i] * c[i];
  }
  const double n = static_cast<double>(N);
  MotifStatistics s;
  s.p_hat = E / (n * (n - 1.0));
  if (s.p_hat == 0.0) throw std::invalid_argument("motif_statistics: A has no edges");
  const double p2 = s.p_hat * s.p_hat;
  s.alpha_recip = (T / 2.0) / (0.5 * n * (n - 1.0) * p2) - 1.0;
  s.alpha_conv = ((sum_r2 - E) / 2.0) / (0.5 * n * (n - 1.0) * (n - 2.0) * p2) - 1.0;
  s.alpha_div = ((sum_c2 - E) / 2.0) / (0.5 * n * (n - 1.0) * (n - 2.0) * p2) - 1.0;
  s.alpha_chain = (sum_rc - T) / (n * (n - 1.0) * (n - 2.0) * p2) - 1.0;
  return s;
}

Connectivity sonet_connectivity(const SonetParams& params, Rng& rng) {
  const SonetCoefficients coef = sonet_coefficients(params);
  const Matrix A = sonet_graph(params, coef, rng);
  const MotifStatistics stats = motif_statistics(A);
  const std::size_t N = params.N;

  Connectivity c;
  c.W_h = A;
  if (params.weights == SonetWeights::kCentred) {
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j)
        if (i != j) c.W_h(i, j) -= stats.p_hat;
  } else if (params.weights == SonetWeights::kDale) {
    const std::size_t n_e = static_cast<std::size_t>(std::lround(params.frac_e * N));
    c.column_sign.assign(N, 1);
    c.unit_type.assign(N, "E");
    for (std::size_t j = n_e; j < N; ++j) {
      c.column_sign[j] = -1;
      c.unit_type[j] = "I";
      for (std::size_t i = 0; i < N; ++i) c.W_h(i, j) *= -params.inh_scale;
    }
    c.record("n_excitatory", static_cast<double>(n_e));
  }
  const double factor = normalization_factor(c.W_h, params.norm);
  c.W_h *= factor;

  c.record("theta", coef.theta);
  c.record("rho_recip", coef.rho_recip);
  c.record("rho_conv", coef.rho_conv);
  c.record("rho_div", coef.rho_div);
  c.record("rho_chain", coef.rho_chain);
  c.record("alpha_chain_target", coef.alpha_chain);
  c.record("p_hat", stats.p_hat);
  c.record("alpha_recip_hat", stats.alpha_recip);
  c.record("alpha_conv_hat", stats.alpha_conv);
  c.record("alpha_div_hat", stats.alpha_div);
  c.record("alpha_chain_hat", stats.alpha_chain);
  c.record("scale_factor", factor);
  return c;
}

}  // namespace rl
