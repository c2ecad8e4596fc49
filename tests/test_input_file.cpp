// Tests for nn/input_file: every reader's gate (regular file, size cap, whole read).
#include "nn/input_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "connectivity_test_helpers.h"

namespace rl {
namespace {

using testing::error_of;
using testing::Mentions;

TEST(InputFile, ReadsARegularFileExactlyIncludingNulBytes) {
  testing::TempDir dir("input_file");
  const std::string bytes("ab\0cd\n", 6);
  testing::write_text(dir.file("x.bin"), bytes);
  EXPECT_EQ(regular_file_size(dir.file("x.bin"), "test file", 6), 6u);
  EXPECT_EQ(read_input_file(dir.file("x.bin"), "test file", 100), bytes);
}

TEST(InputFile, RefusesMissingPathsDirectoriesPipesDevicesAndOversizedFiles) {
  testing::TempDir dir("input_file");
  EXPECT_TRUE(Mentions(error_of([&] { read_input_file(dir.file("none"), "test file", 100); }),
                       {"test file '" + dir.file("none") + "': cannot open", "No such file"}));
  EXPECT_TRUE(Mentions(error_of([&] { read_input_file(dir.str(), "test file", 100); }),
                       {"test file '" + dir.str() + "': is a directory, not a regular file"}));
  ASSERT_EQ(::mkfifo(dir.file("fifo").c_str(), 0600), 0);
  EXPECT_TRUE(Mentions(error_of([&] { read_input_file(dir.file("fifo"), "test file", 100); }), {"is a pipe (FIFO)"}));
  EXPECT_TRUE(Mentions(error_of([] { read_input_file("/dev/null", "test file", 100); }), {"character device"}));
  testing::write_text(dir.file("big"), std::string(101, 'x'));
  EXPECT_TRUE(Mentions(error_of([&] { read_input_file(dir.file("big"), "test file", 100); }),
                       {"is 101 bytes, more than the 100 this reader accepts"}));
}

}  // namespace
}  // namespace rl
