#include "demos/toolkit/run_spec.h"

#include <gtest/gtest.h>

#include <set>

namespace rl {
namespace {

TEST(MakeSweep, FirstAxisSlowestSeedsFastest) {
  const auto runs = make_sweep({sweep_axis("task", std::vector<std::string>{"2af", "dms"}),
                                sweep_axis("rank", std::vector<std::int64_t>{1, 30, 300})},
                               {7, 8});
  ASSERT_EQ(runs.size(), 2u * 3u * 2u);
  EXPECT_EQ(runs[0].id(), "run 0 (task=2af rank=1 seed=7)");
  EXPECT_EQ(runs[1].id(), "run 1 (task=2af rank=1 seed=8)");
  EXPECT_EQ(runs[2].id(), "run 2 (task=2af rank=30 seed=7)");
  EXPECT_EQ(runs[11].id(), "run 11 (task=dms rank=300 seed=8)");
  for (std::size_t k = 0; k < runs.size(); ++k) EXPECT_EQ(runs[k].index, k);
  EXPECT_EQ(runs[5].param_int("rank"), 300);
  EXPECT_EQ(runs[5].param("task"), "2af");
}

TEST(MakeSweep, NoAxesMeansOneRunPerSeed) {
  const auto runs = make_sweep({}, {1, 2, 3});
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[2].seed, 3u);
}

TEST(MakeSweep, RejectsEmptyOrDuplicateAxes) {
  EXPECT_THROW(make_sweep({sweep_axis("rank", std::vector<std::int64_t>{})}, {1}), std::invalid_argument);
  EXPECT_THROW(make_sweep({}, {}), std::invalid_argument);
  EXPECT_THROW(make_sweep({sweep_axis("a", std::vector<std::string>{"x"}), sweep_axis("a", std::vector<std::string>{"y"})}, {1}),
               std::invalid_argument);
  EXPECT_THROW(make_sweep({sweep_axis("seed", std::vector<std::string>{"x"})}, {1}), std::invalid_argument);
}

TEST(RunSpec, ParamsParseAndComplainNamingTheRun) {
  const auto runs = make_sweep({sweep_axis("gain", std::vector<double>{0.5, 1.5}),
                                sweep_axis("structure", std::vector<std::string>{"cell types"})},
                               {1});
  EXPECT_EQ(runs[1].param_double("gain"), 1.5);
  EXPECT_THROW(runs[0].param("rank"), std::out_of_range);
  try {
    runs[0].param_int("structure");
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("run 0 (gain=0.5 structure=cell types seed=1)"), std::string::npos);
  }
  EXPECT_EQ(runs[0].file_stem(), "00000_gain-0.5_structure-cell_types_seed-1");
}

TEST(RunSpec, FileStemsAreUniqueWithinASweep) {
  const auto runs = make_sweep({sweep_axis("task", std::vector<std::string>{"a/b", "a b"}),
                                sweep_axis("rank", std::vector<std::int64_t>{1, 2})},
                               {1, 2, 3});
  std::set<std::string> stems;
  for (const auto& r : runs) stems.insert(r.file_stem());
  EXPECT_EQ(stems.size(), runs.size());  // the index prefix keeps "a/b" and "a b" apart
}

TEST(RunRng, StreamDependsOnSeedAndIndexOnly) {
  RunSpec a, b, c;
  a.index = b.index = 4;
  a.seed = b.seed = 9;
  c.index = 5;
  c.seed = 9;
  b.params = {{"anything", "else"}};
  EXPECT_EQ(run_rng(a).next_u64(), run_rng(b).next_u64());
  EXPECT_NE(run_rng(a).next_u64(), run_rng(c).next_u64());
  EXPECT_EQ(run_rng(a).next_u64(), Rng(derive_seed(9, 4)).next_u64());
}

}  // namespace
}  // namespace rl
