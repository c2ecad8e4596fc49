// Tests for linalg/jacobi_rotation.h, the 2x2 step of both Jacobi solvers (docs/linalg.md#the-2x2-step):
// from hand values up to the properties the solvers rely on.  The smaller-root test is the one that
// fails for the other root of t^2 + 2 zeta t - 1 = 0, which still annihilates the off-diagonal and so
// passes every 2x2 SVD and eigenvalue test.
#include "linalg/jacobi_rotation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace rl {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// zeta = 0 (equal diagonal): t = 1, theta = pi/4, c = s = 1/sqrt(2).
TEST(JacobiRotation, EqualDiagonalGivesAnEighthTurn) {
  EXPECT_EQ(jacobi_tangent(0.0), 1.0) << "zeta = 0: t = sign(0) / (0 + 1) = 1 (docs/linalg.md#the-2x2-step)";
  EXPECT_EQ(jacobi_tangent(-0.0), -1.0)  // sign(-0) = -1: the other eighth turn, as valid
      << "zeta = -0: sign(-0) = -1, t = -1; take the sign with std::copysign(1.0, zeta), not zeta >= 0 "
         "(docs/linalg.md#the-2x2-step)";
  const JacobiRotation r = jacobi_rotation(2.0, 2.0, 0.5);
  EXPECT_EQ(r.t, 1.0);
  EXPECT_NEAR(r.c, std::sqrt(0.5), kEps);
  EXPECT_NEAR(r.s, std::sqrt(0.5), kEps);
}

// zeta = 3/4 by hand: t^2 + 1.5 t - 1 = 0 has roots 0.5 and -2; t = 1 / (3/4 + 5/4) = 1/2,
// c = 2/sqrt(5), s = 1/sqrt(5).
TEST(JacobiRotation, HandComputedRootAtZetaThreeQuarters) {
  EXPECT_EQ(jacobi_tangent(0.75), 0.5);
  EXPECT_EQ(jacobi_tangent(-0.75), -0.5);
  const JacobiRotation r = jacobi_rotation(1.0, 2.5, 1.0);  // zeta = (2.5 - 1) / 2 = 0.75
  EXPECT_EQ(r.t, 0.5) << "jacobi_rotation(a_pp = 1, a_qq = 2.5, a_pq = 1): zeta = (a_qq - a_pp) / (2 a_pq) = 0.75, "
                         "t = 0.5 (docs/linalg.md#the-2x2-step)";
  EXPECT_NEAR(r.c, 2.0 / std::sqrt(5.0), kEps);
  EXPECT_NEAR(r.s, 1.0 / std::sqrt(5.0), kEps);
}

TEST(JacobiRotation, TakesTheSmallerRoot) {
  for (double zeta : {1.0, -1.0, 0.25, -0.25, 3.0, -3.0, 1e-9, -1e-9, 1e6, -1e6}) {
    const double t = jacobi_tangent(zeta);
    EXPECT_LE(std::fabs(t), 1.0) << "t = " << t << " at zeta = " << zeta
                                 << "; |t| must be <= 1: the smaller root, docs/linalg.md#the-2x2-step";
    // ... and it is a root: t^2 + 2 zeta t - 1 = 0 to rounding.
    EXPECT_NEAR(t * t + 2.0 * zeta * t, 1.0, 4 * kEps) << "zeta = " << zeta;
    // sign(t) = sign(zeta): the rotation turns towards the larger diagonal entry.
    EXPECT_EQ(std::signbit(t), std::signbit(zeta)) << "zeta = " << zeta;
  }
}

TEST(JacobiRotation, CosineAndSineAreAUnitPair) {
  for (double zeta : {0.0, 0.3, -2.0, 17.0, -1e8, 1e200}) {
    const JacobiRotation r = jacobi_rotation(0.0, 2.0 * zeta, 1.0);  // zeta = (2 zeta - 0) / 2
    EXPECT_NEAR(r.c * r.c + r.s * r.s, 1.0, 2 * kEps) << "zeta = " << zeta;
    EXPECT_GT(r.c, 0.0);
    EXPECT_NEAR(r.s, r.c * r.t, kEps * std::fabs(r.s)) << "zeta = " << zeta;
  }
}

