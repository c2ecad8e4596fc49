// First-order optimizers over a list of (parameter, gradient) matrix pairs, so every model in nn/ can
// use them.  Semantics are PyTorch's exactly (torch.optim.SGD / torch.optim.Adam, defaults
// dampening = 0, nesterov = False, amsgrad = False, maximize = False):
//
//   SGD with momentum mu, weight decay wd:
//     g <- g + wd w
//     v <- g on the first step, v <- mu v + g afterwards      (mu = 0: no buffer, v = g)
//     w <- w - lr v
//   Adam (Kingma & Ba 2015, Algorithm 1, as implemented by PyTorch):
//     g <- g + wd w;  m <- b1 m + (1 - b1) g;  s <- b2 s + (1 - b2) g^2        (step count t >= 1)
//     w <- w - (lr / (1 - b1^t)) m / (sqrt(s) / sqrt(1 - b2^t) + eps)
//
// The optimizer keeps pointers: the parameter and gradient matrices must outlive it and keep their
// shapes (checked at every step).
#pragma once

#include <cstddef>
#include <vector>

#include "linalg/matrix.h"

namespace rl {

struct ParamSlot {
  Matrix* param;       // updated in place
  const Matrix* grad;  // read by step(); same shape as *param
};

// Pairs params[i] with grads[i]; throws std::invalid_argument on a length or shape mismatch.
std::vector<ParamSlot> make_slots(const std::vector<Matrix*>& params,
                                  const std::vector<Matrix*>& grads);

struct SgdOptions {
  double lr = 0.003;          // the paper's training setting (docs/paper.md#training)
  double momentum = 0.9;      // docs/paper.md#training
  double weight_decay = 0.0;  // docs/paper.md#training: none
};

class Sgd {
 public:
  Sgd(std::vector<ParamSlot> slots, SgdOptions options);
  void step();
  std::size_t steps_taken() const { return steps_; }
  const SgdOptions& options() const { return options_; }

  // step() in pieces, for a caller that finishes a gradient piece by piece and updates each piece
  // while it is still in cache (nn/two_layer_relu.h: two_layer_relu_sgd_step): update(slot, begin,
  // end) applies the rule above to elements [begin, end) of one slot's parameter (row-major order);
  // after every element of every slot has been updated exactly once, end_step() closes the step.
  // step() is exactly this with one piece per slot, so the two give the same bits.  end_step()
  // throws std::logic_error naming the slot when a slot's pieces do not add up to its size.
  void update(std::size_t slot, std::size_t begin, std::size_t end);
  void end_step();
  const std::vector<ParamSlot>& slots() const { return slots_; }
  // The index of the slot whose parameter is `param`; throws std::invalid_argument when none is.
  std::size_t slot_of(const Matrix& param) const;

 private:
  std::vector<ParamSlot> slots_;
  SgdOptions options_;
  std::vector<Matrix> velocity_;      // momentum buffers, one per slot
  std::vector<std::size_t> updated_;  // elements of each slot updated in the open step
  std::size_t steps_ = 0;
};

struct AdamOptions {  // PyTorch defaults
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
};

class Adam {
 public:
  Adam(std::vector<ParamSlot> slots, AdamOptions options);
  void step();
  std::size_t steps_taken() const { return steps_; }

 private:
  std::vector<ParamSlot> slots_;
  AdamOptions options_;
  std::vector<Matrix> m_, s_;  // first and second moment estimates
  std::size_t steps_ = 0;
};

}  // namespace rl
