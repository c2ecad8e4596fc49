#include "nn/aligned_init.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "linalg/norms.h"
#include "linalg/svd.h"
#include "nn/init.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

using testing::kEps;
using testing::MatricesNear;

constexpr std::size_t kN = 12;
// Rescaling a unit-norm matrix back to a target norm costs a few roundings per entry, and the SVD
// truncation a backward error ~ n eps ||W|| (Weyl): entries agree to ~ 1e-14 of ||W||_F.
constexpr double kEntryTol = 64 * kN * kEps;

Matrix teacher_like(std::uint64_t seed) {
  Rng rng(seed);
  return gaussian_init(kN, kN, 1.25, rng);
}

TEST(StudentStart, NamesRoundTripAndUnknownNamesAreRejected) {
  for (StudentStart s : {StudentStart::kAligned, StudentStart::kPartial, StudentStart::kUnaligned})
    EXPECT_EQ(parse_student_start(student_start_name(s)), s);
  try {
    parse_student_start("diagonal");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("diagonal"), std::string::npos) << e.what();
  }
}

TEST(StudentRecurrentInit, AlignedIsTheTeachersTruncationAtTheTeachersNorm) {
  const Matrix W_T = teacher_like(1), G = teacher_like(2);
  const double scale = frobenius_norm(W_T);
  for (std::size_t r : {1, 3, 7}) {
    const Matrix W = student_recurrent_init(StudentStart::kAligned, W_T, G, r, 0.5);
    const Matrix T_r = truncate_rank(W_T, r);
    EXPECT_TRUE(MatricesNear(W, T_r * (scale / frobenius_norm(T_r)), kEntryTol * scale)) << "rank " << r;
    EXPECT_NEAR(frobenius_norm(W), scale, 8 * kEps * scale);
  }
  // Full rank: the teacher itself.
  EXPECT_TRUE(MatricesNear(student_recurrent_init(StudentStart::kAligned, W_T, G, kN, 0.5), W_T, kEntryTol * scale));
}

TEST(StudentRecurrentInit, UnalignedIsTheGaussiansTruncationAtTheTeachersNorm) {
  const Matrix W_T = teacher_like(1), G = teacher_like(2);
  const double scale = frobenius_norm(W_T);
  const Matrix W = student_recurrent_init(StudentStart::kUnaligned, W_T, G, 4, 0.5);
  const Matrix G_4 = truncate_rank(G, 4);
  EXPECT_TRUE(MatricesNear(W, G_4 * (scale / frobenius_norm(G_4)), kEntryTol * scale));
}

TEST(StudentRecurrentInit, PartialInterpolatesBetweenUnalignedAndAligned) {
  const Matrix W_T = teacher_like(3), G = teacher_like(4);
  const double scale = frobenius_norm(W_T);
  const std::size_t r = 5;
  EXPECT_TRUE(MatricesNear(student_recurrent_init(StudentStart::kPartial, W_T, G, r, 1.0),
                           student_recurrent_init(StudentStart::kAligned, W_T, G, r, 1.0), kEntryTol * scale));
  EXPECT_TRUE(MatricesNear(student_recurrent_init(StudentStart::kPartial, W_T, G, r, 0.0),
                           student_recurrent_init(StudentStart::kUnaligned, W_T, G, r, 0.0), kEntryTol * scale));
  // Full rank, cos^2 = c: the start is the mixture m = sqrt(c) T + sqrt(1 - c) G (unit T, G with
  // overlap rho = <T, G>), whose cosine with the teacher is exactly
  //   (sqrt(c) + sqrt(1 - c) rho) / sqrt(1 + 2 sqrt(c (1 - c)) rho).
  const double c = 0.3;
  const double rho = frobenius_cosine(W_T, G);
  const double expected = (std::sqrt(c) + std::sqrt(1 - c) * rho) / std::sqrt(1 + 2 * std::sqrt(c * (1 - c)) * rho);
  const Matrix W = student_recurrent_init(StudentStart::kPartial, W_T, G, kN, c);
  EXPECT_NEAR(frobenius_cosine(W, W_T), expected, 1e-13);
  EXPECT_NEAR(frobenius_norm(W), scale, 8 * kEps * scale);
}

TEST(StudentRecurrentInit, MatchesTheTeachersSpectralNormOrRadiusWhenAsked) {
  const Matrix W_T = teacher_like(5), G = teacher_like(6);
  for (StudentStart s : {StudentStart::kAligned, StudentStart::kPartial, StudentStart::kUnaligned}) {
    const Matrix W2 = student_recurrent_init(s, W_T, G, 2, 0.5, NormKind::kSpectral);
    EXPECT_NEAR(spectral_norm(W2), spectral_norm(W_T), 1e-12 * spectral_norm(W_T)) << student_start_name(s);
    const Matrix Wr = student_recurrent_init(s, W_T, G, 3, 0.5, NormKind::kSpectralRadius);
    EXPECT_NEAR(spectral_radius(Wr), spectral_radius(W_T), 1e-10 * spectral_radius(W_T)) << student_start_name(s);
  }
}

TEST(StudentRecurrentInit, RejectsBadRankCosineAndShapes) {
  const Matrix W_T = teacher_like(1), G = teacher_like(2);
  EXPECT_THROW(student_recurrent_init(StudentStart::kAligned, W_T, G, 0, 0.5), std::invalid_argument);
  EXPECT_THROW(student_recurrent_init(StudentStart::kAligned, W_T, G, kN + 1, 0.5), std::invalid_argument);
  EXPECT_THROW(student_recurrent_init(StudentStart::kPartial, W_T, G, 2, 1.5), std::invalid_argument);
  EXPECT_THROW(student_recurrent_init(StudentStart::kAligned, W_T, Matrix(kN, kN + 1), 2, 0.5), std::invalid_argument);
  EXPECT_THROW(student_recurrent_init(StudentStart::kAligned, Matrix(kN, kN), G, 2, 0.5), std::invalid_argument);
}

}  // namespace
}  // namespace rl
