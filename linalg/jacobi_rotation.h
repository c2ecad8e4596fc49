// The Jacobi 2x2 step shared by the one-sided Jacobi SVD (linalg/svd.cpp) and the cyclic Jacobi
// eigensolver (linalg/eig_sym.cpp); derivation in docs/linalg.md#the-2x2-step.
//
// For the symmetric 2x2 matrix [[a_pp, a_pq], [a_pq, a_qq]] (a_pq != 0) the rotation
// J = [[c, s], [-s, c]] with J^T A J diagonal has t = tan(theta) solving t^2 + 2 zeta t - 1 = 0,
//   zeta = (a_qq - a_pp) / (2 a_pq).
// Of the two roots -zeta +- sqrt(1 + zeta^2) we take the SMALLER one, |t| <= 1 (|theta| <= pi/4):
//   t = sign(zeta) / (|zeta| + sqrt(1 + zeta^2))     (sign(0) = +1, so zeta = 0 gives t = 1),
//   c = 1 / sqrt(1 + t^2),  s = t c.
// The larger root annihilates a_pq just as well, but it swaps the diagonal entries and is not the
// rotation closest to the identity, which the convergence of the cyclic method relies on
// (Golub & Van Loan 8.5.2; the test JacobiRotation.TakesTheSmallerRoot fails for it).
// In the SVD, A is the Gram matrix of the column pair: a_pp = ||b_p||^2, a_qq = ||b_q||^2,
// a_pq = b_p . b_q.
#pragma once

#include <cmath>
#include <cstddef>

namespace rl {

struct JacobiRotation {
  double t;  // tan(theta), |t| <= 1
  double c;  // cos(theta)
  double s;  // sin(theta)
};

// Beyond this |zeta|, zeta^2 would overflow; t = 1 / (2 zeta) there, the first term of the
// expansion 1 / (zeta + sqrt(1 + zeta^2)) = 1 / (2 zeta) - 1 / (8 zeta^3) + ..., exact to rounding.
constexpr double kJacobiHugeZeta = 1e150;

// The smaller root of t^2 + 2 zeta t - 1 = 0.
inline double jacobi_tangent(double zeta) {
  if (std::fabs(zeta) > kJacobiHugeZeta) return 0.5 / zeta;
  // BEGIN ASSIGNMENT A1: jacobi_tangent (docs/linalg.md#the-2x2-step)
  // The two roots of t^2 + 2 zeta t - 1 = 0 are -zeta +- sqrt(1 + zeta^2); return the one with
  // |t| <= 1, written without cancellation: t = sign(zeta) / (|zeta| + sqrt(1 + zeta^2)), where
  // sign(0) = +1 and sign(-0) = -1 (std::copysign(1.0, zeta)).  Huge |zeta| is handled above.
  return std::copysign(1.0, zeta) / (std::fabs(zeta) + std::sqrt(1.0 + zeta * zeta));
  // END ASSIGNMENT A1
}

// The rotation that diagonalises [[a_pp, a_pq], [a_pq, a_qq]]; a_pq must be nonzero.
inline JacobiRotation jacobi_rotation(double a_pp, double a_qq, double a_pq) {
  // BEGIN ASSIGNMENT A1: jacobi_rotation (docs/linalg.md#the-2x2-step)
  // zeta = (a_qq - a_pp) / (2 a_pq), t = jacobi_tangent(zeta), c = 1 / sqrt(1 + t^2), s = t c;
  // return {t, c, s}.
  const double t = jacobi_tangent((a_qq - a_pp) / (2.0 * a_pq));
  const double c = 1.0 / std::sqrt(1.0 + t * t);
  return {t, c, c * t};
  // END ASSIGNMENT A1
}

// [x y] <- [x y] J on two rows of n entries:  x' = c x - s y,  y' = s x + c y, written in
// Rutishauser's (1966) form x' = x - s (y + tau x), y' = y + s (x - tau y), tau = s / (1 + c) =
// tan(theta / 2).  Same flop count, but the rounding error of each update is proportional to |s|
// rather than 1, so the thousands of small-angle rotations of the late sweeps keep the accumulated
// vectors orthogonal to ~0.03 n eps instead of ~1 n eps (measured at n = 300, docs/linalg.md).
// x and y must not overlap.
inline void apply_jacobi_rotation(double* __restrict x, double* __restrict y, std::size_t n, double c,
                                  double s) {
  const double tau = s / (1.0 + c);
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = x[i], yi = y[i];
    x[i] = xi - s * (yi + tau * xi);
    y[i] = yi + s * (xi - tau * yi);
  }
}

}  // namespace rl
