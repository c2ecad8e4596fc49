// Fig. 1: the RNN rank sweep.  Low-rank initial recurrent weights (SVD truncations of one base
// Gaussian per seed, renormalised to its Frobenius norm) learn more richly: larger weight change,
// lower representation and tangent-kernel alignment (paper, Fig. 1 caption).
//
// Built-in defaults are the main demo (`make demo`): 2AF, ranks 1/30/100/300, 3 seeds, 2,000
// iterations, under two minutes on 2 cores.  The paper's settings (`make figures`):
//   fig1_rank_sweep --task 2af,dms,cxt --seeds 10 --iters 10000
//   fig1_rank_sweep --task smnist --seeds 10 --iters 10000        (ranks 5/30/N)
// See docs/demos.md for every flag, and demos/lib/rank_sweep.h for what is shared between ranks.
#include "demos/lib/rank_sweep.h"

int main(int argc, char** argv) {
  rl::RankSweepDefaults d;
  d.program = "fig1_rank_sweep";
  d.description = "Fig. 1 (reproduction): rich vs lazy learning against the initial rank of W_h";
  d.tasks = {"2af"};
  d.ranks = {};  // the released rule for N: {1, 30, 100, 300} at N = 300
  d.gains = {1.25};
  d.seeds = 3;
  d.iters = 2000;
  return rl::rank_sweep_main(argc, argv, d);
}
