#include "demos/toolkit/shard.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/csv.h"

namespace rl {
namespace {

std::vector<RunSpec> sweep_of(std::size_t n_ranks, std::size_t n_seeds) {
  std::vector<std::int64_t> ranks;
  for (std::size_t r = 1; r <= n_ranks; ++r) ranks.push_back(static_cast<std::int64_t>(r));
  std::vector<std::uint64_t> seeds;
  for (std::size_t s = 1; s <= n_seeds; ++s) seeds.push_back(s);
  return make_sweep({sweep_axis("rank", ranks)}, seeds);
}

TEST(Shard, ParsesIOverN) {
  const Shard s = parse_shard("3/8");
  EXPECT_EQ(s.index, 3u);
  EXPECT_EQ(s.count, 8u);
  EXPECT_EQ(s.str(), "3/8");
  for (const char* bad :
       {"", "3", "/8", "3/", "a/8", "3/8/1", "-1/8", "8/8", "0/0", "+1/2", "1 /2", "0/1234567890"})
    EXPECT_THROW(parse_shard(bad), std::invalid_argument) << bad;
}

TEST(Shard, UnionOfShardsCoversEveryRunExactlyOnce) {
  const std::vector<RunSpec> runs = sweep_of(7, 10);  // 70 runs
  for (std::size_t n : {1u, 2u, 3u, 7u, 13u, 70u, 100u}) {
    std::vector<int> hits(runs.size(), 0);
    for (std::size_t i = 0; i < n; ++i)
      for (const RunSpec& r : select_shard(runs, Shard{i, n})) {
        EXPECT_EQ(r.index % n, i);
        ++hits[r.index];
      }
    for (std::size_t k = 0; k < runs.size(); ++k) EXPECT_EQ(hits[k], 1) << "run " << k << " with n = " << n;
  }
}

TEST(Shard, RoundRobinBalancesShardSizes) {
  const std::vector<RunSpec> runs = sweep_of(7, 10);
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t size = select_shard(runs, Shard{i, 4}).size();
    EXPECT_TRUE(size == 17 || size == 18) << size;  // 70 / 4 = 17.5
  }
}

class ShardFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "rl_shard_" + std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write_run(const RunSpec& r, std::vector<std::string> header = {"rank", "seed", "value"}) {
    CsvWriter w(header);
    w.add_row({r.param("rank"), r.seed, static_cast<double>(r.index) / 3.0});
    w.write(run_result_path(dir_, r));
  }
  std::string dir_;
};

TEST_F(ShardFiles, PendingRunsSkipThoseWithAResultFile) {
  const std::vector<RunSpec> runs = sweep_of(2, 3);
  write_run(runs[1]);
  write_run(runs[4]);
  const std::vector<RunSpec> todo = pending_runs(runs, dir_);
  ASSERT_EQ(todo.size(), 4u);
  EXPECT_EQ(todo[0].index, 0u);
  EXPECT_EQ(todo[1].index, 2u);
  EXPECT_EQ(todo[3].index, 5u);
}

TEST_F(ShardFiles, MergeConcatenatesInSweepOrderWhateverTheWriteOrder) {
  const std::vector<RunSpec> runs = sweep_of(3, 2);
  for (std::size_t k = runs.size(); k-- > 0;) write_run(runs[k]);  // written in reverse
  EXPECT_EQ(merge_run_csvs(runs, dir_, dir_ + "/results.csv"), runs.size());
  const ResultTable t = read_result_csv(dir_ + "/results.csv");
  ASSERT_EQ(t.rows.size(), runs.size());
  for (std::size_t k = 0; k < runs.size(); ++k) EXPECT_EQ(t.number(k, "value"), static_cast<double>(k) / 3.0);
}

TEST_F(ShardFiles, MergeRefusesMissingRunsOrMismatchedHeaders) {
  const std::vector<RunSpec> runs = sweep_of(3, 2);
  for (std::size_t k = 0; k < runs.size(); ++k)
    if (k != 2 && k != 4) write_run(runs[k]);
  try {
    merge_run_csvs(runs, dir_, dir_ + "/results.csv");
    ADD_FAILURE();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("2 of 6 run files missing, first " + run_result_path(dir_, runs[2])),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(file_exists(dir_ + "/results.csv"));
  write_run(runs[2]);
  write_run(runs[4], {"rank", "seed", "other"});
  EXPECT_THROW(merge_run_csvs(runs, dir_, dir_ + "/results.csv"), std::runtime_error);
  EXPECT_FALSE(file_exists(dir_ + "/results.csv"));
}

TEST_F(ShardFiles, MergeRefusesARunFileCutToItsHeaderOrWithADuplicatedRow) {
  // Issue 15 defect 8: these gave a table of 5 or 7 rows for 6 runs, and exit 0.
  const std::vector<RunSpec> runs = sweep_of(3, 2);
  for (const RunSpec& r : runs) write_run(r);
  const std::string path = run_result_path(dir_, runs[3]);
  const std::string text = read_text_file(path);
  const std::string header = text.substr(0, text.find('\n') + 1);
  for (const std::string& damaged : {header, text + text.substr(header.size())}) {
    write_text_atomic(path, damaged);
    try {
      merge_run_csvs(runs, dir_, dir_ + "/results.csv");
      ADD_FAILURE() << "merged a damaged file";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    EXPECT_FALSE(file_exists(dir_ + "/results.csv"));
  }
}

}  // namespace
}  // namespace rl
