#include "demos/toolkit/atomic_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <string>

namespace rl {
namespace {

namespace fs = std::filesystem;

// A fresh, empty folder for one test.
std::string fresh_dir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "rl_atomic_" + name + "_" + std::to_string(::getpid());
  fs::remove_all(dir);
  return dir;
}

std::size_t entries_in(const std::string& dir) {
  std::size_t n = 0;
  for (auto it = fs::directory_iterator(dir); it != fs::directory_iterator(); ++it) ++n;
  return n;
}

TEST(AtomicFile, WritesCreatingMissingFolders) {
  const std::string dir = fresh_dir("mkdir");
  const std::string path = dir + "/a/b/c/result.csv";
  write_text_atomic(path, "x\n1\n");
  EXPECT_EQ(read_text_file(path), "x\n1\n");
  EXPECT_EQ(entries_in(dir + "/a/b/c"), 1u);  // no temporary left beside it
  write_text_atomic(path, "x\n2\n");          // replaces
  EXPECT_EQ(read_text_file(path), "x\n2\n");
  fs::remove_all(dir);
}

TEST(AtomicFile, ExceptionMidWriteLeavesNoFileAndNoTemporary) {
  const std::string dir = fresh_dir("fail");
  make_dirs(dir);
  const std::string path = dir + "/result.csv";
  EXPECT_THROW(write_file_atomic(path,
                                 [](std::ostream& os) {
                                   os << std::string(1 << 20, 'x');  // large enough to hit the disk
                                   throw std::runtime_error("simulated failure");
                                 }),
               std::runtime_error);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(entries_in(dir), 0u);
  fs::remove_all(dir);
}

TEST(AtomicFile, FailedRewriteKeepsTheOldCompleteFile) {
  const std::string dir = fresh_dir("keep");
  const std::string path = dir + "/result.csv";
  write_text_atomic(path, "old\n");
  EXPECT_THROW(write_file_atomic(path,
                                 [](std::ostream& os) {
                                   os << "new, half";
                                   throw std::runtime_error("simulated failure");
                                 }),
               std::runtime_error);
  EXPECT_EQ(read_text_file(path), "old\n");
  EXPECT_EQ(entries_in(dir), 1u);
  fs::remove_all(dir);
}

TEST(AtomicFile, UnwritablePathIsAClearError) {
  const std::string dir = fresh_dir("unwritable");
  write_text_atomic(dir + "/plain_file", "I am a file\n");
  // A folder cannot be created below a regular file, whoever runs the test (root included).
  try {
    write_text_atomic(dir + "/plain_file/sub/result.csv", "x\n");
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir + "/plain_file/sub"), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_text_atomic("", "x"), std::invalid_argument);
  EXPECT_THROW(write_text_atomic(dir + "/", "x"), std::invalid_argument);
  fs::remove_all(dir);
}

TEST(AtomicFile, TemporaryNamesAreHiddenBesideTheTargetAndUnique) {
  const std::string a = temporary_name_for("out/fig1/results.csv");
  const std::string b = temporary_name_for("out/fig1/results.csv");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("out/fig1/.results.csv.tmp.", 0), 0u) << a;
}

TEST(AtomicFile, FileExistsDistinguishesFilesFromFolders) {
  const std::string dir = fresh_dir("exists");
  make_dirs(dir);
  EXPECT_FALSE(file_exists(dir));
  EXPECT_FALSE(file_exists(dir + "/nope"));
  write_text_atomic(dir + "/yes", "");
  EXPECT_TRUE(file_exists(dir + "/yes"));
  EXPECT_EQ(read_text_file(dir + "/yes"), "");
  EXPECT_THROW(read_text_file(dir + "/nope"), std::runtime_error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace rl
