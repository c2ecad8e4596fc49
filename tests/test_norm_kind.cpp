// Tests for nn/norm_kind: the one norm choice and its one parser (docs/paper.md#initial-weights).
#include "nn/norm_kind.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "tests/test_helpers.h"

namespace rl {
namespace {

TEST(NormKind, NamesRoundTripAndRadiusIsTheSpectralRadius) {
  for (NormKind k : {NormKind::kNone, NormKind::kFrobenius, NormKind::kSpectral, NormKind::kSpectralRadius})
    EXPECT_EQ(parse_norm_kind(to_string(k)), k) << to_string(k);
  EXPECT_EQ(parse_norm_kind("radius"), NormKind::kSpectralRadius);  // the programs' --norm spelling
}

TEST(NormKind, AnUnknownNameThrowsNamingTheInputAndTheChoices) {
  // Before: the programs' parse_norm mapped any unknown name to the spectral radius.
  for (const char* bad : {"l2", "", "Frobenius", "radius "}) {
    try {
      parse_norm_kind(bad);
      ADD_FAILURE() << "parse_norm_kind('" << bad << "') did not throw (see nn/norm_kind.h)";
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(std::string("'") + bad + "'"), std::string::npos) << what;
      for (const char* choice : {"frobenius", "spectral", "spectral_radius", "radius"})
        EXPECT_NE(what.find(choice), std::string::npos) << "message should list '" << choice << "': " << what;
    }
  }
}

TEST(NormKind, MeasuresTheChosenNormOfAHandComputedMatrix) {
  // W = [[3, 0], [4, 0]]: ||W||_F = 5, singular values {5, 0}, eigenvalues {3, 0}.
  Matrix W(2, 2);
  W(0, 0) = 3.0;
  W(1, 0) = 4.0;
  EXPECT_NEAR(measure_norm(W, NormKind::kFrobenius), 5.0, 1e-14);
  EXPECT_NEAR(measure_norm(W, NormKind::kSpectral), 5.0, 1e-14);
  EXPECT_NEAR(measure_norm(W, NormKind::kSpectralRadius), 3.0, 1e-14);
  EXPECT_THROW(measure_norm(W, NormKind::kNone), std::invalid_argument);
}

}  // namespace
}  // namespace rl
