// Which revision of the trained numbers this build computes (docs/records/README.md#results-revision).
//
// The paper-scale records (docs/records/<name>/) advance over several sessions and code revisions:
// each resume adds run files computed by the build of the day.  A run file made by code that gives
// other numbers must not be merged with older ones, and a git revision alone cannot say that (most
// commits touch docs or speed, not numbers).  So every run file's settings key carries
// `results-revision=<kResultsRevision>` (demos/toolkit/shard.h), and a resume with a build
// whose revision differs is refused, naming both revisions.
//
// Rule: bump kResultsRevision in the same commit as any change that alters a trained number.
// tests/test_results_revision.cpp enforces it: it trains tiny runs of each engine (CT-RNN with
// BPTT, two-layer ReLU) and compares them with the fingerprint recorded for this revision; a change
// in the numbers fails it until the revision and the fingerprint are updated together.
//
// Rounding-level differences between instruction sets (the GEMM micro-kernel's lane count follows
// the target, docs/gemm.md) are not a new revision: the fingerprint is compared to 1e-8 relative,
// far above rounding and far below any change in the model.  Records say which machine made them.
#pragma once

namespace rl {

// History (newest last; say what changed the numbers):
//   r1  2026-12-06  the numbers of every record and of docs/reproducing.md up to this date
//       2026-12-07  (not a new revision) the float32 two-layer ReLU forward leaves its last batch
//                   columns to linalg/row_dots.h, which sums in another order: float32 Fig. 4B numbers
//                   move at rounding level, as between instruction sets.  No record is a float32
//                   Fig. 4B run.  Float64 and float32 RNN numbers kept their bits: every program's
//                   results.csv compared before and after (docs/benchmarks.md#what-closed-it-2026-12-07),
//                   and TwoLayerRelu.ForwardPreactivationIsTheDirectProductBitForBit for the forward.
//       2026-12-07  (not a new revision) fig3c_aligned_rnn draws its teacher-labelled batches from the
//                   training images relabelled once (tasks/teacher_labels.h:relabel_set_with_teacher)
//                   instead of a teacher pass per batch: the same labels bit for bit
//                   (TeacherLabels.RelabelledSetGivesTheLabelsOfEveryBatch), and the record fig3c's first
//                   run, remade with it, equals its committed run file in every result column.
inline constexpr const char* kResultsRevision = "r1";

}  // namespace rl
