// Tests for demos/toolkit/train_config: the training flags read straight into the library's configs,
// with the library's defaults, and the cells every RNN program's run row ends with.
#include "demos/toolkit/train_config.h"

#include <gtest/gtest.h>

#include "nn/plasticity_cost.h"

namespace rl {
namespace {

Cli rnn_cli(const std::vector<std::string>& args, bool with_log_measures) {
  Cli cli("prog", "test");
  CommonFlags common;
  cli.add_common(common);
  add_sgd_flags(cli, RnnTrainConfig().sgd);
  if (with_log_measures) cli.add_flag("log-measures", "also log the measures");
  cli.parse(args);
  return cli;
}

// The defaults of --lr and --momentum are the library's (nn/optim.h via RnnTrainConfig), written once.
TEST(TrainConfig, FlagDefaultsAreTheLibraryConfigs) {
  const RnnTrainConfig train = rnn_train_flags(rnn_cli({}, false), {});
  EXPECT_EQ(train.sgd.lr, SgdOptions().lr);
  EXPECT_EQ(train.sgd.momentum, SgdOptions().momentum);
  Cli relu("prog", "test");
  relu.add_common(CommonFlags());
  add_sgd_flags(relu, ReluTrainConfig().sgd, "[OURS]");
  relu.parse(std::vector<std::string>{});
  EXPECT_EQ(relu_train_flags(relu).sgd.lr, ReluTrainConfig().sgd.lr);
  EXPECT_NE(ReluTrainConfig().sgd.lr, SgdOptions().lr);  // so the line above tells the two apart
}

TEST(TrainConfig, EveryFlagLandsInItsField) {
  const RnnConfig net{3, 40, 3, 0.5, Activation::kTanh};
  const RnnTrainConfig train =
      rnn_train_flags(rnn_cli({"--iters", "7", "--log-every", "2", "--lr", "0.25", "--momentum", "0.5"}, false), net);
  EXPECT_EQ(train.iters, 7u);
  EXPECT_EQ(train.log_every, 2u);
  EXPECT_EQ(train.sgd.lr, 0.25);
  EXPECT_EQ(train.sgd.momentum, 0.5);
  EXPECT_EQ(train.net.N, 40u);
  EXPECT_EQ(train.net.alpha, 0.5);
  EXPECT_TRUE(train.log_measures);  // no --log-measures declared: measures whenever the log is on
  const RnnTrainConfig loss_only = rnn_train_flags(rnn_cli({"--log-every", "2"}, true), net);
  EXPECT_FALSE(loss_only.log_measures);  // declared and not given: the log holds the loss only
  EXPECT_TRUE(rnn_train_flags(rnn_cli({"--log-every", "2", "--log-measures"}, true), net).log_measures);
}

TEST(TrainConfig, RunCellsEndWithTheTimesThenTheCostOfPlasticity) {
  RnnRunResult r;
  r.train_seconds = 2.0;
  r.measure_seconds = 0.5;
  const CsvRecord cells = rnn_run_cells(r);
  std::vector<std::string> expected = {"train_seconds", "measure_seconds"};
  expected.insert(expected.end(), rnn_plasticity_columns().begin(), rnn_plasticity_columns().end());
  EXPECT_EQ(cells.names(), expected);
  EXPECT_EQ(cells.cells()[0].text, "2");
  EXPECT_EQ(cells.cells()[1].text, "0.5");
  EXPECT_EQ(rnn_measure_cells(r).names().back(), "silent");
}

}  // namespace
}  // namespace rl
