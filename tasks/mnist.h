// MNIST: loading the four IDX files, the train/validation split, seeded batches, and the two
// input forms the experiments use (docs/paper.md#training, #two-layer-relu).
//
//   * Pixels are scaled to [0, 1] (byte / 255), no further normalisation (as in the released code).
//   * Split [OURS]: a seeded random 55,000 / 5,000 train / validation split of the 60,000 training
//     images (the released script also draws a random 55,000 split, unseeded).
//   * Batches [OURS]: a seeded permutation of the set, redrawn at every epoch; a batch never
//     straddles two epochs (a short tail, if any, is dropped: 55,000 is a multiple of 100 and 200).
//   * Flat form: (B, 784) rows + labels (the Fig. 4B two-layer ReLU network).
//   * Row-wise sequential MNIST: T = 28 steps, step t = image row t (top to bottom) with its 28
//     pixels as input; time-major SeqBatch (row t*B + b).  Every step carries the digit as its
//     label; the paper's loss uses only the last step t = 27 (docs/paper.md#training), so a trainer must
//     read labels at t = T - 1 (the per-step copies exist so that SeqBatch keeps one layout).
//
// Dimension letters: B batch, T = 28 time steps, 784 = 28 x 28 pixels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "linalg/matrix.h"
#include "linalg/rng.h"
#include "nn/sequence.h"

namespace rl {

constexpr std::size_t kMnistSide = 28;
constexpr std::size_t kMnistPixels = kMnistSide * kMnistSide;  // 784
constexpr std::size_t kMnistClasses = 10;
constexpr std::size_t kMnistTrainSize = 55000;  // released split size (docs/paper.md#training)

// Pixels stay bytes (47 MB for the training set instead of 376 MB of doubles); batches convert
// them to doubles in [0, 1].
struct MnistSet {
  std::vector<std::uint8_t> pixels;  // (count * 784), image-major, each image row-major
  std::vector<int> labels;           // (count), digits 0..9
  std::size_t size() const { return labels.size(); }
  // Pixel k (0..783) of image i, scaled to [0, 1].
  double pixel(std::size_t i, std::size_t k) const { return pixels[i * kMnistPixels + k] / 255.0; }
};

// One image file and its label file.  Throws std::runtime_error naming the file when either is
// missing or corrupt, when the images are not 28 x 28, when a label is > 9, or when the two counts
// differ (the message names both files).
MnistSet load_mnist_pair(const std::string& images_path, const std::string& labels_path);

struct Mnist {
  MnistSet train;  // 60,000
  MnistSet test;   // 10,000
};
// Loads train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
// t10k-labels-idx1-ubyte from `dir` (`make data` puts them in data/mnist).
Mnist load_mnist(const std::string& dir);
// True when `dir`/.complete exists (written by tasks/fetch_mnist.sh after verifying every file).
bool mnist_available(const std::string& dir);

// The rows of `set` at `indices`, in that order.
MnistSet subset(const MnistSet& set, const std::vector<std::size_t>& indices);

struct MnistSplit {
  MnistSet train;       // n_train images
  MnistSet validation;  // the rest
};
// A random split (seeded permutation): the first n_train of the permutation train, the rest validate.
MnistSplit split_train_validation(const MnistSet& set, std::size_t n_train, std::uint64_t seed);

// FlatBatch (the flat form, one image per row) is in nn/sequence.h beside SeqBatch.

// Row-wise sequential form of the images at `indices`: T = 28, each step one image row.
SeqBatch to_sequential(const MnistSet& set, const std::vector<std::size_t>& indices);
// Flat form (B, 784) of the images at `indices`.
FlatBatch to_flat(const MnistSet& set, const std::vector<std::size_t>& indices);
// The same in float: each pixel is the double byte / 255 rounded to float once, so these are exactly
// the values a float32 network makes of to_flat's doubles (docs/precision.md).
FlatBatchF to_flat_f32(const MnistSet& set, const std::vector<std::size_t>& indices);
// Every image, flat (count, 784); e.g. an evaluation set.
FlatBatch to_flat(const MnistSet& set);

// Seeded mini-batches with a fresh permutation every epoch.  Holds a reference: `set` must outlive it.
class MnistBatcher {
 public:
  MnistBatcher(const MnistSet& set, std::size_t batch_size, std::uint64_t seed);

  // Indices of the next batch (starts a new, reshuffled epoch when fewer than B remain).
  std::vector<std::size_t> next_indices();
  SeqBatch next_sequential() { return to_sequential(set_, next_indices()); }
  FlatBatch next_flat() { return to_flat(set_, next_indices()); }
  FlatBatchF next_flat_f32() { return to_flat_f32(set_, next_indices()); }

  std::size_t epoch() const { return epoch_; }  // 0 during the first epoch
  std::size_t batches_per_epoch() const { return set_.size() / batch_size_; }

 private:
  void reshuffle();

  const MnistSet& set_;
  std::size_t batch_size_;
  Rng rng_;
  std::vector<std::size_t> order_;
  std::size_t position_ = 0;
  std::size_t epoch_ = 0;
};

}  // namespace rl
