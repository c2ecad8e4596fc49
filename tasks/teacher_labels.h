// A student task labelled by a teacher network (Fig. 3C, docs/paper.md#fig-3): the teacher's
// decision -- the argmax of its last-step logits -- written on every step of each trial, so a student
// learns (and is measured against) what the teacher does.  Used by demos/fig3c_aligned_rnn.cpp.
#pragma once

#include <memory>
#include <vector>

#include "nn/rnn.h"
#include "nn/rnn_experiment.h"
#include "nn/sequence.h"

namespace rl {

// The teacher's decision for each trial: argmax of its logits at the last step, (B).
std::vector<int> teacher_decisions(const RnnParams& teacher, const RnnConfig& net, const SeqBatch& batch);

// `batch` with every step's label replaced by the teacher's decision for that trial.
SeqBatch relabel_with_teacher(SeqBatch batch, const RnnParams& teacher, const RnnConfig& net);

// Fraction of trials whose last-step labels agree in `a` and `b` (same T and B).
double last_step_agreement(const SeqBatch& a, const SeqBatch& b);

// `base` with its training stream, probe and kernel probe relabelled by the teacher: the student
// learns (and its accuracy is measured against) the teacher's decisions.  Inputs are unchanged.
RnnTaskSetup teacher_labelled_setup(RnnTaskSetup base, std::shared_ptr<const RnnParams> teacher,
                                    const RnnConfig& net);

}  // namespace rl
