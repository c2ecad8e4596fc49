// Bivariate-normal orthant probabilities and their inversion, the numerical core of the SONET
// construction (docs/connectivity.md#sonet-generation steps 1-2; Zhao, Beverlin, Netoff & Nykamp 2011).
//
//   Q(x)        = P(N(0,1) > x) = erfc(x / sqrt 2) / 2
//   L(theta; rho) = P(X > theta, Y > theta), (X, Y) standard bivariate normal with correlation rho
//               = integral_theta^inf phi(x) Q((theta - rho x) / sqrt(1 - rho^2)) dx
//
// Closed forms used by the tests: rho = 0 -> Q(theta)^2; rho -> 1 -> Q(theta);
// theta = 0 -> 1/4 + asin(rho) / (2 pi) (Sheppard's formula).
#pragma once

namespace rl {

// Upper tail Q(x) of the standard normal.
double normal_tail(double x);
// theta with Q(theta) = p, for 0 < p < 1 (bisection on the monotone Q to full double precision).
double normal_tail_inverse(double p);

// L(theta; rho) for rho in [-1, 1], by adaptive Simpson quadrature (abs. tolerance 1e-13) on
// [theta, max(theta, 0) + 12]; the endpoints rho = +-1 use their exact limits.
double orthant_probability(double theta, double rho);

// The correlation rho in [-1, 1] with L(theta; rho) = target, by bisection to 1e-12 (L increases in
// rho).  Throws std::invalid_argument naming the target and the attainable range when no rho exists.
double orthant_correlation(double theta, double target);

}  // namespace rl
