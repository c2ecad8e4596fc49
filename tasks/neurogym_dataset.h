// The supervised Neurogym dataset: batch_size independent trial streams cut into fixed windows,
// as ngym.Dataset (neurogym/utils/data.py, identical in 0.0.2 and HEAD; docs/tasks.md#dataset).
//
//   * Column i has its own generator, Rng(seed + i) (Neurogym: env i seeded with seed + i).
//   * Cache length: c = 1e5 / (n_in + 1) / B (a Discrete action space counts 1), then
//     cache_len = (1 + floor(c / seq_len)) * seq_len.  Paper: 784 for 2AF/DMS, 392 for CXT.
//   * Filling: per column, trials are concatenated end to end from index 0 until cache_len; the
//     last one is cut.  No padding, no mask, no reset marker between trials.
//   * Serving: window [s, s + seq_len), s advancing by seq_len.  If s + seq_len >= cache_len the
//     whole cache is regenerated first and s = 0: the final window of each cache is never served.
//   * A batch is a time-major SeqBatch: T = seq_len, B = batch_size, row t*B + b.
//
// Dimension letters: T = seq_len time steps, B batch columns, n_in input channels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "linalg/rng.h"
#include "nn/sequence.h"
#include "tasks/trial.h"

namespace rl {

struct NeurogymDatasetOptions {
  std::size_t batch_size = 1;
  std::size_t seq_len = 1000;  // Neurogym's default when seq_len is None
  std::size_t cache_len = 0;   // 0: Neurogym's rule; otherwise rounded up as Neurogym does
  std::uint64_t seed = 0;      // column i draws from Rng(seed + i)
};

// Neurogym's cache length: (1 + floor(c / seq_len)) * seq_len with c as above (or c = requested).
std::size_t neurogym_cache_len(std::size_t n_in, std::size_t batch_size, std::size_t seq_len,
                               std::size_t requested = 0);

class NeurogymDataset {
 public:
  NeurogymDataset(std::shared_ptr<const TrialTask> task, NeurogymDatasetOptions options);

  // The next window, shape T = seq_len, B = batch_size.
  SeqBatch next_batch();

  std::size_t cache_len() const { return cache_len_; }
  std::size_t seq_len() const { return options_.seq_len; }
  std::size_t batch_size() const { return options_.batch_size; }
  std::size_t n_in() const { return task_->n_in(); }
  std::size_t n_actions() const { return task_->n_actions(); }
  // Number of times the cache has been (re)generated, including the first fill.
  std::size_t caches_filled() const { return caches_filled_; }
  // Start index of the window the next call will consider (before any regeneration).
  std::size_t window_start() const { return window_start_; }

 private:
  void fill_cache();
  void fill_column(std::size_t b);

  std::shared_ptr<const TrialTask> task_;
  NeurogymDatasetOptions options_;
  std::size_t cache_len_ = 0;
  std::vector<Rng> column_rngs_;   // (B)
  Matrix inputs_;                  // (cache_len * B, n_in), row t*B + b
  std::vector<int> targets_;       // (cache_len * B)
  std::size_t window_start_ = 0;
  std::size_t caches_filled_ = 0;
};

// Batches joined along the batch axis (all must share T and n_in): column b of batch k becomes
// column (B_0 + ... + B_{k-1}) + b of the result.
SeqBatch join_batches(const std::vector<SeqBatch>& batches);

// The paper's three Neurogym tasks (docs/tasks.md#paper-timings).
enum class PaperTask { k2AF, kDMS, kCXT };
const char* paper_task_name(PaperTask task);  // "2AF", "DMS", "CXT"
// Parses "2AF" / "DMS" / "CXT" (case-insensitive); throws naming the bad value.
PaperTask parse_paper_task(const std::string& name);

// The task with the paper's 8-step timing (every trial: 7 steps then 1 decision step), default
// cohs, dim_ring and sigma; `noise = false` sets sigma = 0.
std::shared_ptr<const TrialTask> make_paper_task(PaperTask task, bool noise = true);
// The paper's dataset: seq_len 8, batch 32, Neurogym's cache rule (784 for 2AF/DMS, 392 for CXT).
NeurogymDataset make_paper_dataset(PaperTask task, std::uint64_t seed, bool noise = true);
// The probe set: the next n_batches of `dataset` joined along the batch axis (paper: the first 10
// batches of the stream, 320 trials; docs/paper.md#measures).
SeqBatch make_probe_set(NeurogymDataset& dataset, std::size_t n_batches = 10);

}  // namespace rl
