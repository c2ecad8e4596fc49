#include "tasks/neurogym_dataset.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string>

#include "tasks/context_decision.h"
#include "tasks/delay_match_sample.h"
#include "tasks/perceptual_decision.h"

namespace rl {
namespace {

constexpr double kNeurogymCacheBudget = 1e5;  // entries per cache, neurogym/utils/data.py
constexpr std::size_t kPaperSeqLen = 8;
constexpr std::size_t kPaperBatch = 32;

}  // namespace

std::size_t neurogym_cache_len(std::size_t n_in, std::size_t batch_size, std::size_t seq_len,
                               std::size_t requested) {
  if (n_in == 0 || batch_size == 0 || seq_len == 0)
    throw std::invalid_argument("neurogym_cache_len: n_in = " + std::to_string(n_in) + ", batch_size = " +
                                std::to_string(batch_size) + " and seq_len = " + std::to_string(seq_len) +
                                " must all be > 0");
  double c = static_cast<double>(requested);
  if (requested == 0)  // obs size n_in plus a Discrete action's shape () whose product is 1
    c = kNeurogymCacheBudget / static_cast<double>(n_in + 1) / static_cast<double>(batch_size);
  return static_cast<std::size_t>((1.0 + std::floor(c / static_cast<double>(seq_len))) *
                                  static_cast<double>(seq_len));
}

NeurogymDataset::NeurogymDataset(std::shared_ptr<const TrialTask> task, NeurogymDatasetOptions options)
    : task_(std::move(task)), options_(options) {
  if (!task_) throw std::invalid_argument("NeurogymDataset: task is null");
  cache_len_ = neurogym_cache_len(task_->n_in(), options_.batch_size, options_.seq_len,
                                  options_.cache_len);
  for (std::size_t b = 0; b < options_.batch_size; ++b) column_rngs_.emplace_back(options_.seed + b);
  inputs_ = Matrix(cache_len_ * options_.batch_size, task_->n_in());
  targets_.assign(cache_len_ * options_.batch_size, kFixateAction);
  fill_cache();
}

void NeurogymDataset::fill_column(std::size_t b) {
  const std::size_t B = options_.batch_size;
  std::size_t start = 0;
  while (start < cache_len_) {
    const Trial trial = task_->new_trial(column_rngs_[b]);
    if (trial.ob.cols() != task_->n_in())
      throw std::logic_error("NeurogymDataset: trial has the wrong number of inputs");
    if (trial.layout.T == 0)
      throw std::runtime_error("NeurogymDataset: task " + task_->name() + " produced an empty trial");
    const std::size_t len = std::min(trial.layout.T, cache_len_ - start);  // last trial is cut
    for (std::size_t t = 0; t < len; ++t) {
      std::copy(trial.ob.row(t), trial.ob.row(t) + trial.ob.cols(), inputs_.row((start + t) * B + b));
      targets_[(start + t) * B + b] = trial.gt[t];
    }
    start += len;
  }
}

void NeurogymDataset::fill_cache() {
  for (std::size_t b = 0; b < options_.batch_size; ++b) fill_column(b);
  window_start_ = 0;
  ++caches_filled_;
}

SeqBatch NeurogymDataset::next_batch() {
  const std::size_t T = options_.seq_len, B = options_.batch_size;
  if (window_start_ + T >= cache_len_) fill_cache();  // Neurogym: the final window is never served
  SeqBatch batch;
  batch.T = T;
  batch.B = B;
  const std::size_t first = window_start_ * B;
  batch.x = block(inputs_, first, first + T * B, 0, inputs_.cols());
  batch.labels.assign(targets_.begin() + static_cast<std::ptrdiff_t>(first),
                      targets_.begin() + static_cast<std::ptrdiff_t>(first + T * B));
  window_start_ += T;
  return batch;
}

SeqBatch join_batches(const std::vector<SeqBatch>& batches) {
  if (batches.empty()) throw std::invalid_argument("join_batches: no batches");
  const std::size_t T = batches[0].T, n_in = batches[0].n_in();
  std::size_t B_total = 0;
  for (const SeqBatch& b : batches) {
    b.validate("join_batches input");
    if (b.T != T || b.n_in() != n_in || b.labels.size() != b.T * b.B)
      throw std::invalid_argument("join_batches: batches differ in T, n_in or label layout");
    B_total += b.B;
  }
  SeqBatch out;
  out.T = T;
  out.B = B_total;
  out.x = Matrix(T * B_total, n_in);
  out.labels.assign(T * B_total, kFixateAction);
  std::size_t offset = 0;
  for (const SeqBatch& b : batches) {
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t j = 0; j < b.B; ++j) {
        std::copy(b.x.row(b.row(t, j)), b.x.row(b.row(t, j)) + n_in, out.x.row(out.row(t, offset + j)));
        out.labels[out.row(t, offset + j)] = b.label(t, j);
      }
    offset += b.B;
  }
  return out;
}

