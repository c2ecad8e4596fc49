// Tests for the settings key of demos/toolkit/shard.h (the settings a run file records, issue 15 defect 5) and
// demos/toolkit/memory_budget (the memory a run's flags demand, issue 15 defect 7).
#include "demos/toolkit/shard.h"

#include <gtest/gtest.h>

#include "demos/toolkit/memory_budget.h"
#include "nn/results_revision.h"

namespace rl {
namespace {

Cli fig1_like(const std::vector<std::string>& args) {
  Cli cli("prog", "test");
  CommonFlags common;
  cli.add_common(common);
  cli.add_double("lr", 0.003, "learning rate", 0.0, 10.0);
  cli.add_double("momentum", 0.9, "momentum", 0.0, 0.999);
  add_max_memory_flag(cli);
  cli.parse(args);
  return cli;
}

TEST(SettingsKey, HoldsEveryResultChangingFlagButNotTheAxesOrWhereOutputGoes) {
  const std::string key = settings_key(fig1_like({"--iters", "50", "--lr", "0.5", "--out", "x", "--threads", "2"}),
                                       {"task", "ranks"});
  EXPECT_NE(key.find("iters=50"), std::string::npos) << key;
  EXPECT_NE(key.find("lr=0.5"), std::string::npos) << key;
  EXPECT_NE(key.find("momentum=0.9"), std::string::npos) << key;
  for (const char* absent : {"out=", "threads=", "shard=", "seeds=", "task=", "ranks=", "max-memory="})
    EXPECT_EQ(key.find(absent), std::string::npos) << absent << " in " << key;
  // Output folder, threads and shard never change the key; a training flag always does.
  EXPECT_EQ(key, settings_key(fig1_like({"--lr", "0.5", "--iters", "50", "--shard", "1/2"}), {"task", "ranks"}));
  EXPECT_NE(key, settings_key(fig1_like({"--iters", "50", "--lr", "0.5", "--momentum", "0.5"}), {"task", "ranks"}));
}

TEST(SettingsKey, CarriesTheResultsRevisionSoANewerEngineRefusesAnOlderFolder) {
  const std::string key = settings_key(fig1_like({"--iters", "50"}), {"task", "ranks"});
  EXPECT_NE(key.find(std::string("results-revision=") + kResultsRevision), std::string::npos) << key;
  EXPECT_EQ(describe_settings_difference("iters=50;results-revision=r0", "iters=50;results-revision=r1"),
            "results revision r0, this run asks results revision r1");
  EXPECT_EQ(describe_settings_difference("iters=50", "iters=50;results-revision=r1"),
            "results revision (absent: a build before revisions were recorded), this run asks results revision r1");
}

TEST(SettingsKey, TheDifferenceNamesTheFirstDifferingFlag) {
  EXPECT_EQ(describe_settings_difference("iters=300;lr=0.5", "iters=50;lr=0.5"),
            "--iters 300, this run asks --iters 50");
  EXPECT_EQ(describe_settings_difference("iters=300", "iters=300;norm=radius"),
            "--norm (absent), this run asks --norm radius");
  EXPECT_EQ(describe_settings_difference("a=1", "a=1"), "");
}

TEST(CheckRunFileSettings, AFileWithoutSettingsIsRefusedAsOlder) {
  const ResultTable t = parse_result_csv("rank,value\n1,0.5\n", "runs/00000.csv");
  try {
    check_run_file_settings(t, "iters=50", "runs");
    ADD_FAILURE();
  } catch (const CliError& e) {
    EXPECT_NE(std::string(e.what()).find("runs/00000.csv records no settings"), std::string::npos) << e.what();
  }
}

TEST(MemoryBudget, RefusesAnEstimateAboveTheBudgetNamingTheFlagAndTheEstimate) {
  // Issue 15 defect 7: fig3c --kernel-probe 5000 asks for 50,000-row kernels, 20 GB each.
  const Cli cli = fig1_like({});
  MemoryEstimate m;
  m.add("3 tangent kernels of 50000 rows", 3 * kernel_bytes(50000));
  EXPECT_NEAR(kernel_bytes(50000), 2e10, 1e6);
  try {
    check_memory_budget(cli, m, "--kernel-probe", 16.0 * (1ull << 30));
    ADD_FAILURE();
  } catch (const CliError& e) {
    const std::string w = e.what();
    EXPECT_EQ(w.rfind("--kernel-probe: this run needs about 55.9 GiB", 0), 0u) << w;
    EXPECT_NE(w.find("more than the 16.0 GiB"), std::string::npos) << w;
  }
  MemoryEstimate small;
  small.add("one kernel of 1000 rows", kernel_bytes(1000));
  EXPECT_NO_THROW(check_memory_budget(cli, small, "--kernel-probe", 16.0 * (1ull << 30)));
  small.concurrent = 4000;  // 8 MB times 4000 workers: 32 GB
  EXPECT_THROW(check_memory_budget(cli, small, "--kernel-probe", 16.0 * (1ull << 30)), CliError);
}

TEST(MemoryBudget, MaxMemoryFlagIsTheBudgetWhenGiven) {
  const Cli cli = fig1_like({"--max-memory", "0.5"});
  MemoryEstimate m;
  m.add("kernel", kernel_bytes(10000));  // 0.75 GiB
  try {
    check_memory_budget(cli, m, "--probe");
    ADD_FAILURE();
  } catch (const CliError& e) {
    EXPECT_NE(std::string(e.what()).find("0.5 GiB --max-memory"), std::string::npos) << e.what();
  }
  EXPECT_GT(available_memory_bytes(), 0.0);  // Linux: /proc/meminfo has MemAvailable
}

}  // namespace
}  // namespace rl
