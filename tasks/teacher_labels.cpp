#include "tasks/teacher_labels.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <utility>

namespace rl {

std::vector<int> teacher_decisions(const RnnParams& teacher, const RnnConfig& net, const SeqBatch& batch) {
  const RnnTrace trace = rnn_forward(teacher, net, batch);
  const std::size_t t = batch.T - 1;
  std::vector<int> decisions(batch.B);
  for (std::size_t b = 0; b < batch.B; ++b) {
    const double* y = trace.y.row(batch.row(t, b));
    if (!std::all_of(y, y + net.K, [](double v) { return std::isfinite(v); }))
      throw std::runtime_error("teacher_decisions: the teacher's logits are not finite");
    decisions[b] = static_cast<int>(std::max_element(y, y + net.K) - y);
  }
  return decisions;
}

SeqBatch relabel_with_teacher(SeqBatch batch, const RnnParams& teacher, const RnnConfig& net) {
  batch.validate("relabel_with_teacher batch");
  const std::vector<int> decisions = teacher_decisions(teacher, net, batch);
  batch.labels.assign(batch.T * batch.B, 0);
  for (std::size_t t = 0; t < batch.T; ++t)
    for (std::size_t b = 0; b < batch.B; ++b) batch.labels[batch.row(t, b)] = decisions[b];
  return batch;
}

double last_step_agreement(const SeqBatch& a, const SeqBatch& b) {
  if (a.T != b.T || a.B != b.B || a.B == 0 || a.labels.size() != a.T * a.B || b.labels.size() != b.T * b.B)
    throw std::invalid_argument("last_step_agreement: batches of different shapes or without labels");
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.B; ++i) same += a.label(a.T - 1, i) == b.label(b.T - 1, i);
  return static_cast<double>(same) / static_cast<double>(a.B);
}

RnnTaskSetup teacher_labelled_setup(RnnTaskSetup base, std::shared_ptr<const RnnParams> teacher,
                                    const RnnConfig& net) {
  if (!teacher) throw std::invalid_argument("teacher_labelled_setup: no teacher");
  base = teacher_labelled_probes(std::move(base), *teacher, net);
  std::function<SeqBatch()> inner = std::move(base.next_batch);
  base.next_batch = [inner, teacher, net]() { return relabel_with_teacher(inner(), *teacher, net); };
  return base;
}

RnnTaskSetup teacher_labelled_probes(RnnTaskSetup base, const RnnParams& teacher, const RnnConfig& net) {
  check_shapes(teacher, net, "teacher_labelled_probes: teacher");
  base.name += " (teacher labels)";
  base.probe = relabel_with_teacher(std::move(base.probe), teacher, net);
  base.kernel_probe = relabel_with_teacher(std::move(base.kernel_probe), teacher, net);
  return base;
}

MnistSet relabel_set_with_teacher(const MnistSet& set, const RnnParams& teacher, const RnnConfig& net,
                                  std::size_t batch) {
  MnistSet out = set;
  out.labels = teacher_decisions_on_set(teacher, net, set, batch);
  return out;
}

std::vector<int> teacher_decisions_on_set(const RnnParams& teacher, const RnnConfig& net, const MnistSet& set,
                                          std::size_t batch) {
  if (batch == 0) throw std::invalid_argument("teacher_decisions_on_set: batch must be at least 1");
  if (net.alpha != 1.0)
    throw std::invalid_argument("teacher_decisions_on_set: alpha = " + std::to_string(net.alpha) +
                                "; the labels equal a teacher pass per batch only at alpha = 1 "
                                "(tasks/teacher_labels.h): use teacher_labelled_setup");
  check_shapes(teacher, net, "teacher_decisions_on_set: teacher");
  std::vector<int> labels(set.size());
  for (std::size_t first = 0; first < set.size(); first += batch) {
    std::vector<std::size_t> indices(std::min(batch, set.size() - first));
    for (std::size_t b = 0; b < indices.size(); ++b) indices[b] = first + b;
    const std::vector<int> decisions = teacher_decisions(teacher, net, to_sequential(set, indices));
    for (std::size_t b = 0; b < indices.size(); ++b) labels[indices[b]] = decisions[b];
  }
  return labels;
}

}  // namespace rl
