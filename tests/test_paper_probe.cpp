// Tests for tasks/paper_probe: the paper's probe sets (docs/paper.md#measures) and trial selection.
#include "tasks/paper_probe.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rl {
namespace {

TEST(PaperProbe, ProbeSetsFollowThePaper) {
  const RnnTaskSetup t = neurogym_setup("dms", 1);
  EXPECT_EQ(t.probe.B, 320u);  // 10 batches of 32 (docs/paper.md#measures)
  EXPECT_EQ(t.probe.T, 8u);
  EXPECT_EQ(t.kernel_probe.B, 32u);
  EXPECT_EQ(t.kernel_steps, Steps::kAll);
  EXPECT_EQ(t.loss_steps, Steps::kAll);
}

TEST(PaperProbe, SelectTrialsKeepsEveryStepOfTheChosenTrials) {
  SeqBatch b;
  b.T = 3;
  b.B = 4;
  b.x = Matrix(12, 1);
  b.labels.resize(12);
  for (std::size_t r = 0; r < 12; ++r) {
    b.x(r, 0) = static_cast<double>(r);
    b.labels[r] = static_cast<int>(r);
  }
  const SeqBatch s = select_trials(b, 1, 3);
  ASSERT_EQ(s.B, 2u);
  for (std::size_t t = 0; t < 3; ++t)
    for (std::size_t k = 0; k < 2; ++k) {
      EXPECT_EQ(s.x(s.row(t, k), 0), static_cast<double>(t * 4 + 1 + k));
      EXPECT_EQ(s.label(t, k), static_cast<int>(t * 4 + 1 + k));
    }
  EXPECT_THROW(select_trials(b, 2, 5), std::invalid_argument);
}

}  // namespace
}  // namespace rl
