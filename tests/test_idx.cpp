// Tests for tasks/idx: small IDX files written to a temporary directory, valid and corrupt.
#include "tasks/idx.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace rl {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put_u32(Bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

Bytes image_file(std::uint32_t magic, std::uint32_t n, std::uint32_t rows, std::uint32_t cols,
                 std::size_t payload) {
  Bytes b;
  put_u32(b, magic);
  put_u32(b, n);
  put_u32(b, rows);
  put_u32(b, cols);
  for (std::size_t k = 0; k < payload; ++k) b.push_back(static_cast<std::uint8_t>(k % 256));
  return b;
}

Bytes label_file(std::uint32_t magic, std::uint32_t n, std::size_t payload) {
  Bytes b;
  put_u32(b, magic);
  put_u32(b, n);
  for (std::size_t k = 0; k < payload; ++k) b.push_back(static_cast<std::uint8_t>(k % 10));
  return b;
}

class IdxTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const Bytes& bytes) {
    const std::string path = ::testing::TempDir() + "richlazy_idx_" + name;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
    written_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const std::string& p : written_) std::remove(p.c_str());
  }
  // Expects read() to throw a runtime_error whose message names `path` and contains `fragment`.
  template <class F>
  void expect_error(F read, const std::string& path, const std::string& fragment) {
    try {
      read();
      ADD_FAILURE() << "no error for " << path << "; expected '" << fragment << "'";
    } catch (const std::runtime_error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(path), std::string::npos) << msg;
      EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
    }
  }
  std::vector<std::string> written_;
};

TEST_F(IdxTest, ReadsImagesAndLabelsExactly) {
  const std::string img = write("ok-images", image_file(kIdxImagesMagic, 2, 3, 4, 24));
  const IdxImages images = read_idx_images(img);
  EXPECT_EQ(images.count, 2u);
  EXPECT_EQ(images.rows, 3u);
  EXPECT_EQ(images.cols, 4u);
  ASSERT_EQ(images.pixels.size(), 24u);
  for (std::size_t k = 0; k < 24; ++k) EXPECT_EQ(images.pixels[k], k);
  const std::string lab = write("ok-labels", label_file(kIdxLabelsMagic, 12, 12));
  const std::vector<std::uint8_t> labels = read_idx_labels(lab);
  ASSERT_EQ(labels.size(), 12u);
  EXPECT_EQ(labels[11], 1);
}

TEST_F(IdxTest, BigEndianCountsAbove255AreRead) {
  const std::string lab = write("big-labels", label_file(kIdxLabelsMagic, 300, 300));
  EXPECT_EQ(read_idx_labels(lab).size(), 300u);
}

TEST_F(IdxTest, MissingFileIsNamed) {
  const std::string path = ::testing::TempDir() + "richlazy_idx_does_not_exist";
  expect_error([&] { read_idx_images(path); }, path, "cannot open");
  expect_error([&] { read_idx_labels(path); }, path, "cannot open");
}

TEST_F(IdxTest, ShortHeaderIsTruncation) {
  Bytes b;
  put_u32(b, kIdxImagesMagic);
  b.push_back(0);
  const std::string path = write("short", b);
  expect_error([&] { read_idx_images(path); }, path, "shorter than its 16-byte header");
  const std::string empty = write("empty", {});
  expect_error([&] { read_idx_labels(empty); }, empty, "shorter than its 8-byte header");
}

TEST_F(IdxTest, WrongMagicIsRejectedWithBothValues) {
  const std::string labels_as_images = write("swapped", label_file(kIdxLabelsMagic, 4, 4));
  expect_error([&] { read_idx_images(labels_as_images); }, labels_as_images,
               "magic number 0x00000801, expected 0x00000803");
  const std::string images_as_labels = write("swapped2", image_file(kIdxImagesMagic, 1, 1, 1, 1));
  expect_error([&] { read_idx_labels(images_as_labels); }, images_as_labels, "expected 0x00000801");
  const std::string gz = write("gzip", image_file(0x1f8b0800, 1, 1, 1, 1));  // a gzipped file
  expect_error([&] { read_idx_images(gz); }, gz, "magic number 0x1F8B0800");
}

TEST_F(IdxTest, TruncatedPayloadIsRejected) {
  const std::string img = write("trunc-images", image_file(kIdxImagesMagic, 2, 3, 4, 23));
  expect_error([&] { read_idx_images(img); }, img, "truncated: 39 bytes, header promises 40");
  const std::string lab = write("trunc-labels", label_file(kIdxLabelsMagic, 10, 9));
  expect_error([&] { read_idx_labels(lab); }, lab, "truncated");
}

TEST_F(IdxTest, TrailingBytesAreRejected) {
  const std::string img = write("long-images", image_file(kIdxImagesMagic, 2, 3, 4, 25));
  expect_error([&] { read_idx_images(img); }, img, "1 trailing bytes");
  const std::string lab = write("long-labels", label_file(kIdxLabelsMagic, 10, 12));
  expect_error([&] { read_idx_labels(lab); }, lab, "2 trailing bytes");
}

TEST_F(IdxTest, ZeroAndOverflowingDimensionsAreRejected) {
  const std::string zero = write("zero", image_file(kIdxImagesMagic, 2, 0, 4, 0));
  expect_error([&] { read_idx_images(zero); }, zero, "zero dimension");
  const std::string zero_labels = write("zero-labels", label_file(kIdxLabelsMagic, 0, 0));
  expect_error([&] { read_idx_labels(zero_labels); }, zero_labels, "zero label count");
  const std::string huge = write("huge", image_file(kIdxImagesMagic, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 4));
  expect_error([&] { read_idx_images(huge); }, huge, "overflow");
}

// Issue 15 defect 7: a directory where an MNIST file should be made tellg report 2^63 - 1 bytes and
// the reader die with a bare std::bad_alloc.  Now it is refused, by name, before any allocation.
TEST_F(IdxTest, DirectoryOrDeviceInPlaceOfTheFileIsNamed) {
  const std::string dir = ::testing::TempDir() + "richlazy_idx_a_directory";
  std::filesystem::create_directories(dir);
  expect_error([&] { read_idx_images(dir); }, dir, "is a directory, not a regular file");
  expect_error([&] { read_idx_labels(dir); }, dir, "is a directory, not a regular file");
  std::filesystem::remove_all(dir);
  expect_error([&] { read_idx_labels("/dev/zero"); }, "/dev/zero", "character device");
  expect_error([&] { read_idx_images("/no/such/idx"); }, "/no/such/idx", "make data");
}

// A header that promises 2^32 - 1 images of 2^32 - 1 x 1 pixels in a 20-byte file: the sizes are
// compared with the actual length before the pixels are copied (the fuzzer's memory cap would catch
// an allocation from the header).
TEST_F(IdxTest, HeaderSizesAreCheckedAgainstTheActualLengthInMemoryToo) {
  Bytes b = image_file(kIdxImagesMagic, 0xffffffffu, 0xffffffffu, 1, 4);
  const std::string bytes(b.begin(), b.end());
  try {
    parse_idx_images(bytes, "mem.idx");
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'mem.idx': truncated"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rl
