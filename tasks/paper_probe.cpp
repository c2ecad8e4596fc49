#include "tasks/paper_probe.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "tasks/neurogym_dataset.h"

namespace rl {

SeqBatch select_trials(const SeqBatch& batch, std::size_t b0, std::size_t b1) {
  if (b0 > b1 || b1 > batch.B)
    throw std::invalid_argument("select_trials: trials [" + std::to_string(b0) + ", " +
                                std::to_string(b1) + ") outside a batch of " + std::to_string(batch.B));
  SeqBatch out;
  out.T = batch.T;
  out.B = b1 - b0;
  out.x = Matrix(out.T * out.B, batch.n_in());
  if (!batch.labels.empty()) out.labels.resize(out.T * out.B);
  for (std::size_t t = 0; t < batch.T; ++t)
    for (std::size_t b = b0; b < b1; ++b) {
      const std::size_t src = batch.row(t, b), dst = out.row(t, b - b0);
      std::copy(batch.x.row(src), batch.x.row(src) + batch.n_in(), out.x.row(dst));
      if (!batch.labels.empty()) out.labels[dst] = batch.labels[src];
    }
  return out;
}

RnnTaskSetup neurogym_setup(const std::string& task_name, std::uint64_t data_seed) {
  const PaperTask task = parse_paper_task(task_name);
  auto dataset = std::make_shared<NeurogymDataset>(make_paper_dataset(task, data_seed));
  RnnTaskSetup s;
  s.name = paper_task_name(task);
  s.n_in = dataset->n_in();
  s.n_out = dataset->n_actions();
  s.probe = make_probe_set(*dataset, 10);                // docs/paper.md#measures: 10 x 32 = 320 trials
  s.kernel_probe = select_trials(s.probe, 0, dataset->batch_size());  // the first 32 probe trials
  s.kernel_steps = Steps::kAll;                          // 8 steps x 32 trials x 3 logits = 768 rows
  s.sign_all_steps = false;                              // decision step only
  s.loss_steps = Steps::kAll;                            // CE over all 8 steps (docs/paper.md#training)
  s.next_batch = [dataset]() { return dataset->next_batch(); };
  return s;
}

RnnTaskSetup smnist_setup(std::shared_ptr<const MnistSplit> split, std::uint64_t data_seed,
                          std::size_t batch_size, std::size_t probe_size) {
  if (split->validation.size() < probe_size)
    throw std::invalid_argument("smnist_setup: the held-out split has " +
                                std::to_string(split->validation.size()) + " images, fewer than the " +
                                std::to_string(probe_size) + " probe images requested");
  auto batcher = std::make_shared<MnistBatcher>(split->train, batch_size, data_seed);
  RnnTaskSetup s;
  s.name = "sMNIST";
  s.n_in = kMnistSide;  // one image row per step
  s.n_out = kMnistClasses;
  std::vector<std::size_t> probe_indices(probe_size);
  for (std::size_t i = 0; i < probe_size; ++i) probe_indices[i] = i;
  s.probe = to_sequential(split->validation, probe_indices);
  s.kernel_probe = s.probe;
  s.kernel_steps = Steps::kLast;
  s.sign_all_steps = true;
  s.loss_steps = Steps::kLast;
  // The lambda keeps `split` alive: the batcher refers to split->train.
  s.next_batch = [split, batcher]() { return batcher->next_sequential(); };
  return s;
}

}  // namespace rl
