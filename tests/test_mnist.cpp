// Tests for tasks/mnist: loading small synthetic IDX pairs (every mismatch case), pixel scaling,
// the sequential and flat layouts, the seeded split and per-epoch reshuffle, and (when
// data/mnist exists, see `make data`) the real files.
#include "tasks/mnist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <stdexcept>

#include "tasks/idx.h"

namespace rl {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put_u32(Bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

// Image i has pixel k = (i * 7 + k) mod 256, label i mod 10.
Bytes images_bytes(std::uint32_t n, std::uint32_t side = 28) {
  Bytes b;
  put_u32(b, kIdxImagesMagic);
  put_u32(b, n);
  put_u32(b, side);
  put_u32(b, side);
  for (std::uint32_t i = 0; i < n; ++i)
    for (std::uint32_t k = 0; k < side * side; ++k) b.push_back(static_cast<std::uint8_t>((i * 7 + k) % 256));
  return b;
}

Bytes labels_bytes(std::uint32_t n, std::uint8_t bad_value_at_end = 0) {
  Bytes b;
  put_u32(b, kIdxLabelsMagic);
  put_u32(b, n);
  for (std::uint32_t i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(i % 10));
  if (bad_value_at_end) b.back() = bad_value_at_end;
  return b;
}

class MnistFiles : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const Bytes& bytes) {
    const std::string path = ::testing::TempDir() + "richlazy_mnist_" + name;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
    written_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const std::string& p : written_) std::remove(p.c_str());
  }
  MnistSet small_set(std::uint32_t n) {
    return load_mnist_pair(write("img", images_bytes(n)), write("lab", labels_bytes(n)));
  }
  std::vector<std::string> written_;
};

TEST_F(MnistFiles, PixelsAreScaledToUnitIntervalAndLabelsKept) {
  const MnistSet set = small_set(3);
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set.labels, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(set.pixel(0, 0), 0.0);
  EXPECT_EQ(set.pixel(0, 255), 1.0);           // byte 255
  EXPECT_EQ(set.pixel(1, 44), 51.0 / 255.0);   // (7 + 44) = 51
}

TEST_F(MnistFiles, CountMismatchNamesBothFiles) {
  const std::string img = write("img5", images_bytes(5)), lab = write("lab4", labels_bytes(4));
  try {
    load_mnist_pair(img, lab);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(img), std::string::npos) << msg;
    EXPECT_NE(msg.find(lab), std::string::npos) << msg;
    EXPECT_NE(msg.find("4 labels"), std::string::npos) << msg;
    EXPECT_NE(msg.find("5 images"), std::string::npos) << msg;
  }
}

TEST_F(MnistFiles, NonDigitLabelsAndWrongImageSizesAreRejected) {
  const std::string img = write("img3", images_bytes(3)), lab = write("bad", labels_bytes(3, 10));
  EXPECT_THROW(load_mnist_pair(img, lab), std::runtime_error);
  const std::string small = write("img14", images_bytes(3, 14)), ok = write("ok3", labels_bytes(3));
  EXPECT_THROW(load_mnist_pair(small, ok), std::runtime_error);
  EXPECT_THROW(load_mnist(::testing::TempDir() + "richlazy_no_such_dir"), std::runtime_error);
}

// Step t of trial b is row t of image b: x[t*B + b, j] = pixel(b, 28 t + j).
TEST_F(MnistFiles, SequentialBatchIsRowWiseAndTimeMajor) {
  const MnistSet set = small_set(4);
  const SeqBatch batch = to_sequential(set, {3, 1});
  batch.validate("sMNIST");
  ASSERT_EQ(batch.T, 28u);
  ASSERT_EQ(batch.B, 2u);
  ASSERT_EQ(batch.n_in(), 28u);
  const std::size_t image[2] = {3, 1};
  for (std::size_t t = 0; t < 28; ++t)
    for (std::size_t b = 0; b < 2; ++b) {
      EXPECT_EQ(batch.label(t, b), static_cast<int>(image[b]));  // every step carries the digit
      for (std::size_t j = 0; j < 28; ++j)
        ASSERT_EQ(batch.x(t * 2 + b, j), set.pixel(image[b], 28 * t + j)) << t << " " << b << " " << j;
    }
}

TEST_F(MnistFiles, FlatBatchHoldsWholeImages) {
  const MnistSet set = small_set(4);
  const FlatBatch batch = to_flat(set, {2, 0});
  ASSERT_EQ(batch.x.rows(), 2u);
  ASSERT_EQ(batch.x.cols(), 784u);
  EXPECT_EQ(batch.labels, (std::vector<int>{2, 0}));
  for (std::size_t k = 0; k < 784; ++k) EXPECT_EQ(batch.x(0, k), set.pixel(2, k));
  EXPECT_EQ(to_flat(set).x.rows(), 4u);
  EXPECT_THROW(to_flat(set, {4}), std::out_of_range);
}

