#include "demos/toolkit/manifest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

#include "demos/toolkit/atomic_file.h"

namespace rl {
namespace {

TEST(Manifest, RecordsProgramFlagsSeedRevisionTimeAndCores) {
  Cli cli("fig_test", "d");
  cli.add_common();
  ASSERT_TRUE(cli.parse({"--seed", "42", "--ranks", "1,30"}));
  RunManifest m = start_manifest(cli);
  m.notes.push_back({"readout", "[OURS] default"});
  EXPECT_EQ(m.program, "fig_test");
  EXPECT_EQ(m.seed, 42);
  EXPECT_GE(m.host_cores, 1u);
  EXPECT_EQ(m.start_time_utc.size(), 20u);  // 2026-01-31T12:34:56Z
  EXPECT_EQ(m.start_time_utc.back(), 'Z');
  const std::string rev = m.git_revision;
  EXPECT_TRUE(rev == "unknown" || rev.size() == 40) << rev;

  const std::string path = ::testing::TempDir() + "rl_manifest_" + std::to_string(::getpid()) + "/manifest.json";
  write_manifest(path, m);
  const std::string json = read_text_file(path);
  EXPECT_NE(json.find("\"command_line\": \"fig_test --seed 42 --ranks 1,30\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"ranks\": \"1,30\""), std::string::npos);
  EXPECT_NE(json.find("\"seed\": 42,"), std::string::npos);
  EXPECT_NE(json.find("\"wall_seconds\": "), std::string::npos);
  EXPECT_NE(json.find("\"readout\": \"[OURS] default\""), std::string::npos);
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(Manifest, RecordsCpuTimeResultsRevisionAndPrecision) {
  Cli plain("p", "d"), with_precision("p", "d");
  plain.add_common();
  with_precision.add_common();
  with_precision.add_string("precision", "f32", "training precision", {"f32", "f64"});
  ASSERT_TRUE(plain.parse({}));
  ASSERT_TRUE(with_precision.parse({}));
  EXPECT_EQ(start_manifest(plain).precision, "f64");  // every engine without the flag trains in float64
  EXPECT_EQ(start_manifest(with_precision).precision, "f32");

  RunManifest m = start_manifest(plain);
  volatile double sink = 0;  // spend some CPU so that the recorded time is visibly positive
  for (int i = 0; i < 20000000; ++i) sink = sink + 1e-9 * i;
  const std::string path = ::testing::TempDir() + "rl_manifest_cpu_" + std::to_string(::getpid()) + "/manifest.json";
  write_manifest(path, m);
  const std::string json = read_text_file(path);
  EXPECT_NE(json.find(std::string("\"results_revision\": \"") + kResultsRevision + "\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"precision\": \"f64\""), std::string::npos) << json;
  const std::size_t at = json.find("\"cpu_seconds\": ");
  ASSERT_NE(at, std::string::npos) << json;
  EXPECT_GT(std::stod(json.substr(at + 15)), 0.0) << json;
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(Manifest, ShardsWriteSeparateManifests) {
  Cli whole("p", "d"), part("p", "d");
  whole.add_common();
  part.add_common();
  ASSERT_TRUE(whole.parse({"--out", "o"}));
  ASSERT_TRUE(part.parse({"--out", "o", "--shard", "2/4"}));
  EXPECT_EQ(manifest_path(whole), "o/manifest.json");
  EXPECT_EQ(manifest_path(part), "o/manifest_shard2.json");
}

TEST(Manifest, JsonStringsAreEscaped) {
  EXPECT_EQ(json_quote("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
}

TEST(Manifest, GitRevisionIsFortyHexDigitsOrUnknown) {
  const std::string rev = git_revision();
  if (rev == "unknown") GTEST_SKIP() << "not inside a git checkout";
  ASSERT_EQ(rev.size(), 40u);
  for (char c : rev) EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(c))) << rev;
}

}  // namespace
}  // namespace rl
