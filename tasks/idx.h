// Reader for the IDX files MNIST ships in (LeCun et al., http://yann.lecun.com/exdb/mnist/):
// a big-endian header, then unsigned bytes.
//
//   images: magic 0x00000803, count, rows, cols (4 bytes each), then count*rows*cols pixels
//   labels: magic 0x00000801, count, then count labels
//
// Every check failure throws std::runtime_error naming the file and the problem: missing file, a
// directory or device in place of the file (nn/input_file.h), short header, wrong magic, zero
// dimensions, and a file length different from header + payload (truncated or with trailing bytes).
// The header's sizes are checked against the actual length before any pixel is copied.
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

// The same checks on a file's bytes already in memory; `source` names them in errors.  The readers
// above are nn/input_file.h's read_input_file followed by these (the fuzzer calls them directly).
IdxImages parse_idx_images(const std::string& bytes, const std::string& source);
std::vector<std::uint8_t> parse_idx_labels(const std::string& bytes, const std::string& source);

}  // namespace rl
