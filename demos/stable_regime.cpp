// The stable-regime control (PAPER.md 2.2 item 6, appendix [REV]): a reviewer noted that full-rank
// g = 1.5 ReLU networks start chaotic while truncated ones may not.  This repeats the Fig. 1 sweep
// across gains, by default with every truncation renormalised to the full matrix's spectral radius
// (so each rank starts in the same dynamical regime), to show how the rank effect depends on it.
//   stable_regime --gains 0.5,1.0,1.5 --norm radius     (defaults)
//   stable_regime --norm frobenius                       (the Fig. 1 normalisation, for contrast)
#include "demos/lib/rank_sweep.h"

int main(int argc, char** argv) {
  rl::RankSweepDefaults d;
  d.program = "stable_regime";
  d.description = "Stable-regime control: the rank sweep across gains (2AF)";
  d.tasks = {"2af"};
  d.ranks = {};
  d.gains = {0.5, 1.0, 1.5};
  d.seeds = 3;
  d.iters = 2000;
  d.norm = "radius";
  return rl::rank_sweep_main(argc, argv, d);
}
