// Tests for demos/toolkit/gain_flag: --gain and fig1's --gains axis are checked up front (a usage error
// naming the flag the bad value came from), and --gain given overrides the --gains list.
#include "demos/toolkit/train_config.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace rl {
namespace {

Cli gain_cli(bool with_gains) {
  Cli cli("fig_test", "test program");
  cli.add_double("gain", 1.25, "initial gain", -100.0, 100.0);
  if (with_gains) cli.add_double_list("gains", {1.25}, "gain axis", -100.0, 100.0);
  return cli;
}

std::string error_of(const Cli& cli, bool list) {
  try {
    list ? (void)gains_flag(cli) : (void)gain_flag(cli);
  } catch (const CliError& e) {
    return e.what();
  }
  return "";
}

TEST(GainFlag, PositiveGainIsReturned) {
  Cli cli = gain_cli(false);
  ASSERT_TRUE(cli.parse(std::vector<std::string>{"--gain", "0.5"}));
  EXPECT_EQ(gain_flag(cli), 0.5);
}

// (A NaN never gets here: Cli refuses "nan" for every number flag.)
TEST(GainFlag, ZeroAndNegativeGainAreUsageErrorsNamingTheFlag) {
  for (const char* bad : {"0", "-1e-300", "-1"}) {
    Cli cli = gain_cli(false);
    ASSERT_TRUE(cli.parse(std::vector<std::string>{"--gain", bad}));
    const std::string msg = error_of(cli, false);
    EXPECT_EQ(msg.rfind("--gain: gain must be > 0, got ", 0), 0u) << bad << ": " << msg;
  }
}

TEST(GainFlag, GainsAxisIsTheListUnlessGainIsGiven) {
  Cli list = gain_cli(true);
  ASSERT_TRUE(list.parse(std::vector<std::string>{"--gains", "0.5,1.5"}));
  EXPECT_EQ(gains_flag(list), (std::vector<double>{0.5, 1.5}));
  Cli both = gain_cli(true);
  ASSERT_TRUE(both.parse(std::vector<std::string>{"--gains", "0.5,1.5", "--gain", "2"}));
  EXPECT_EQ(gains_flag(both), (std::vector<double>{2.0}));
  Cli none = gain_cli(true);
  ASSERT_TRUE(none.parse(std::vector<std::string>{}));
  EXPECT_EQ(gains_flag(none), (std::vector<double>{1.25}));
}

TEST(GainFlag, BadGainInTheAxisNamesTheFlagItCameFrom) {
  Cli list = gain_cli(true);
  ASSERT_TRUE(list.parse(std::vector<std::string>{"--gains", "1,0"}));
  EXPECT_EQ(error_of(list, true), "--gains: gain must be > 0, got 0");
  Cli single = gain_cli(true);
  ASSERT_TRUE(single.parse(std::vector<std::string>{"--gains", "1,2", "--gain", "0"}));
  EXPECT_EQ(error_of(single, true), "--gain: gain must be > 0, got 0");
}

}  // namespace
}  // namespace rl