TEST_F(MnistFiles, SplitIsSeededDisjointAndComplete) {
  const MnistSet set = small_set(50);  // labels are i mod 10, pixel 0 is (7 i) mod 256: unique
  const MnistSplit a = split_train_validation(set, 40, 1), b = split_train_validation(set, 40, 1),
                   c = split_train_validation(set, 40, 2);
  ASSERT_EQ(a.train.size(), 40u);
  ASSERT_EQ(a.validation.size(), 10u);
  EXPECT_EQ(a.train.pixels, b.train.pixels);
  EXPECT_NE(a.train.pixels, c.train.pixels);
  std::set<int> first_pixels;
  for (const MnistSet* part : {&a.train, &a.validation})
    for (std::size_t i = 0; i < part->size(); ++i) first_pixels.insert(part->pixels[i * 784]);
  EXPECT_EQ(first_pixels.size(), 50u);
  EXPECT_THROW(split_train_validation(set, 51, 1), std::invalid_argument);
}

TEST_F(MnistFiles, BatcherCoversEachEpochOnceAndReshufflesBetweenEpochs) {
  const MnistSet set = small_set(30);
  MnistBatcher batcher(set, 10, 5), same(set, 10, 5);
  std::vector<std::vector<std::size_t>> epochs(2);
  for (int e = 0; e < 2; ++e)
    for (int k = 0; k < 3; ++k) {
      EXPECT_EQ(batcher.epoch(), k == 0 && e == 1 ? 0u : static_cast<std::size_t>(e));
      const std::vector<std::size_t> idx = batcher.next_indices();
      EXPECT_EQ(idx, same.next_indices());
      epochs[static_cast<std::size_t>(e)].insert(epochs[static_cast<std::size_t>(e)].end(), idx.begin(), idx.end());
    }
  EXPECT_EQ(batcher.epoch(), 1u);
  EXPECT_NE(epochs[0], epochs[1]);  // a fresh permutation
  for (auto& order : epochs) {
    std::sort(order.begin(), order.end());
    for (std::size_t i = 0; i < 30; ++i) EXPECT_EQ(order[i], i);
  }
  EXPECT_THROW(MnistBatcher(set, 0, 1), std::invalid_argument);
}

// The float batches a float32 run takes (MnistBatcher::next_flat_f32) are the double batches of the
// same draw rounded to float, value for value, with the same labels: a float32 run that takes them
// computes what it computed from the doubles (nn/relu_experiment.h, ReluBatches).
TEST_F(MnistFiles, FloatBatchesAreTheDoubleBatchesRounded) {
  const MnistSet set = small_set(30);
  MnistBatcher doubles(set, 7, 3), floats(set, 7, 3);
  for (int k = 0; k < 5; ++k) {  // across an epoch boundary
    const FlatBatch d = doubles.next_flat();
    const FlatBatchF f = floats.next_flat_f32();
    EXPECT_EQ(f.labels, d.labels);
    EXPECT_EQ(f.x, cast_matrix<float>(d.x)) << "batch " << k;
  }
}

// The real files (fetched by `make data`); skipped with a message when absent, except when
// RICHLAZY_REQUIRE_MNIST=1 (set by .ci/run, which fetches them first), where absence is a failure.
TEST(MnistReal, CountsFirstLabelAndPixelRange) {
  const char* env = std::getenv("RICHLAZY_MNIST_DIR");
  const std::string dir = env ? env : "data/mnist";
  const char* require = std::getenv("RICHLAZY_REQUIRE_MNIST");
  if (!mnist_available(dir)) {
    if (require && std::string(require) == "1")
      FAIL() << dir << "/.complete not found and RICHLAZY_REQUIRE_MNIST=1: `make data` did not fetch MNIST";
    GTEST_SKIP() << dir << "/.complete not found: run `make data` from the repository root";
  }
  const Mnist m = load_mnist(dir);
  EXPECT_EQ(m.train.size(), 60000u);
  EXPECT_EQ(m.test.size(), 10000u);
  EXPECT_EQ(m.train.labels[0], 5);  // the well-known first training digit
  EXPECT_EQ(m.test.labels[0], 7);
  const auto [lo, hi] = std::minmax_element(m.train.pixels.begin(), m.train.pixels.end());
  EXPECT_EQ(*lo, 0);
  EXPECT_EQ(*hi, 255);
  EXPECT_EQ(m.train.pixel(0, 0), 0.0);  // corners are background
  const MnistSplit split = split_train_validation(m.train, kMnistTrainSize, 0);
  EXPECT_EQ(split.validation.size(), 5000u);
}

}  // namespace
}  // namespace rl
