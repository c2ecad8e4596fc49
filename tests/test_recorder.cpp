#include "nn/recorder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "nn/loss.h"
#include "nn/measures.h"
#include "nn/two_layer_relu.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

TEST(Recorder, IsDueEveryKStepsAndAtTheFinalStep) {
  Recorder rec(5);
  std::vector<std::size_t> due;
  for (std::size_t step = 0; step <= 12; ++step)
    if (rec.due(step, 12)) due.push_back(step);
  EXPECT_EQ(due, (std::vector<std::size_t>{0, 5, 10, 12}));
  EXPECT_THROW(Recorder(0), std::invalid_argument);
}

TEST(Recorder, KeepsSeriesPerNameInRecordingOrder) {
  Recorder rec(10);
  rec.record(0, "KA", 1.0);
  rec.record(0, "dW", 0.0);
  rec.record(10, "KA", 0.75);
  rec.record(10, "dW", 2.5);
  EXPECT_EQ(rec.rows().size(), 4u);
  EXPECT_EQ(rec.values_of("KA"), (std::vector<double>{1.0, 0.75}));
  EXPECT_EQ(rec.steps_of("dW"), (std::vector<std::size_t>{0, 10}));
  EXPECT_TRUE(rec.values_of("RA").empty());
}

TEST(Recorder, WideTableFillsMissingEntriesWithNaN) {
  Recorder rec(1);
  rec.record(3, "loss", 0.5);
  rec.record(1, "loss", 2.0);
  rec.record(3, "KA", 0.9);
  const MeasureTable t = rec.table();
  EXPECT_EQ(t.steps, (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(t.names, (std::vector<std::string>{"loss", "KA"}));
  EXPECT_EQ(t.values[0][0], 2.0);
  EXPECT_TRUE(std::isnan(t.values[0][1]));
  EXPECT_EQ(t.values[1][0], 0.5);
  EXPECT_EQ(t.values[1][1], 0.9);
}

TEST(Recorder, WritesCsvThatRoundTripsEveryValue) {
  Recorder rec(1);
  rec.record(0, "KA", 0.1);  // 0.1 needs 17 digits to round-trip
  rec.record(1, "KA", 1.0 / 3.0);
  rec.record(2, "loss", INFINITY);
  std::ostringstream out;
  rec.write_csv(out);
  EXPECT_EQ(out.str(), "step,name,value\n0,KA,0.10000000000000001\n1,KA,0.33333333333333331\n2,loss,inf\n");
  std::istringstream in(out.str());
  std::string header, line;
  std::getline(in, header);
  std::getline(in, line);
  EXPECT_EQ(std::stod(line.substr(line.rfind(',') + 1)), 0.1);
}

TEST(Recorder, HandsEveryRowToACallerProvidedWriter) {
  Recorder rec(2);
  rec.record(0, "a", 1.0);
  rec.record(2, "b", 2.0);
  std::string seen;
  rec.write_rows([&](std::size_t step, const std::string& name, double value) {
    seen += std::to_string(step) + name + std::to_string(static_cast<int>(value)) + ";";
  });
  EXPECT_EQ(seen, "0a1;2b2;");
}

TEST(Recorder, RejectsUnsafeNamesAndDuplicates) {
  Recorder rec(1);
  EXPECT_THROW(rec.record(0, "", 1.0), std::invalid_argument);
  EXPECT_THROW(rec.record(0, "a,b", 1.0), std::invalid_argument);
  EXPECT_THROW(rec.record(0, "a\nb", 1.0), std::invalid_argument);
  rec.record(0, "KA", 1.0);
  EXPECT_THROW(rec.record(0, "KA", 0.5), std::invalid_argument);
}

TEST(Recorder, TracksMeasuresOverATinyTrainingRun) {
  // Plain gradient descent on a 4 -> 8 -> 3 ReLU net; the recorded series start at the exact
  // initial values (zero weight change, alignment one) and stay within their ranges.
  Rng rng(5);
  TwoLayerRelu net = init_two_layer_relu(4, 8, 3, rng);
  const Matrix X = testing::random_matrix(6, 4, 6);
  const std::vector<int> labels = {0, 1, 2, 0, 1, 2};
  const std::vector<unsigned char> keep(6, 1);
  const Matrix W1_0 = net.W1;
  const Matrix K0 = two_layer_relu_tangent_kernel(net, X);
  const Matrix H0 = two_layer_relu_hidden(net, X);
  const std::size_t steps = 40;
  Recorder rec(10);
  for (std::size_t step = 0; step <= steps; ++step) {
    TwoLayerReluCache cache;
    const LossResult loss = softmax_cross_entropy(two_layer_relu_forward(net, X, cache), labels, keep);
    if (rec.due(step, steps)) {
      rec.record(step, "loss", loss.loss);
      rec.record(step, "dW1", weight_change(W1_0, net.W1));
      rec.record(step, "KA", kernel_alignment(K0, two_layer_relu_tangent_kernel(net, X)));
      rec.record(step, "RA", representation_alignment(H0, two_layer_relu_hidden(net, X)));
    }
    zero_grads(net);
    two_layer_relu_backward(net, cache, loss.dY);
    net.W1 -= 0.5 * net.dW1;
    net.W2 -= 0.5 * net.dW2;
  }
  EXPECT_EQ(rec.steps_of("KA"), (std::vector<std::size_t>{0, 10, 20, 30, 40}));
  EXPECT_EQ(rec.values_of("dW1").front(), 0.0);
  EXPECT_NEAR(rec.values_of("KA").front(), 1.0, 1e-14);
  EXPECT_NEAR(rec.values_of("RA").front(), 1.0, 1e-14);
  EXPECT_GT(rec.values_of("dW1").back(), 0.0);
  EXPECT_LT(rec.values_of("loss").back(), rec.values_of("loss").front());
  for (double ka : rec.values_of("KA")) EXPECT_TRUE(ka > 0.0 && ka <= 1.0 + 1e-14) << ka;
}

}  // namespace
}  // namespace rl
