// The RNN rank sweep of Fig. 1 (and its stable-regime control), shared by fig1_rank_sweep and
// stable_regime: for every task x gain x rank x seed, train the paper's RNN from the rank-r SVD
// truncation of ONE base Gaussian per seed and measure weight change, RA, KA and the loss.
//
// Randomness (derive_seed streams of the run's --seed, so every rank of a seed shares them):
//   stream 1  base Gaussian W0 = g G / sqrt(N)            (PAPER.md 2.2 item 1, 4)
//   stream 2  W_in, W_out (PyTorch uniform)               (shared across ranks [OURS]; --fresh-io
//                                                          draws them per rank as the released code)
//   stream 3  the training stream and probe set           (shared across ranks [OURS])
// so ranks are a paired comparison and results do not depend on --threads or --shard.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rl {

struct RankSweepDefaults {
  std::string program;            // "fig1_rank_sweep"
  std::string description;
  std::vector<std::string> tasks;
  std::vector<std::int64_t> ranks;  // empty: the released rule for N (PAPER.md 2.2 item 5)
  std::vector<double> gains;
  std::int64_t seeds = 3;
  std::int64_t iters = 2000;
  std::string norm = "frobenius";
};

// Parses the command line (see --help), runs (or resumes) the sweep, writes
// <out>/results.csv, <out>/<program>.svg, <out>/manifest.json and prints the summary table.
// Returns the process exit status.
int rank_sweep_main(int argc, char** argv, const RankSweepDefaults& defaults);

}  // namespace rl