const char* paper_task_name(PaperTask task) {
  switch (task) {
    case PaperTask::k2AF: return "2AF";
    case PaperTask::kDMS: return "DMS";
    case PaperTask::kCXT: return "CXT";
  }
  return "?";
}

PaperTask parse_paper_task(const std::string& name) {
  std::string upper = name;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (upper == "2AF") return PaperTask::k2AF;
  if (upper == "DMS") return PaperTask::kDMS;
  if (upper == "CXT") return PaperTask::kCXT;
  throw std::invalid_argument("unknown task '" + name + "' (expected 2AF, DMS or CXT)");
}

// Timings from the released main.py (docs/tasks.md#paper-timings).
std::shared_ptr<const TrialTask> make_paper_task(PaperTask task, bool noise) {
  const double sigma = noise ? 1.0 : 0.0;
  switch (task) {
    case PaperTask::k2AF: {
      PerceptualDecisionConfig c;
      c.sigma = sigma;
      c.timing = override_timing(c.timing, {{"fixation", Timing::constant(0)},
                                            {"stimulus", Timing::constant(700)},
                                            {"delay", Timing::constant(0)},
                                            {"decision", Timing::constant(100)}});
      return std::make_shared<PerceptualDecision>(c);
    }
    case PaperTask::kDMS: {
      DelayMatchSampleConfig c;
      c.sigma = sigma;
      c.timing = override_timing(c.timing, {{"fixation", Timing::constant(0)},
                                            {"sample", Timing::constant(100)},
                                            {"delay", Timing::constant(500)},
                                            {"test", Timing::constant(100)},
                                            {"decision", Timing::constant(100)}});
      return std::make_shared<DelayMatchSample>(c);
    }
    case PaperTask::kCXT: {
      ContextDecisionConfig c;
      c.sigma = sigma;
      c.timing = override_timing(c.timing, {{"fixation", Timing::constant(0)},
                                            {"stimulus", Timing::constant(200)},
                                            {"delay", Timing::constant(500)},
                                            {"decision", Timing::constant(100)}});
      return std::make_shared<ContextDecision>(c);
    }
  }
  throw std::invalid_argument("make_paper_task: unknown task");
}

NeurogymDataset make_paper_dataset(PaperTask task, std::uint64_t seed, bool noise) {
  NeurogymDatasetOptions options;
  options.batch_size = kPaperBatch;
  options.seq_len = kPaperSeqLen;
  options.seed = seed;
  return NeurogymDataset(make_paper_task(task, noise), options);
}

SeqBatch make_probe_set(NeurogymDataset& dataset, std::size_t n_batches) {
  if (n_batches == 0) throw std::invalid_argument("make_probe_set: n_batches must be > 0");
  std::vector<SeqBatch> batches;
  for (std::size_t k = 0; k < n_batches; ++k) batches.push_back(dataset.next_batch());
  return join_batches(batches);
}

}  // namespace rl
