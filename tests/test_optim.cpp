// Tests for nn/optim: the first steps of SGD with momentum and of Adam against values computed by
// hand from PyTorch's update rules (see the formulas in nn/optim.h).
#include "nn/optim.h"

#include <gtest/gtest.h>

#include <cmath>

#include "test_helpers.h"

namespace rl {
namespace {

TEST(Sgd, MomentumFirstStepsMatchPyTorchByHand) {
  // w0 = 1, lr = 0.1, mu = 0.9.  Gradients 2, then 4, then 0.
  // step 1: v = 2 (buffer starts as the gradient),  w = 1 - 0.2 = 0.8
  // step 2: v = 0.9*2 + 4 = 5.8,                     w = 0.8 - 0.58 = 0.22
  // step 3: v = 0.9*5.8 + 0 = 5.22,                  w = 0.22 - 0.522 = -0.302
  Matrix w = Matrix::from_rows({{1.0}});
  Matrix g = Matrix::from_rows({{2.0}});
  Sgd opt(make_slots({&w}, {&g}), SgdOptions{0.1, 0.9, 0.0});
  opt.step();
  EXPECT_NEAR(w(0, 0), 0.8, 1e-15);
  g(0, 0) = 4.0;
  opt.step();
  EXPECT_NEAR(w(0, 0), 0.22, 1e-15);
  g(0, 0) = 0.0;
  opt.step();
  EXPECT_NEAR(w(0, 0), -0.302, 1e-15);
  EXPECT_EQ(opt.steps_taken(), 3u);
}

TEST(Sgd, WeightDecayEntersTheMomentumBuffer) {
  // w0 = 2, wd = 0.5, g = 1: d = 1 + 1 = 2, v = 2, w = 2 - 0.1*2 = 1.8;
  // next d = 1 + 0.9 = 1.9, v = 0.9*2 + 1.9 = 3.7, w = 1.8 - 0.37 = 1.43.
  Matrix w = Matrix::from_rows({{2.0}});
  Matrix g = Matrix::from_rows({{1.0}});
  Sgd opt(make_slots({&w}, {&g}), SgdOptions{0.1, 0.9, 0.5});
  opt.step();
  EXPECT_NEAR(w(0, 0), 1.8, 1e-15);
  opt.step();
  EXPECT_NEAR(w(0, 0), 1.43, 1e-15);
}

TEST(Sgd, PlainGradientDescentWithoutMomentum) {
  Matrix w = Matrix::from_rows({{1.0, -1.0}});
  Matrix g = Matrix::from_rows({{0.5, 0.25}});
  Sgd opt(make_slots({&w}, {&g}), SgdOptions{0.2, 0.0, 0.0});
  opt.step();
  opt.step();
  EXPECT_TRUE(rl::testing::MatricesNear(w, Matrix::from_rows({{0.8, -1.1}}), 1e-15));
}

TEST(Adam, BiasCorrectionMakesTheFirstStepLrTimesSign) {
  // Step 1: m = 0.1 g, s = 0.001 g^2; m_hat = g, s_hat = g^2 -> w -= lr g / (|g| + eps).
  Matrix w = Matrix::from_rows({{1.0, 1.0}});
  Matrix g = Matrix::from_rows({{3.0, -0.01}});
  Adam opt(make_slots({&w}, {&g}), AdamOptions{});
  opt.step();
  EXPECT_NEAR(w(0, 0), 1.0 - 1e-3 * 3.0 / (3.0 + 1e-8), 1e-15);
  EXPECT_NEAR(w(0, 1), 1.0 + 1e-3 * 0.01 / (0.01 + 1e-8), 1e-15);
}

TEST(Adam, SecondStepMatchesHandComputedMoments) {
  // g1 = 1, g2 = 2, lr = 0.1, defaults otherwise.
  // m = 0.9*0.1 + 0.1*2 = 0.29;  s = 0.999*0.001 + 0.001*4 = 0.004999
  // m_hat = 0.29 / (1 - 0.81) = 1.526315789...; s_hat = 0.004999 / (1 - 0.998001) = 2.5007503...
  Matrix w = Matrix::from_rows({{0.0}});
  Matrix g = Matrix::from_rows({{1.0}});
  AdamOptions o;
  o.lr = 0.1;
  Adam opt(make_slots({&w}, {&g}), o);
  opt.step();
  const double w1 = -0.1 * 1.0 / (1.0 + 1e-8);
  EXPECT_NEAR(w(0, 0), w1, 1e-15);
  g(0, 0) = 2.0;
  opt.step();
  const double m_hat = 0.29 / 0.19, s_hat = 0.004999 / (1.0 - 0.998001);
  EXPECT_NEAR(w(0, 0), w1 - 0.1 * m_hat / (std::sqrt(s_hat) + 1e-8), 1e-12);
}

TEST(Optim, RejectsMismatchedSlotsAndBadHyperparameters) {
  Matrix w(2, 2), g(2, 3);
  EXPECT_THROW(make_slots({&w}, {&g}), std::invalid_argument);
  EXPECT_THROW(make_slots({&w}, {}), std::invalid_argument);
  Matrix g2(2, 2);
  EXPECT_THROW(Sgd(make_slots({&w}, {&g2}), SgdOptions{-1.0, 0.9, 0.0}), std::invalid_argument);
  AdamOptions bad;
  bad.beta2 = 1.0;
  EXPECT_THROW(Adam(make_slots({&w}, {&g2}), bad), std::invalid_argument);
}

// Sgd::update in pieces, then end_step, is step(): the same bits for every element, over several
// steps with momentum and weight decay (the velocity must carry over), whatever the cut points.
TEST(Sgd, UpdateInPiecesEqualsStep) {
  Matrix w1 = testing::random_matrix(5, 7, 1), w2 = testing::random_matrix(3, 2, 2);
  Matrix p1 = w1, p2 = w2;
  Matrix g1(5, 7), g2(3, 2);
  const SgdOptions o{0.05, 0.9, 0.01};
  Sgd whole(make_slots({&w1, &w2}, {&g1, &g2}), o);
  Sgd pieces(make_slots({&p1, &p2}, {&g1, &g2}), o);
  for (std::uint64_t step = 0; step < 4; ++step) {
    g1 = testing::random_matrix(5, 7, 10 + step);
    g2 = testing::random_matrix(3, 2, 20 + step);
    whole.step();
    pieces.prefetch(0, 13, 35);  // a hint: changes no value
    pieces.update(1, 0, 6);  // slots in any order, one slot cut at 0, 13, 13 (empty), 35
    pieces.update(0, 13, 13);
    pieces.update(0, 0, 13);
    pieces.update(0, 13, 35);
    pieces.end_step();
    EXPECT_EQ(p1, w1) << "step " << step;
    EXPECT_EQ(p2, w2) << "step " << step;
  }
  EXPECT_EQ(pieces.steps_taken(), whole.steps_taken());
}

// end_step() refuses a step whose pieces miss or repeat elements, naming the slot; update() refuses
// a range outside its slot or a slot that does not exist; slot_of finds a parameter or throws.
TEST(Sgd, PiecesMustCoverEverySlotOnce) {
  Matrix w(2, 3), g(2, 3, 1.0), u(1, 1), h(1, 1);
  Sgd opt(make_slots({&w, &u}, {&g, &h}), SgdOptions{});
  opt.update(0, 0, 6);
  try {
    opt.end_step();
    ADD_FAILURE() << "end_step accepted a step that never updated slot 1";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("slot 1 had 0 element updates"), std::string::npos) << e.what();
  }
  Sgd twice(make_slots({&w}, {&g}), SgdOptions{});
  twice.update(0, 0, 6);
  twice.update(0, 4, 6);
  EXPECT_THROW(twice.end_step(), std::logic_error);
  EXPECT_THROW(opt.update(0, 4, 7), std::invalid_argument);
  EXPECT_THROW(opt.update(0, 5, 4), std::invalid_argument);
  EXPECT_THROW(opt.update(2, 0, 1), std::invalid_argument);
  EXPECT_THROW(opt.prefetch(0, 4, 7), std::invalid_argument);  // the same ranges as update
  EXPECT_THROW(opt.prefetch(2, 0, 1), std::invalid_argument);
  EXPECT_EQ(opt.slot_of(u), 1u);
  EXPECT_THROW(opt.slot_of(g), std::invalid_argument);
}

}  // namespace
}  // namespace rl
