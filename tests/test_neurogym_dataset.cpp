// Tests for tasks/neurogym_dataset: Neurogym's cache length, concatenated trial streams, the
// window rule (the final window of a cache is never served), paper presets and the probe set.
#include "tasks/neurogym_dataset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tasks/context_decision.h"
#include "tests/test_helpers.h"

namespace rl {
namespace {

// Reference stream for column b: trials from Rng(seed + b) concatenated, as in docs/tasks.md#dataset.
struct Stream {
  Matrix ob;            // (steps, n_in)
  std::vector<int> gt;  // (steps)
};

Stream concatenated_trials(const TrialTask& task, Rng& rng, std::size_t length) {
  Stream s{Matrix(length, task.n_in()), std::vector<int>(length, 0)};
  std::size_t start = 0;
  while (start < length) {
    const Trial trial = task.new_trial(rng);
    for (std::size_t t = 0; t < trial.layout.T && start + t < length; ++t) {
      for (std::size_t c = 0; c < task.n_in(); ++c) s.ob(start + t, c) = trial.ob(t, c);
      s.gt[start + t] = trial.gt[t];
    }
    start += trial.layout.T;
  }
  return s;
}

TEST(NeurogymDataset, CacheLengthFollowsNeurogymRule) {
  // c = 1e5 / (n_in + 1) / B; cache_len = (1 + floor(c / seq_len)) * seq_len.
  EXPECT_EQ(neurogym_cache_len(3, 32, 8), 784u);  // 2AF / DMS in the paper: 98 * 8
  EXPECT_EQ(neurogym_cache_len(7, 32, 8), 392u);  // CXT: 49 * 8
  EXPECT_EQ(neurogym_cache_len(3, 16, 100), 1600u);  // c = 1562.5 -> 16 * 100
  EXPECT_EQ(neurogym_cache_len(3, 32, 8, 100), 104u);  // a requested length is rounded the same way
  EXPECT_EQ(make_paper_dataset(PaperTask::k2AF, 0).cache_len(), 784u);
  EXPECT_EQ(make_paper_dataset(PaperTask::kDMS, 0).cache_len(), 784u);
  EXPECT_EQ(make_paper_dataset(PaperTask::kCXT, 0).cache_len(), 392u);
  EXPECT_THROW(neurogym_cache_len(3, 0, 8), std::invalid_argument);
}

// Variable-length CXT trials (default timing, 14..40 steps) cut into windows that start
// mid-trial: every served window must equal the matching slice of each column's own stream, and
// after the last served window the next cache continues that stream.
TEST(NeurogymDataset, WindowsAreSlicesOfEachColumnsConcatenatedTrialStream) {
  ContextDecisionConfig config;
  config.sigma = 1.0;  // noise on: the RNG stream must line up draw for draw
  auto task = std::make_shared<ContextDecision>(config);
  NeurogymDatasetOptions opt;
  opt.batch_size = 3;
  opt.seq_len = 10;
  opt.cache_len = 45;  // rounded to (1 + 4) * 10 = 50: windows at 0..30 served, [40, 50) never
  opt.seed = 17;
  NeurogymDataset data(task, opt);
  ASSERT_EQ(data.cache_len(), 50u);
  std::vector<Rng> refs;
  for (std::size_t b = 0; b < 3; ++b) refs.emplace_back(17 + b);
  for (int cache = 0; cache < 3; ++cache) {
    std::vector<Stream> streams;
    for (std::size_t b = 0; b < 3; ++b) streams.push_back(concatenated_trials(*task, refs[b], 50));
    for (std::size_t w = 0; w < 4; ++w) {
      const SeqBatch batch = data.next_batch();
      ASSERT_EQ(batch.T, 10u);
      ASSERT_EQ(batch.B, 3u);
      for (std::size_t t = 0; t < 10; ++t)
        for (std::size_t b = 0; b < 3; ++b) {
          ASSERT_EQ(batch.label(t, b), streams[b].gt[w * 10 + t]) << "cache " << cache << " w " << w;
          for (std::size_t c = 0; c < 7; ++c)
            ASSERT_EQ(batch.x(batch.row(t, b), c), streams[b].ob(w * 10 + t, c))
                << "cache " << cache << " window " << w << " t " << t << " col " << b << " ch " << c;
        }
    }
    EXPECT_EQ(data.caches_filled(), static_cast<std::size_t>(cache + 1));
  }
}

TEST(NeurogymDataset, PaperCacheServesNinetySevenWindowsThenRegenerates) {
  NeurogymDataset data = make_paper_dataset(PaperTask::k2AF, 3);
  for (int i = 0; i < 97; ++i) data.next_batch();
  EXPECT_EQ(data.caches_filled(), 1u);
  EXPECT_EQ(data.window_start(), 776u);  // [776, 784) is the final window: never served
  data.next_batch();
  EXPECT_EQ(data.caches_filled(), 2u);
  EXPECT_EQ(data.window_start(), 8u);
}

// Paper setting: trial length 8 = seq_len and cache_len a multiple of 8, so every column of every
// batch is one whole trial starting at t = 0.
TEST(NeurogymDataset, PaperBatchesHoldOneWholeTrialPerColumn) {
  for (PaperTask task : {PaperTask::k2AF, PaperTask::kDMS, PaperTask::kCXT}) {
    NeurogymDataset data = make_paper_dataset(task, 5, /*noise=*/false);
    for (int i = 0; i < 60; ++i) {  // crosses the CXT cache boundary (48 windows per cache)
      const SeqBatch batch = data.next_batch();
      ASSERT_EQ(batch.T, 8u);
      ASSERT_EQ(batch.B, 32u);
      for (std::size_t b = 0; b < 32; ++b) {
        for (std::size_t t = 0; t < 8; ++t) {
          EXPECT_EQ(batch.x(batch.row(t, b), 0), t < 7 ? 1.0 : 0.0) << paper_task_name(task);
          if (t < 7) {
            EXPECT_EQ(batch.label(t, b), 0);
          }
        }
        EXPECT_TRUE(batch.label(7, b) == 1 || batch.label(7, b) == 2) << paper_task_name(task);
      }
    }
  }
}

// The paper's 8-step tables (docs/tasks.md#paper-timings), noise off, t = 0..7:
//   2AF  fixation [0,0) stimulus [0,7) delay [7,7) decision [7,8):
//        t0..6 [1, stim_1, stim_2] with 0.5 + coh/200 on channel g and 0.5 - coh/200 on the other,
//        coh in {0, 6.4, 12.8, 25.6, 51.2};  t7 [0, 0, 0]
//   DMS  fixation [0,0) sample [0,1) delay [1,6) test [6,7) decision [7,8):
//        t0 [1, one-hot sample];  t1..5 [1, 0, 0];  t6 [1, one-hot test] (the sample's channel if
//        g = 1 match, the other if g = 2);  t7 [0, 0, 0]
//   CXT  fixation [0,0) stimulus [0,2) delay [2,7) decision [7,8), channels [fix, stim1_mod1,
//        stim2_mod1, stim1_mod2, stim2_mod2, ctx1, ctx2]:
//        t0..1 [1, (1 + s0/100)/2, (1 - s0/100)/2, (1 + s1/100)/2, (1 - s1/100)/2, c0, c1];
//        t2..6 [1, 0, 0, 0, 0, c0, c1];  t7 [0, 0, 0, 0, 0, c0, c1]; (c0, c1) one-hot context,
//        s_m = +-coh_m with coh_m in {5, 15, 50}, the relevant modality's sign + iff g = 1
//   labels of all three: [0, 0, 0, 0, 0, 0, 0, g], g in {1, 2}.
// The drawn conditions (g, coh, sample, context, s_m) are read off the trial, checked to be legal,
// and every entry is compared with the table they imply; `seen` counts the conditions so that the
// test also fails if some case never occurs.
struct PaperPeriod {
  const char* name;
  std::size_t start, end;
};

std::vector<PaperPeriod> paper_periods(PaperTask task) {
  switch (task) {
    case PaperTask::k2AF:
      return {{"fixation", 0, 0}, {"stimulus", 0, 7}, {"delay", 7, 7}, {"decision", 7, 8}};
    case PaperTask::kDMS:
      return {{"fixation", 0, 0}, {"sample", 0, 1}, {"delay", 1, 6}, {"test", 6, 7}, {"decision", 7, 8}};
    case PaperTask::kCXT:
      return {{"fixation", 0, 0}, {"stimulus", 0, 2}, {"delay", 2, 7}, {"decision", 7, 8}};
  }
  return {};
}

// The value of `x` in `allowed` (within a few ulps), or NaN when there is none.
double snap(double x, const std::vector<double>& allowed) {
  for (double a : allowed)
    if (std::fabs(x - a) <= 1e-12) return a;
  return std::nan("");
}

// ob (8, n_in) and gt (8) of one paper trial against its table; returns a key naming the
// drawn case (for coverage), or "" after a failure.
std::string expect_paper_table(PaperTask task, const Matrix& ob, const std::vector<int>& gt) {
  constexpr double kTol = 8 * testing::kEps;  // noise-free: sums of a few exact terms
  const char* name = paper_task_name(task);
  if (ob.rows() != 8 || gt.size() != 8) {
    ADD_FAILURE() << name << ": " << ob.rows() << " steps";
    return "";
  }
  const int g = gt[7];
  if (g != 1 && g != 2) {
    ADD_FAILURE() << name << ": decision label " << g;
    return "";
  }
  Matrix want(8, ob.cols(), 0.0);
  std::string key = std::string(name) + " g" + std::to_string(g);
  if (task == PaperTask::k2AF) {
    const double coh = snap(200 * (ob(0, static_cast<std::size_t>(g)) - 0.5), {0, 6.4, 12.8, 25.6, 51.2});
    if (std::isnan(coh)) {
      ADD_FAILURE() << name << ": stimulus " << ob(0, static_cast<std::size_t>(g)) << " is no coherence";
      return "";
    }
    for (std::size_t t = 0; t < 7; ++t) {
      want(t, 0) = 1.0;
      want(t, 1) = g == 1 ? 0.5 + coh / 200 : 0.5 - coh / 200;
      want(t, 2) = g == 2 ? 0.5 + coh / 200 : 0.5 - coh / 200;
    }
    key += " coh" + std::to_string(coh);
  } else if (task == PaperTask::kDMS) {
    const std::size_t sample = ob(0, 1) > ob(0, 2) ? 0 : 1;
    const std::size_t test = g == 1 ? sample : 1 - sample;
    for (std::size_t t = 0; t < 7; ++t) want(t, 0) = 1.0;
    want(0, 1 + sample) = 1.0;
    want(6, 1 + test) = 1.0;
    key += " sample" + std::to_string(sample);
  } else {
    const int context = ob(0, kCxtContext1) > 0.5 ? 0 : 1;
    const double s0 = snap(100 * (2 * ob(0, kCxtStim1Mod1) - 1), {-50, -15, -5, 5, 15, 50});
    const double s1 = snap(100 * (2 * ob(0, kCxtStim1Mod2) - 1), {-50, -15, -5, 5, 15, 50});
    if (std::isnan(s0) || std::isnan(s1)) {
      ADD_FAILURE() << name << ": stimuli " << ob(0, 1) << ", " << ob(0, 3) << " are no signed coherences";
      return "";
    }
    const double relevant = context == 0 ? s0 : s1;
    EXPECT_EQ(relevant > 0 ? 1 : 2, g) << name << ": the relevant modality must show the label";
    for (std::size_t t = 0; t < 8; ++t) {
      want(t, 0) = t < 7 ? 1.0 : 0.0;
      if (t < 2) {
        want(t, kCxtStim1Mod1) = (1 + s0 / 100) / 2;
        want(t, kCxtStim2Mod1) = (1 - s0 / 100) / 2;
        want(t, kCxtStim1Mod2) = (1 + s1 / 100) / 2;
        want(t, kCxtStim2Mod2) = (1 - s1 / 100) / 2;
      }
      want(t, context == 0 ? kCxtContext1 : kCxtContext2) = 1.0;
    }
    const bool congruent = (s0 > 0) == (s1 > 0);
    key += " ctx" + std::to_string(context) + (congruent ? " congruent" : " incongruent");
  }
  for (std::size_t t = 0; t < 8; ++t) {
    for (std::size_t c = 0; c < ob.cols(); ++c)
      EXPECT_NEAR(ob(t, c), want(t, c), kTol) << key << " t " << t << " ch " << c;
    EXPECT_EQ(gt[t], t == 7 ? g : 0) << key << " t " << t;
  }
  return key;
}

TEST(NeurogymDataset, PaperPresetsReproduceTheEightStepTables) {
  // Cases per task: 2AF 2 labels x 5 cohs; DMS 2 x 2 samples; CXT 2 x 2 contexts x congruence.
  const std::size_t cases[] = {10, 4, 8};
  for (PaperTask task : {PaperTask::k2AF, PaperTask::kDMS, PaperTask::kCXT}) {
    const auto preset = make_paper_task(task, /*noise=*/false);
    std::set<std::string> seen;
    Rng rng(11);
    for (int i = 0; i < 300; ++i) {
      const Trial trial = preset->new_trial(rng);
      const std::vector<PaperPeriod> want = paper_periods(task);
      ASSERT_EQ(trial.layout.T, 8u) << paper_task_name(task);
      ASSERT_EQ(trial.layout.periods.size(), want.size()) << paper_task_name(task);
      for (std::size_t p = 0; p < want.size(); ++p) {
        const Period& got = trial.layout.periods[p];
        EXPECT_EQ(got.name, want[p].name) << paper_task_name(task);
        EXPECT_EQ(got.start, want[p].start) << paper_task_name(task) << " " << want[p].name;
        EXPECT_EQ(got.end, want[p].end) << paper_task_name(task) << " " << want[p].name;
      }
      seen.insert(expect_paper_table(task, trial.ob, trial.gt));
    }
    // The dataset preset serves the same tables, one trial per column.
    NeurogymDataset data = make_paper_dataset(task, 12, /*noise=*/false);
    const SeqBatch batch = data.next_batch();
    for (std::size_t b = 0; b < batch.B; ++b) {
      Matrix ob(8, batch.n_in());
      std::vector<int> gt(8);
      for (std::size_t t = 0; t < 8; ++t) {
        for (std::size_t c = 0; c < batch.n_in(); ++c) ob(t, c) = batch.x(batch.row(t, b), c);
        gt[t] = batch.label(t, b);
      }
      seen.insert(expect_paper_table(task, ob, gt));
    }
    EXPECT_EQ(seen.count(""), 0u) << paper_task_name(task);
    EXPECT_EQ(seen.size(), cases[static_cast<int>(task)]) << paper_task_name(task);
  }
}

TEST(NeurogymDataset, SameSeedGivesSameBatchesAndOtherSeedsDiffer) {
  NeurogymDataset a = make_paper_dataset(PaperTask::kCXT, 42), b = make_paper_dataset(PaperTask::kCXT, 42),
                  c = make_paper_dataset(PaperTask::kCXT, 43);
  for (int i = 0; i < 50; ++i) {
    const SeqBatch ba = a.next_batch(), bb = b.next_batch(), bc = c.next_batch();
    EXPECT_EQ(ba.x, bb.x);
    EXPECT_EQ(ba.labels, bb.labels);
    EXPECT_NE(ba.x, bc.x);
  }
}

// Column b of seed s is column b - 1 of seed s + 1 (Neurogym seeds env i with s + i).
TEST(NeurogymDataset, ColumnIsSeededWithSeedPlusIndex) {
  NeurogymDataset a = make_paper_dataset(PaperTask::kDMS, 100), b = make_paper_dataset(PaperTask::kDMS, 101);
  const SeqBatch ba = a.next_batch(), bb = b.next_batch();
  for (std::size_t t = 0; t < 8; ++t)
    for (std::size_t c = 0; c < 3; ++c) EXPECT_EQ(ba.x(ba.row(t, 1), c), bb.x(bb.row(t, 0), c));
}

TEST(NeurogymDataset, ProbeSetJoinsTheFirstTenBatchesAlongTheBatchAxis) {
  NeurogymDataset data = make_paper_dataset(PaperTask::k2AF, 7), replay = make_paper_dataset(PaperTask::k2AF, 7);
  const SeqBatch probe = make_probe_set(data);
  ASSERT_EQ(probe.T, 8u);
  ASSERT_EQ(probe.B, 320u);
  probe.validate("probe");
  for (std::size_t k = 0; k < 10; ++k) {
    const SeqBatch batch = replay.next_batch();
    for (std::size_t t = 0; t < 8; ++t)
      for (std::size_t b = 0; b < 32; ++b) {
        EXPECT_EQ(probe.label(t, 32 * k + b), batch.label(t, b));
        for (std::size_t c = 0; c < 3; ++c)
          EXPECT_EQ(probe.x(probe.row(t, 32 * k + b), c), batch.x(batch.row(t, b), c));
      }
  }
  EXPECT_EQ(data.next_batch().x, replay.next_batch().x);  // the probe consumed exactly 10 batches
}

TEST(NeurogymDataset, PaperTaskSizesAndNames) {
  EXPECT_EQ(make_paper_task(PaperTask::k2AF)->n_in(), 3u);
  EXPECT_EQ(make_paper_task(PaperTask::kDMS)->n_in(), 3u);
  EXPECT_EQ(make_paper_task(PaperTask::kCXT)->n_in(), 7u);
  for (PaperTask t : {PaperTask::k2AF, PaperTask::kDMS, PaperTask::kCXT}) {
    EXPECT_EQ(make_paper_task(t)->n_actions(), 3u);
    EXPECT_EQ(parse_paper_task(paper_task_name(t)), t);
  }
  EXPECT_EQ(parse_paper_task("cxt"), PaperTask::kCXT);
  EXPECT_THROW(parse_paper_task("DelayComparison"), std::invalid_argument);
}

TEST(NeurogymDataset, JoinRejectsMismatchedBatches) {
  SeqBatch a{2, 1, Matrix(2, 3), {0, 1}}, b{3, 1, Matrix(3, 3), {0, 0, 1}};
  EXPECT_THROW(join_batches({a, b}), std::invalid_argument);
  EXPECT_THROW(join_batches({}), std::invalid_argument);
  EXPECT_THROW(NeurogymDataset(nullptr, NeurogymDatasetOptions{}), std::invalid_argument);
}

}  // namespace
}  // namespace rl
