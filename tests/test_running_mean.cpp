// Tests for nn/running_mean.h: the training log's windowed means.
#include "nn/running_mean.h"

#include <gtest/gtest.h>

namespace rl {
namespace {

TEST(RunningMean, WindowsOfTheFirstAndLastValues) {
  RunningMean m(3);
  EXPECT_EQ(m.mean(), 0.0);  // empty
  m.add(1);
  m.add(2);
  EXPECT_EQ(m.mean(), 1.5);  // fewer values than the window
  EXPECT_EQ(m.first_mean(), 1.5);
  for (double v : {3.0, 4.0, 5.0}) m.add(v);
  EXPECT_EQ(m.mean(), 4.0);        // (3 + 4 + 5) / 3
  EXPECT_EQ(m.first_mean(), 2.0);  // (1 + 2 + 3) / 3
  EXPECT_EQ(m.count(), 5u);
}

TEST(RunningMean, SurvivesLossesThatFallByManyOrdersOfMagnitude) {
  // A start that explodes (losses ~1e17) and then settles at 0.03: the last window must be 0.03,
  // not the rounding residue of adding and subtracting 1e17 (a running sum ends near 0 or below).
  RunningMean m(100);
  for (int i = 0; i < 100; ++i) m.add(1e17 * (1.0 + 0.37 * i));
  for (int i = 0; i < 100; ++i) m.add(0.03);
  EXPECT_NEAR(m.mean(), 0.03, 1e-16);
  EXPECT_GT(m.first_mean(), 1e17);
}

}  // namespace
}  // namespace rl
