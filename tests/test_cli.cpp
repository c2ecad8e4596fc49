#include "demos/toolkit/cli.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rl {
namespace {

// A CLI like a figure program's: the common flags plus one flag of each kind.
Cli make_cli() {
  Cli cli("fig_test", "test program");
  CommonFlags common;
  common.ranks = {1, 2, 5, 10, 30, 100, 300};
  common.log_every = 100;
  cli.add_common(common);
  cli.add_double("lr", 0.001, "learning rate", 0.0, 10.0);
  cli.add_string("init", "gaussian", "initialisation", {"gaussian", "uniform"});
  cli.add_double_list("kappas", {1.0, 2.0}, "feature modulations", 0.0, 100.0);
  cli.add_flag("no-plot", "skip the figure");
  return cli;
}

// Parses and returns the CliError message ("" if it did not throw).
std::string error_of(const std::vector<std::string>& args) {
  Cli cli = make_cli();
  try {
    cli.parse(args);
  } catch (const CliError& e) {
    return e.what();
  }
  return "";
}

TEST(Cli, DefaultsApplyWhenNothingIsGiven) {
  Cli cli = make_cli();
  ASSERT_TRUE(cli.parse(std::vector<std::string>{}));
  EXPECT_EQ(cli.get_int("seed"), 1);
  EXPECT_EQ(cli.get_int("iters"), 1000);
  EXPECT_EQ(cli.get_string_list("task"), std::vector<std::string>{"2af"});
  EXPECT_EQ(cli.get_double("lr"), 0.001);
  EXPECT_FALSE(cli.get_flag("no-plot"));
  EXPECT_EQ(cli.out_dir(), "out/fig_test");
  EXPECT_EQ(cli.shard().index, 0u);
  EXPECT_EQ(cli.shard().count, 1u);
  EXPECT_GE(cli.threads(), 1);
  EXPECT_FALSE(cli.was_given("iters"));
}

TEST(Cli, ParsesEveryKindInBothSyntaxes) {
  Cli cli = make_cli();
  ASSERT_TRUE(cli.parse({"--iters", "12", "--lr=0.5", "--ranks", "1,30,100,300", "--task=2af,dms", "--no-plot",
                         "--init", "uniform", "--kappas", "1.5,1e1", "--shard", "2/5", "--threads", "3",
                         "--seed", "7", "--seeds", "3", "--out", "out/x"}));
  EXPECT_EQ(cli.get_int("iters"), 12);
  EXPECT_EQ(cli.get_double("lr"), 0.5);
  EXPECT_EQ(cli.get_int_list("ranks"), (std::vector<std::int64_t>{1, 30, 100, 300}));
  EXPECT_EQ(cli.get_string_list("task"), (std::vector<std::string>{"2af", "dms"}));
  EXPECT_TRUE(cli.get_flag("no-plot"));
  EXPECT_EQ(cli.get_string("init"), "uniform");
  EXPECT_EQ(cli.get_double_list("kappas"), (std::vector<double>{1.5, 10.0}));
  EXPECT_EQ(cli.shard().str(), "2/5");
  EXPECT_EQ(cli.threads(), 3);
  EXPECT_EQ(cli.seed_list(), (std::vector<std::uint64_t>{7, 8, 9}));
  EXPECT_EQ(cli.out_dir(), "out/x");
  EXPECT_TRUE(cli.was_given("iters"));
}

TEST(Cli, NegativeNumbersAreValuesNotFlags) {
  Cli cli("t", "d");
  cli.add_double("shift", 0.0, "shift", -10.0, 10.0);
  ASSERT_TRUE(cli.parse({"--shift", "-2.5"}));
  EXPECT_EQ(cli.get_double("shift"), -2.5);
}

TEST(Cli, EachBadInputIsOneLineNamingTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;  // substring of the message
  };
  const std::vector<Case> cases = {
      {{"--itres", "5"}, "--itres: unknown flag"},
      {{"--iters"}, "--iters: missing value"},
      {{"--iters", "--seed", "3"}, "--iters: missing value"},
      {{"--iters", "12x"}, "--iters: '12x' is not an integer"},
      {{"--iters", "1.5"}, "--iters: '1.5' is not an integer"},
      {{"--iters", ""}, "--iters: '' is not an integer"},
      {{"--iters", "99999999999999999999"}, "--iters: '99999999999999999999' is out of the 64-bit"},
      {{"--iters", "-1"}, "--iters: -1 is out of range [0, 1000000000]"},
      {{"--lr", "abc"}, "--lr: 'abc' is not a number"},
      {{"--lr", "nan"}, "--lr: 'nan' is not a finite number"},
      {{"--lr", "11"}, "--lr: 11 is out of range [0, 10]"},
      {{"--ranks", "1,,3"}, "--ranks: empty item in list '1,,3'"},
      {{"--ranks", "1,3,"}, "--ranks: empty item"},
      {{"--ranks", "1,x"}, "--ranks: 'x' is not an integer"},
      {{"--ranks", "0,5"}, "--ranks: 0 is out of range"},
      {{"--kappas", "1,-2"}, "--kappas: -2 is out of range"},
      {{"--task", "2af,foo"}, "--task: 'foo' is not one of"},
      {{"--init", "xavier"}, "--init: 'xavier' is not one of gaussian, uniform"},
      {{"--shard", "3/3"}, "--shard: '3/3': shard index i must satisfy 0 <= i < n"},
      {{"--shard", "1"}, "--shard: '1' is not of the form i/n"},
      {{"--shard", "0/0"}, "--shard: '0/0': shard count n must be at least 1"},
      {{"--no-plot=1"}, "--no-plot: takes no value"},
      {{"--seed", "1", "--seed", "2"}, "--seed: given more than once"},
      {{"stray"}, "unexpected argument 'stray'"},
      {{"-x"}, "unexpected argument '-x'"},
  };
  for (const Case& c : cases) {
    const std::string msg = error_of(c.args);
    EXPECT_NE(msg.find(c.expected), std::string::npos) << "args[0] " << c.args[0] << ": got '" << msg << "'";
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "message is not one line: " << msg;
  }
}