// J^T A J with J = [[c, s], [-s, c]] has a zero off-diagonal (to eps of the matrix) and keeps the
// trace; the diagonal moves by -t a_pq and +t a_pq.
TEST(JacobiRotation, AnnihilatesTheOffDiagonalOfA2x2SymmetricMatrix) {
  const double cases[][3] = {{1.0, 2.5, 1.0}, {3.0, -1.0, 0.2}, {1.0, 1.0, -4.0}, {1e-3, 5.0, 1e-7},
                             {-2.0, 7.0, 3.0}, {4.0, 4.0 + 1e-12, 1.0}};
  for (const auto& m : cases) {
    const double a = m[0], d = m[1], b = m[2];
    const JacobiRotation r = jacobi_rotation(a, d, b);
    const double c = r.c, s = r.s;
    // B = A J, then A' = J^T B.
    const double b00 = c * a - s * b, b01 = s * a + c * b;
    const double b10 = c * b - s * d, b11 = s * b + c * d;
    const double off = c * b01 - s * b11;
    const double a00 = c * b00 - s * b10, a11 = s * b01 + c * b11;
    const double scale = std::fabs(a) + std::fabs(d) + std::fabs(b);
    EXPECT_LE(std::fabs(off), 4 * kEps * scale) << "A = [[" << a << ", " << b << "], [" << b << ", " << d << "]]";
    EXPECT_NEAR(a00, a - r.t * b, 4 * kEps * scale);
    EXPECT_NEAR(a11, d + r.t * b, 4 * kEps * scale);
  }
}

// |zeta| = 1e200: zeta^2 overflows, so t comes from the expansion 1 / (2 zeta); it must be finite,
// nonzero and equal to the exact root 1 / (zeta + sqrt(1 + zeta^2)) to rounding.
TEST(JacobiRotation, HugeZetaDoesNotOverflow) {
  for (double zeta : {1e151, -1e151, 1e200, -1e300}) {
    const double t = jacobi_tangent(zeta);
    EXPECT_TRUE(std::isfinite(t) && t != 0.0) << "zeta = " << zeta << ": t = " << t;
    EXPECT_NEAR(t * zeta, 0.5, kEps) << "zeta = " << zeta;
  }
  // Just below the switch the closed form is still used and agrees with 1 / (2 zeta).
  EXPECT_NEAR(jacobi_tangent(1e149) * 1e149, 0.5, kEps);
  const JacobiRotation r = jacobi_rotation(0.0, 1.0, 1e-300);  // zeta = 5e299
  EXPECT_EQ(r.c, 1.0);
  EXPECT_NEAR(r.s, 1e-300, 1e-315);
}

// Both solvers apply J in Rutishauser's form; it must equal the plain x' = c x - s y, y' = s x + c y.
TEST(JacobiRotation, RutishauserFormEqualsThePlainRotation) {
  const JacobiRotation r = jacobi_rotation(1.0, 2.5, 1.0);
  double x[5] = {1.0, -2.0, 0.5, 3.0, 0.0}, y[5] = {0.25, 1.0, -1.0, 2.0, 4.0};
  double xp[5], yp[5];
  for (int i = 0; i < 5; ++i) {
    xp[i] = r.c * x[i] - r.s * y[i];
    yp[i] = r.s * x[i] + r.c * y[i];
  }
  apply_jacobi_rotation(x, y, 5, r.c, r.s);
  for (int i = 0; i < 5; ++i) {
    EXPECT_NEAR(x[i], xp[i], 4 * kEps * 4.0) << i;
    EXPECT_NEAR(y[i], yp[i], 4 * kEps * 4.0) << i;
  }
}

}  // namespace
}  // namespace rl
