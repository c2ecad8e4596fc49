#include "nn/npy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>

#include "tests/test_helpers.h"

namespace rl {
namespace {

namespace fs = std::filesystem;

// A fresh, empty folder per test under GoogleTest's temporary directory.
std::string fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("richlazy_npy_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string hex_to_bytes(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// Expected headers, generated once with NumPy 1.24.2 (Debian python3-numpy) by
//   b = io.BytesIO(); np.save(b, np.zeros(shape)); b.getvalue()[:128]
// and pasted here: 10 bytes of magic / version / length, the dict, spaces, '\n'; 128 bytes in all.
std::string numpy_header(const std::string& shape_literal, std::size_t spaces) {
  return std::string("\x93NUMPY\x01\x00\x76\x00", 10) + "{'descr': '<f8', 'fortran_order': False, 'shape': " +
         shape_literal + ", }" + std::string(spaces, ' ') + "\n";
}

TEST(NpyHeader, MatchesNumpyBytesExactly) {
  // Space counts as printed by NumPy (see numpy_header above).
  EXPECT_EQ(npy_header({2, 3}), numpy_header("(2, 3)", 58));
  EXPECT_EQ(npy_header({5}), numpy_header("(5,)", 60));
  EXPECT_EQ(npy_header({0, 4}), numpy_header("(0, 4)", 58));
  EXPECT_EQ(npy_header({300, 784}), numpy_header("(300, 784)", 54));
  EXPECT_EQ(npy_header({123456789, 2}), numpy_header("(123456789, 2)", 50));
}

TEST(NpyHeader, DataStartsAtAMultipleOf64Bytes) {
  for (std::size_t rows : {1u, 7u, 99u, 1000u, 123456u})
    for (std::size_t cols : {1u, 10u, 784u, 100000u}) {
      const std::string h = npy_header({rows, cols});
      EXPECT_EQ(h.size() % 64, 0u) << rows << " x " << cols;
      EXPECT_EQ(h.back(), '\n');
    }
}

TEST(NpySave, WritesTheSameFileAsNumpy) {
  // np.save(b, np.array([[1.5, -2.0, 0.0], [-0.0, 3.25, 1e-300]])); b.getvalue()[128:].hex()
  const std::string numpy_data =
      "000000000000f83f00000000000000c0000000000000000000000000000000800000000000000a4059f3f8c21f6ea501";
  const std::string dir = fresh_dir("numpy_bytes");
  const std::string path = dir + "/a.npy";
  save_npy(path, Matrix::from_rows({{1.5, -2.0, 0.0}, {-0.0, 3.25, 1e-300}}));
  EXPECT_EQ(read_bytes(path), npy_header({2, 3}) + hex_to_bytes(numpy_data));
}

TEST(NpyRoundTrip, MatrixIsBitExact) {
  const std::string dir = fresh_dir("roundtrip_matrix");
  Matrix m = testing::random_matrix(7, 5, 42);
  m(0, 0) = -0.0;
  m(1, 1) = std::numeric_limits<double>::denorm_min();
  m(2, 2) = std::numeric_limits<double>::infinity();
  m(3, 3) = std::numeric_limits<double>::quiet_NaN();
  m(4, 4) = -std::numeric_limits<double>::max();
  save_npy(dir + "/m.npy", m);
  const Matrix back = load_npy_matrix(dir + "/m.npy");
  ASSERT_EQ(back.rows(), 7u);
  ASSERT_EQ(back.cols(), 5u);
  EXPECT_EQ(std::memcmp(back.data(), m.data(), m.size() * sizeof(double)), 0);
}

TEST(NpyRoundTrip, VectorAndEmptyShapesSurvive) {
  const std::string dir = fresh_dir("roundtrip_vector");
  const std::vector<double> v = {3.0, -1e-17, 2.5e300};
  save_npy(dir + "/v.npy", v);
  EXPECT_EQ(load_npy_vector(dir + "/v.npy"), v);
  save_npy(dir + "/e.npy", Matrix(0, 4));
  const Matrix e = load_npy_matrix(dir + "/e.npy");
  EXPECT_EQ(e.rows(), 0u);
  EXPECT_EQ(e.cols(), 4u);
}

TEST(NpySave, LeavesNoTemporaryFileBehind) {
  const std::string dir = fresh_dir("no_temp");
  save_npy(dir + "/a.npy", Matrix(3, 3, 1.0));
  save_npy(dir + "/a.npy", Matrix(2, 2, 2.0));  // overwrite in place
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(entry.path().filename().string(), "a.npy");
  }
  EXPECT_EQ(files, 1u);
  EXPECT_EQ(load_npy_matrix(dir + "/a.npy"), Matrix(2, 2, 2.0));
}

TEST(NpySave, UnwritableFolderIsAnErrorNamingThePath) {
  try {
    save_npy("/nonexistent_richlazy_dir/x.npy", Matrix(1, 1));
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent_richlazy_dir/x.npy"), std::string::npos);
  }
}

// Writes `bytes` to a file and expects load_npy_matrix to throw a message containing the path
// and `problem`.
void expect_rejected(const std::string& dir, const std::string& name, const std::string& bytes,
                     const std::string& problem) {
  const std::string path = dir + "/" + name + ".npy";
  write_bytes(path, bytes);
  try {
    load_npy_matrix(path);
    ADD_FAILURE() << name << ": expected an exception mentioning '" << problem << "'";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << name << ": " << msg;
    EXPECT_NE(msg.find(problem), std::string::npos) << name << ": " << msg;
  }
}

TEST(NpyLoad, RejectsEveryMalformedFile) {
  const std::string dir = fresh_dir("malformed");
  const std::string data(2 * 3 * 8, '\0');
  const std::string good = npy_header({2, 3}) + data;

  std::string bad_magic = good;
  bad_magic[1] = 'X';
  expect_rejected(dir, "bad_magic", bad_magic, "bad magic");
  expect_rejected(dir, "tiny", "\x93NU", "bad magic");

  std::string bad_version = good;
  bad_version[6] = '\x03';
  expect_rejected(dir, "bad_version", bad_version, "version 3.0");

  std::string f4 = good;
  f4.replace(f4.find("<f8"), 3, "<f4");
  expect_rejected(dir, "dtype_f4", f4, "dtype '<f4'");
  std::string big_endian = good;
  big_endian.replace(big_endian.find("<f8"), 3, ">f8");
  expect_rejected(dir, "dtype_big_endian", big_endian, "dtype '>f8'");

  std::string fortran = good;
  fortran.replace(fortran.find("False"), 5, "True ");
  expect_rejected(dir, "fortran", fortran, "Fortran-order");

  expect_rejected(dir, "truncated_data", good.substr(0, good.size() - 5), "truncated");
  expect_rejected(dir, "trailing_bytes", good + "xyz", "trailing bytes");
  expect_rejected(dir, "truncated_header", good.substr(0, 60), "truncated header");
  expect_rejected(dir, "length_for_other_shape", npy_header({3, 3}) + data, "does not match shape");
  expect_rejected(dir, "one_dimensional", npy_header({6}) + data, "expected a 2-D array");

  std::string no_newline = good;
  no_newline[127] = ' ';
  expect_rejected(dir, "no_newline", no_newline, "no terminating newline");
  std::string garbled = good;
  garbled.replace(garbled.find("'shape'"), 7, "'shope'");
  expect_rejected(dir, "unknown_key", garbled, "unknown key 'shope'");
  std::string bad_tuple = good;
  bad_tuple.replace(bad_tuple.find("(2, 3)"), 6, "(2, x)");
  expect_rejected(dir, "bad_tuple", bad_tuple, "malformed header");

  expect_rejected(dir, "empty", "", "bad magic");
}

TEST(NpyLoad, MissingFileIsAnErrorNamingIt) {
  EXPECT_THROW(load_npy_matrix("/nonexistent_richlazy_dir/none.npy"), std::runtime_error);
  const std::string dir = fresh_dir("vector_shape");
  save_npy(dir + "/m.npy", Matrix(2, 2));
  EXPECT_THROW(load_npy_vector(dir + "/m.npy"), std::runtime_error);
}

TEST(NpyBundle, RoundTripsNamedBlocks) {
  const std::string dir = fresh_dir("bundle") + "/params";  // created by save
  const std::map<std::string, Matrix> blocks = {{"W_h", testing::random_matrix(4, 4, 1)},
                                                {"W_in", testing::random_matrix(4, 2, 2)}};
  save_npy_bundle(dir, blocks);
  EXPECT_TRUE(fs::exists(dir + "/W_h.npy"));
  const auto back = load_npy_bundle(dir, {"W_h", "W_in"});
  EXPECT_EQ(back, blocks);
  EXPECT_THROW(load_npy_bundle(dir, {"W_out"}), std::runtime_error);
}

TEST(NpyBundle, RejectsNamesThatEscapeTheFolder) {
  const std::string dir = fresh_dir("bundle_names");
  EXPECT_THROW(save_npy_bundle(dir, {{"../evil", Matrix(1, 1)}}), std::invalid_argument);
  EXPECT_THROW(save_npy_bundle(dir, {{"", Matrix(1, 1)}}), std::invalid_argument);
}

// Issue 15 defect 7: a directory, a device or a declared shape larger than the data are refused by
// name before any allocation of the declared size.
TEST(NpyLoad, DirectoryOrDeviceInPlaceOfTheFileIsNamed) {
  const std::string dir = fresh_dir("a_directory");
  for (const std::string& path : {dir, std::string("/dev/zero")}) {
    try {
      load_npy_matrix(path);
      ADD_FAILURE() << "no error for " << path;
    } catch (const std::runtime_error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("npy file '" + path + "': is a"), std::string::npos) << msg;
      EXPECT_NE(msg.find("not a regular file"), std::string::npos) << msg;
    }
  }
}

TEST(NpyLoad, HugeDeclaredShapeIsCheckedAgainstTheDataLength) {
  const std::string bytes = npy_header({999999999999999999u, 999999999999999999u}) + std::string(16, '\0');
  try {
    parse_npy(bytes, "mem.npy");
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'mem.npy': shape (999999999999999999, 999999999999999999) is too large"), std::string::npos)
        << e.what();
  }
  const std::string small = npy_header({1000000000, 1000000}) + std::string(16, '\0');
  try {
    parse_npy(small, "mem.npy");
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("16 bytes does not match shape (1000000000, 1000000)"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace rl