TEST(Cli, HelpIsDetectedAndListsEveryFlagWithItsDefault) {
  Cli cli = make_cli();
  EXPECT_FALSE(cli.parse({"--iters", "5", "--help"}));
  const std::string help = cli.help_text();
  for (const char* flag : {"--seed", "--seeds", "--task", "--ranks", "--iters", "--gain", "--threads", "--log-every",
                           "--out", "--shard", "--help", "--lr", "--init", "--kappas", "--no-plot"})
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  EXPECT_NE(help.find("test program"), std::string::npos);
  EXPECT_NE(help.find("[1000]"), std::string::npos);             // --iters default
  EXPECT_NE(help.find("[out/fig_test]"), std::string::npos);     // --out default
  EXPECT_NE(help.find("[1,2,5,10,30,100,300]"), std::string::npos);
  EXPECT_NE(help.find("one of gaussian, uniform"), std::string::npos);
  EXPECT_NE(help.find("[100] (>= 0)"), std::string::npos);          // --log-every: no upper bound
  EXPECT_NE(help.find("(range 0..10)"), std::string::npos);         // --lr
}

TEST(Cli, ProgrammingErrorsAreLogicErrors) {
  Cli cli = make_cli();
  EXPECT_THROW(cli.add_int("iters", 1, "again"), std::logic_error);
  EXPECT_THROW(cli.add_int("bad", 20, "default out of range", 0, 10), std::logic_error);
  ASSERT_TRUE(cli.parse(std::vector<std::string>{}));
  EXPECT_THROW(cli.get_int("nonexistent"), std::logic_error);
  EXPECT_THROW(cli.get_double("iters"), std::logic_error);
}

TEST(Cli, ValuesAsTextRecordWhatWasUsed) {
  Cli cli = make_cli();
  ASSERT_TRUE(cli.parse({"--iters", "12", "--ranks", "3,4"}));
  EXPECT_EQ(cli.command_line(), "fig_test --iters 12 --ranks 3,4");
  bool found = false;
  for (const auto& kv : cli.values_as_text())
    if (kv.first == "ranks") found = kv.second == "3,4";
  EXPECT_TRUE(found);
}

TEST(Cli, OmittedCommonFlagsAreUnknownAndNotInTheHelp) {
  Cli cli("fig_serial", "a one-second serial program");
  CommonFlags common;
  common.omit = {"threads", "shard", "log-every"};
  cli.add_common(common);
  EXPECT_THROW(
      {
        try {
          cli.parse({"--threads", "2"});
        } catch (const CliError& e) {
          EXPECT_EQ(std::string(e.what()), "--threads: unknown flag");
          throw;
        }
      },
      CliError);
  Cli again("fig_serial", "a one-second serial program");
  again.add_common(common);
  EXPECT_FALSE(again.parse({"--help"}));
  const std::string help = again.help_text();
  EXPECT_EQ(help.find("--threads"), std::string::npos);
  EXPECT_EQ(help.find("--shard"), std::string::npos);
  EXPECT_EQ(help.find("--log-every"), std::string::npos);
  EXPECT_NE(help.find("--seeds"), std::string::npos);  // the rest are still declared
  EXPECT_NE(help.find("--out"), std::string::npos);
  EXPECT_FALSE(again.has("threads"));  // what a program asks before reading a flag it may have omitted
  EXPECT_TRUE(again.has("seeds"));
  Cli bad("fig_bad", "a typo in omit");
  CommonFlags typo;
  typo.omit = {"thread"};
  EXPECT_THROW(bad.add_common(typo), std::logic_error);
}

TEST(CliDeathTest, ParseOrExitExitsWithStatusTwoAndOneLine) {
  const char* argv[] = {"fig_test", "--iters", "oops"};
  EXPECT_EXIT(
      {
        Cli cli = make_cli();
        cli.parse_or_exit(3, argv);
      },
      ::testing::ExitedWithCode(2), "^fig_test: --iters: 'oops' is not an integer \\(see --help\\)\n$");
}

TEST(Cli, AnnounceSeedPrintsTheProgramAndSeedThenReturnsIt) {
  Cli cli = make_cli();
  ASSERT_TRUE(cli.parse(std::vector<std::string>{"--seed", "42"}));
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(cli.announce_seed(), 42u);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "fig_test: seed 42\n");
}

}  // namespace
}  // namespace rl
