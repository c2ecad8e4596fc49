// A student task labelled by a teacher network (Fig. 3C, docs/paper.md#fig-3): the teacher's
// decision -- the argmax of its last-step logits -- written on every step of each trial, so a student
// learns (and is measured against) what the teacher does.  Used by demos/fig3c_aligned_rnn.cpp.
#pragma once

#include <memory>
#include <vector>

#include "nn/rnn.h"
#include "nn/rnn_experiment.h"
#include "nn/sequence.h"
#include "tasks/mnist.h"

namespace rl {

// The teacher's decision for each trial: argmax of its logits at the last step, (B).
std::vector<int> teacher_decisions(const RnnParams& teacher, const RnnConfig& net, const SeqBatch& batch);

// `batch` with every step's label replaced by the teacher's decision for that trial.
SeqBatch relabel_with_teacher(SeqBatch batch, const RnnParams& teacher, const RnnConfig& net);

// Fraction of trials whose last-step labels agree in `a` and `b` (same T and B).
double last_step_agreement(const SeqBatch& a, const SeqBatch& b);

// `base` with its training stream, probe and kernel probe relabelled by the teacher: the student
// learns (and its accuracy is measured against) the teacher's decisions.  Inputs are unchanged.
// The plain route: one teacher forward pass per training batch.
RnnTaskSetup teacher_labelled_setup(RnnTaskSetup base, std::shared_ptr<const RnnParams> teacher,
                                    const RnnConfig& net);

// `base` with only its probe and kernel probe relabelled (the stream is left as it is): for a stream
// drawn from a set already relabelled by relabel_set_with_teacher.
RnnTaskSetup teacher_labelled_probes(RnnTaskSetup base, const RnnParams& teacher, const RnnConfig& net);

// The fast route for a stream of MNIST images: `set` with every image's label replaced by the
// teacher's decision on it, computed once, `batch` images per forward pass in index order.  A
// student's 10,000 training batches then cost no teacher pass (one float64 forward beside each float32
// student step: docs/figures_3c_4b.md gives the time it saved).  The labels are those
// relabel_with_teacher gives, bit for bit, to any batch of `batch` images drawn from `set`, because a
// trial's logits do not depend on the rest of its batch: the forward's products give a row of C the
// same sums wherever the row sits, and at net.alpha = 1 their final write-back (alpha acc + beta C,
// beta 0 or 1) is exact, so an edge tile rounds as a full one does (linalg/gemm.cpp).  At another alpha
// that write-back may round by tile, so net.alpha must be 1 (std::invalid_argument otherwise; the
// paper's networks have alpha = 1, docs/paper.md#rnn-model).
// TeacherLabels.RelabelledSetGivesTheLabelsOfEveryBatch and .FastRouteGivesTheSetupsBatchesAndProbes.
MnistSet relabel_set_with_teacher(const MnistSet& set, const RnnParams& teacher, const RnnConfig& net,
                                  std::size_t batch);

// The labels relabel_set_with_teacher writes: the teacher's decision on each image of `set`, by index.
// Fig. 3C computes them once per teacher and shares them by every student of that teacher.
std::vector<int> teacher_decisions_on_set(const RnnParams& teacher, const RnnConfig& net, const MnistSet& set,
                                          std::size_t batch);

}  // namespace rl
