// Reader for the IDX files MNIST ships in (LeCun et al., http://yann.lecun.com/exdb/mnist/):
// a big-endian header, then unsigned bytes.
//
//   images: magic 0x00000803, count, rows, cols (4 bytes each), then count*rows*cols pixels
//   labels: magic 0x00000801, count, then count labels
//
// Every check failure throws std::runtime_error naming the file and the problem: missing file,
// short header, wrong magic, zero dimensions, and a file length different from header + payload
// (truncated or with trailing bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rl {

constexpr std::uint32_t kIdxImagesMagic = 0x00000803;  // unsigned byte, 3 dimensions
constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;  // unsigned byte, 1 dimension

struct IdxImages {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // (count * rows * cols), image-major then row-major
};

IdxImages read_idx_images(const std::string& path);
std::vector<std::uint8_t> read_idx_labels(const std::string& path);

}  // namespace rl
