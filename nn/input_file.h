// Reading an input file whole, safely: the one place the library opens a data file it did not write
// (IDX images and labels, .npy arrays, connectivity CSVs).
//
// Before a byte is allocated the path must name a regular file (not a directory, FIFO or device:
// `tellg` on a directory reports 2^63 - 1 bytes, and /dev/zero never ends) no larger than the
// reader's cap.  Every error is a std::runtime_error of the form
//   <kind> '<path>': <problem>
// e.g. "IDX file 'data/mnist/train-images-idx3-ubyte': is a directory, not a regular file".
#pragma once

#include <cstdint>
#include <string>

namespace rl {

// Caps on what a reader accepts; each far above what the project ships or fetches.
inline constexpr std::uintmax_t kMaxIdxFileBytes = std::uintmax_t{1} << 30;  // MNIST train images: 47 MB
inline constexpr std::uintmax_t kMaxNpyFileBytes = std::uintmax_t{1} << 30;  // 1 GiB = 134M doubles
inline constexpr std::uintmax_t kMaxCsvFileBytes = std::uintmax_t{64} << 20;  // largest shipped CSV: 75 kB

// The size in bytes of a regular file; throws "<kind> '<path>': ..." when the path is missing, is not
// a regular file, or is larger than max_bytes.
std::uintmax_t regular_file_size(const std::string& path, const std::string& kind, std::uintmax_t max_bytes);

// The whole file, after regular_file_size; throws the same way on a read error or a file that changed
// size while being read.
std::string read_input_file(const std::string& path, const std::string& kind, std::uintmax_t max_bytes);

}  // namespace rl
