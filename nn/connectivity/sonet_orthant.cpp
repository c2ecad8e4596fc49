#include "nn/connectivity/sonet_orthant.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace rl {
namespace {

constexpr double kInvSqrt2Pi = 0.39894228040143267794;
constexpr double kQuadTol = 1e-13;  // absolute; the probabilities we need are >= p^2 ~ 1e-4
constexpr int kMaxDepth = 40;       // bisection depth cap of the adaptive Simpson rule
constexpr int kMinDepth = 4;        // [TP] forced splits: no early accept on a coarse, unlucky grid
constexpr double kRhoTol = 1e-12;   // docs/connectivity.md#sonet-generation: 1e-10 would do; this is cheap

double phi(double x) { return kInvSqrt2Pi * std::exp(-0.5 * x * x); }

struct Integrand {
  double theta, rho, root;  // root = sqrt(1 - rho^2)
  double operator()(double x) const { return phi(x) * normal_tail((theta - rho * x) / root); }
};

// Adaptive Simpson (Lyness 1969): split until the Richardson estimate of the error is below tol.
double simpson(const Integrand& f, double a, double b, double fa, double fm, double fb, double whole,
               double tol, int depth) {
  const double m = 0.5 * (a + b), lm = 0.5 * (a + m), rm = 0.5 * (m + b);
  const double flm = f(lm), frm = f(rm);
  const double left = (m - a) / 6.0 * (fa + 4.0 * flm + fm);
  const double right = (b - m) / 6.0 * (fm + 4.0 * frm + fb);
  const double delta = left + right - whole;
  if (depth >= kMaxDepth || (depth >= kMinDepth && std::fabs(delta) <= 15.0 * tol)) return left + right + delta / 15.0;
  return simpson(f, a, m, fa, flm, fm, left, 0.5 * tol, depth + 1) +
         simpson(f, m, b, fm, frm, fb, right, 0.5 * tol, depth + 1);
}

}  // namespace

double normal_tail(double x) { return 0.5 * std::erfc(x / std::sqrt(2.0)); }

double normal_tail_inverse(double p) {
  if (!(p > 0.0 && p < 1.0))
    throw std::invalid_argument("normal_tail_inverse: probability p = " + std::to_string(p) +
                                " must lie strictly inside (0, 1)");
  if (p == 0.5) return 0.0;       // Q(0) = 1/2 exactly; bisection would stop an ulp away
  double lo = -40.0, hi = 40.0;  // Q(lo) ~ 1, Q(hi) ~ 0
  for (int it = 0; it < 200 && hi - lo > 0.0; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (mid == lo || mid == hi) break;
    (normal_tail(mid) > p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double orthant_probability(double theta, double rho) {
  if (!(rho >= -1.0 && rho <= 1.0) || !std::isfinite(theta))
    throw std::invalid_argument("orthant_probability: correlation rho = " + std::to_string(rho) +
                                " must lie in [-1, 1] and theta must be finite");
  if (rho == 1.0) return normal_tail(theta);                          // X = Y
  if (rho == -1.0) return std::max(0.0, normal_tail(theta) - normal_tail(-theta));  // Y = -X
  if (rho == 0.0) return normal_tail(theta) * normal_tail(theta);                   // independent
  const Integrand f{theta, rho, std::sqrt(1.0 - rho * rho)};
  // For theta < 0 part of the mass lies below 0; phi is below 1e-32 beyond 12.
  const double a = theta, b = std::max(theta, 0.0) + 12.0;
  const double fa = f(a), fm = f(0.5 * (a + b)), fb = f(b);
  const double whole = (b - a) / 6.0 * (fa + 4.0 * fm + fb);
  return simpson(f, a, b, fa, fm, fb, whole, kQuadTol, 0);
}

double orthant_correlation(double theta, double target) {
  const double lo_value = orthant_probability(theta, -1.0), hi_value = orthant_probability(theta, 1.0);
  if (!(target >= lo_value && target <= hi_value))
    throw std::invalid_argument("orthant_correlation: target probability " + std::to_string(target) +
                                " is outside the attainable range [" + std::to_string(lo_value) + ", " +
                                std::to_string(hi_value) + "] at theta = " + std::to_string(theta));
  double lo = -1.0, hi = 1.0;
  const double at_zero = orthant_probability(theta, 0.0);
  if (target == at_zero) return 0.0;
  (target > at_zero ? lo : hi) = 0.0;  // bracket on the side of zero that holds the root
  while (hi - lo > kRhoTol) {
    const double mid = 0.5 * (lo + hi);
    (orthant_probability(theta, mid) < target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace rl
