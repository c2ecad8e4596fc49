// The paper's probe protocol: the task side of one RNN run (nn/rnn_experiment.h).  Each builder
// returns an RnnTaskSetup -- the training stream, the loss, and the fixed probe inputs every measure
// is taken on (docs/paper.md#measures):
//   Neurogym (2AF / DMS / CXT)  probe = the first 10 batches of the seeded stream = 320 trials;
//                               KA on the first 32 of them, all 8 steps; RA and sign similarity at
//                               the decision step; CE over all steps.
//   sMNIST                      probe = the first 200 held-out images; KA on the last step;
//                               sign similarity over all 28 steps; CE at the last step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "nn/rnn_experiment.h"
#include "nn/sequence.h"
#include "tasks/mnist.h"

namespace rl {

// The paper's Neurogym task (2AF / DMS / CXT, 8-step timing, batch 32): the stream is seeded with
// `data_seed`; the probe is its first 10 batches (docs/paper.md#measures); training continues after them.
RnnTaskSetup neurogym_setup(const std::string& task, std::uint64_t data_seed);

// Sequential MNIST (docs/paper.md#training, #measures): batches of 200 from the 55,000-image split, reshuffled every
// epoch with `data_seed` [OURS]; CE at the last step; probe = the first `probe_size` images of the
// held-out split [OURS] (RA at the last step, sign similarity over all 28 steps, KA on the last step:
// 200 images x 10 logits = 2000 rows).
RnnTaskSetup smnist_setup(std::shared_ptr<const MnistSplit> split, std::uint64_t data_seed,
                          std::size_t batch_size = 200, std::size_t probe_size = 200);

// Trials [b0, b1) of every step of `batch`, as a new batch.
SeqBatch select_trials(const SeqBatch& batch, std::size_t b0, std::size_t b1);

}  // namespace rl
