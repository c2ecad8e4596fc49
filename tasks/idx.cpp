#include "tasks/idx.h"

#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

#include "nn/input_file.h"

namespace rl {
namespace {

[[noreturn]] void idx_error(const std::string& path, const std::string& problem) {
  throw std::runtime_error("IDX file '" + path + "': " + problem);
}

// The whole file; a missing path keeps its hint about `make data`.
std::string read_all_bytes(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) idx_error(path, "cannot open (missing? run `make data` to fetch MNIST)");
  return read_input_file(path, "IDX file", kMaxIdxFileBytes);
}

std::uint32_t big_endian_u32(const std::string& b, std::size_t offset) {
  auto byte = [&](std::size_t k) { return std::uint32_t{static_cast<unsigned char>(b[offset + k])}; };
  return (byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3);
}

std::string hex(std::uint32_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << std::uppercase;
  s.width(8);
  s.fill('0');
  s << v;
  return s.str();
}

// Checks the header length and the magic number; returns the header's dimension fields.
std::vector<std::size_t> read_header(const std::string& bytes, const std::string& path,
                                     std::uint32_t magic, std::size_t n_dims) {
  const std::size_t header = 4 * (1 + n_dims);
  auto too_short = [&] {
    idx_error(path, "file is " + std::to_string(bytes.size()) + " bytes, shorter than its " +
                        std::to_string(header) + "-byte header (truncated?)");
  };
  if (bytes.size() < 4) too_short();
  const std::uint32_t got = big_endian_u32(bytes, 0);  // magic first: the most telling error
  if (got != magic) idx_error(path, "magic number " + hex(got) + ", expected " + hex(magic));
  if (bytes.size() < header) too_short();
  std::vector<std::size_t> dims;
  for (std::size_t k = 0; k < n_dims; ++k) dims.push_back(big_endian_u32(bytes, 4 * (1 + k)));
  return dims;
}

void require_length(const std::string& bytes, const std::string& path,
                    std::size_t header, std::size_t payload) {
  std::size_t expected = 0;
  if (__builtin_add_overflow(header, payload, &expected)) idx_error(path, "corrupt header: dimensions overflow");
  if (bytes.size() < expected)
    idx_error(path, "truncated: " + std::to_string(bytes.size()) + " bytes, header promises " +
                        std::to_string(expected));
  if (bytes.size() > expected)
    idx_error(path, "corrupt: " + std::to_string(bytes.size() - expected) +
                        " trailing bytes after the " + std::to_string(expected) + " the header promises");
}

// a * b, or an error when the header's dimensions overflow size_t (a corrupt header).
std::size_t checked_product(std::size_t a, std::size_t b, const std::string& path) {
  std::size_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) idx_error(path, "corrupt header: dimensions overflow");
  return out;
}

}  // namespace

IdxImages read_idx_images(const std::string& path) { return parse_idx_images(read_all_bytes(path), path); }

std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
  return parse_idx_labels(read_all_bytes(path), path);
}

IdxImages parse_idx_images(const std::string& bytes, const std::string& path) {
  const std::vector<std::size_t> dims = read_header(bytes, path, kIdxImagesMagic, 3);
  if (dims[0] == 0 || dims[1] == 0 || dims[2] == 0)
    idx_error(path, "zero dimension in header (" + std::to_string(dims[0]) + " x " +
                        std::to_string(dims[1]) + " x " + std::to_string(dims[2]) + ")");
  const std::size_t header = 16;
  require_length(bytes, path, header, checked_product(dims[0], checked_product(dims[1], dims[2], path), path));
  IdxImages images;
  images.count = dims[0];
  images.rows = dims[1];
  images.cols = dims[2];
  images.pixels.assign(bytes.begin() + header, bytes.end());
  return images;
}

std::vector<std::uint8_t> parse_idx_labels(const std::string& bytes, const std::string& path) {
  const std::vector<std::size_t> dims = read_header(bytes, path, kIdxLabelsMagic, 1);
  if (dims[0] == 0) idx_error(path, "zero label count in header");
  const std::size_t header = 8;
  require_length(bytes, path, header, dims[0]);
  return std::vector<std::uint8_t>(bytes.begin() + header, bytes.end());
}

}  // namespace rl
