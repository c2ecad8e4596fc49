#include "tasks/mnist.h"

#include <fstream>
#include <numeric>
#include <stdexcept>

#include "tasks/idx.h"

namespace rl {
namespace {

std::vector<std::size_t> iota_indices(std::size_t n) {
  std::vector<std::size_t> v(n);
  std::iota(v.begin(), v.end(), std::size_t{0});
  return v;
}

void require_index(const MnistSet& set, std::size_t i, const char* who) {
  if (i >= set.size())
    throw std::out_of_range(std::string(who) + ": image index " + std::to_string(i) +
                            " out of range (set has " + std::to_string(set.size()) + ")");
}

}  // namespace

MnistSet load_mnist_pair(const std::string& images_path, const std::string& labels_path) {
  IdxImages images = read_idx_images(images_path);
  const std::vector<std::uint8_t> labels = read_idx_labels(labels_path);
  if (images.rows != kMnistSide || images.cols != kMnistSide)
    throw std::runtime_error("MNIST file '" + images_path + "': images are " + std::to_string(images.rows) +
                             " x " + std::to_string(images.cols) + ", expected 28 x 28");
  if (labels.size() != images.count)
    throw std::runtime_error("MNIST label file '" + labels_path + "' has " + std::to_string(labels.size()) +
                             " labels but image file '" + images_path + "' has " +
                             std::to_string(images.count) + " images");
  MnistSet set;
  set.pixels = std::move(images.pixels);
  set.labels.resize(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= kMnistClasses)
      throw std::runtime_error("MNIST label file '" + labels_path + "': label " + std::to_string(labels[i]) +
                               " at index " + std::to_string(i) + " is not a digit 0..9");
    set.labels[i] = labels[i];
  }
  return set;
}

Mnist load_mnist(const std::string& dir) {
  Mnist m;
  m.train = load_mnist_pair(dir + "/train-images-idx3-ubyte", dir + "/train-labels-idx1-ubyte");
  m.test = load_mnist_pair(dir + "/t10k-images-idx3-ubyte", dir + "/t10k-labels-idx1-ubyte");
  return m;
}

bool mnist_available(const std::string& dir) { return std::ifstream(dir + "/.complete").good(); }

MnistSet subset(const MnistSet& set, const std::vector<std::size_t>& indices) {
  MnistSet out;
  out.pixels.resize(indices.size() * kMnistPixels);
  out.labels.resize(indices.size());
  for (std::size_t k = 0; k < indices.size(); ++k) {
    require_index(set, indices[k], "subset");
    const auto first = set.pixels.begin() + static_cast<std::ptrdiff_t>(indices[k] * kMnistPixels);
    std::copy(first, first + kMnistPixels, out.pixels.begin() + static_cast<std::ptrdiff_t>(k * kMnistPixels));
    out.labels[k] = set.labels[indices[k]];
  }
  return out;
}

MnistSplit split_train_validation(const MnistSet& set, std::size_t n_train, std::uint64_t seed) {
  if (n_train > set.size())
    throw std::invalid_argument("split_train_validation: n_train = " + std::to_string(n_train) +
                                " exceeds the set size " + std::to_string(set.size()));
  std::vector<std::size_t> order = iota_indices(set.size());
  Rng rng(seed);
  rng.shuffle(order);
  const auto mid = order.begin() + static_cast<std::ptrdiff_t>(n_train);
  return {subset(set, std::vector<std::size_t>(order.begin(), mid)),
          subset(set, std::vector<std::size_t>(mid, order.end()))};
}

SeqBatch to_sequential(const MnistSet& set, const std::vector<std::size_t>& indices) {
  if (set.pixels.size() != set.size() * kMnistPixels)
    throw std::invalid_argument("to_sequential: pixel buffer does not hold 784 per label");
  SeqBatch batch;
  batch.T = kMnistSide;
  batch.B = indices.size();
  batch.x = Matrix(batch.T * batch.B, kMnistSide);  // (T*B, 28)
  batch.labels.resize(batch.T * batch.B);
  for (std::size_t b = 0; b < batch.B; ++b) {
    require_index(set, indices[b], "to_sequential");
    for (std::size_t t = 0; t < kMnistSide; ++t) {
      double* step = batch.x.row(batch.row(t, b));  // image row t is time step t
      for (std::size_t j = 0; j < kMnistSide; ++j) step[j] = set.pixel(indices[b], t * kMnistSide + j);
      batch.labels[batch.row(t, b)] = set.labels[indices[b]];  // the loss reads t = T - 1 only
    }
  }
  return batch;
}

namespace {

// The flat batch in scalar type T: pixel(i, k) is computed in double and rounded to T (exact for double).
template <class T>
BasicFlatBatch<T> flat_batch(const MnistSet& set, const std::vector<std::size_t>& indices, const char* who) {
  BasicFlatBatch<T> batch{BasicMatrix<T>(indices.size(), kMnistPixels), std::vector<int>(indices.size())};
  for (std::size_t b = 0; b < indices.size(); ++b) {
    require_index(set, indices[b], who);
    T* row = batch.x.row(b);
    for (std::size_t k = 0; k < kMnistPixels; ++k) row[k] = static_cast<T>(set.pixel(indices[b], k));
    batch.labels[b] = set.labels[indices[b]];
  }
  return batch;
}

}  // namespace

FlatBatch to_flat(const MnistSet& set, const std::vector<std::size_t>& indices) {
  return flat_batch<double>(set, indices, "to_flat");
}

FlatBatchF to_flat_f32(const MnistSet& set, const std::vector<std::size_t>& indices) {
  return flat_batch<float>(set, indices, "to_flat_f32");
}

FlatBatch to_flat(const MnistSet& set) { return to_flat(set, iota_indices(set.size())); }

MnistBatcher::MnistBatcher(const MnistSet& set, std::size_t batch_size, std::uint64_t seed)
    : set_(set), batch_size_(batch_size), rng_(seed), order_(iota_indices(set.size())) {
  if (batch_size == 0 || batch_size > set.size())
    throw std::invalid_argument("MnistBatcher: batch size " + std::to_string(batch_size) +
                                " must be in [1, " + std::to_string(set.size()) + "]");
  rng_.shuffle(order_);
}

void MnistBatcher::reshuffle() {
  rng_.shuffle(order_);
  position_ = 0;
  ++epoch_;
}

std::vector<std::size_t> MnistBatcher::next_indices() {
  if (position_ + batch_size_ > order_.size()) reshuffle();
  const auto first = order_.begin() + static_cast<std::ptrdiff_t>(position_);
  position_ += batch_size_;
  return std::vector<std::size_t>(first, first + static_cast<std::ptrdiff_t>(batch_size_));
}

}  // namespace rl
