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
// One template for float and double parameters (docs/precision.md): the options stay double, and each
// step rounds lr, momentum and the rest to the parameters' type once, as torch.optim does for a float32
// tensor, so every product and sum of the update is done in that type.
//
// The optimizer keeps pointers: the parameter and gradient matrices must outlive it and keep their
// shapes (checked at every step).
#pragma once

#include <cstddef>
#include <vector>

#include "linalg/matrix.h"

namespace rl {

template <class T>
struct BasicParamSlot {
  BasicMatrix<T>* param;       // updated in place
  const BasicMatrix<T>* grad;  // read by step(); same shape as *param
};
using ParamSlot = BasicParamSlot<double>;

// Pairs params[i] with grads[i]; throws std::invalid_argument on a length or shape mismatch.
template <class T>
std::vector<BasicParamSlot<T>> make_slots(const std::vector<BasicMatrix<T>*>& params,
                                          const std::vector<BasicMatrix<T>*>& grads);
// The double form, so that make_slots({&W1, &W2}, {&dW1, &dW2}) needs no template argument.
inline std::vector<ParamSlot> make_slots(const std::vector<Matrix*>& params, const std::vector<Matrix*>& grads) {
  return make_slots<double>(params, grads);
}

struct SgdOptions {
  double lr = 0.003;          // the paper's training setting (docs/paper.md#training)
  double momentum = 0.9;      // docs/paper.md#training
  double weight_decay = 0.0;  // docs/paper.md#training: none
};

template <class T>
class BasicSgd {
 public:
  using Slot = BasicParamSlot<T>;
  BasicSgd(std::vector<Slot> slots, SgdOptions options);
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
  // A hint that changes no value: asks the memory system to bring elements [begin, end) of one slot's
  // parameter and momentum buffer toward the core, so that an update(slot, begin, end) issued after
  // some computation finds them in cache instead of waiting on memory
  // (nn/two_layer_relu.cpp: two_layer_relu_sgd_step; docs/benchmarks.md#the-relu-iteration).
  // Throws std::invalid_argument on a range update would refuse.
  void prefetch(std::size_t slot, std::size_t begin, std::size_t end) const;
  const std::vector<Slot>& slots() const { return slots_; }
  // The index of the slot whose parameter is `param`; throws std::invalid_argument when none is.
  std::size_t slot_of(const BasicMatrix<T>& param) const;

 private:
  void require_piece(std::size_t slot, std::size_t begin, std::size_t end, const char* who) const;
  std::vector<Slot> slots_;
  SgdOptions options_;
  std::vector<BasicMatrix<T>> velocity_;  // momentum buffers, one per slot
  std::vector<std::size_t> updated_;  // elements of each slot updated in the open step
  std::size_t steps_ = 0;
};
using Sgd = BasicSgd<double>;
using SgdF = BasicSgd<float>;

struct AdamOptions {  // PyTorch defaults
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
};

template <class T>
class BasicAdam {
 public:
  using Slot = BasicParamSlot<T>;
  BasicAdam(std::vector<Slot> slots, AdamOptions options);
  void step();
  std::size_t steps_taken() const { return steps_; }

 private:
  std::vector<Slot> slots_;
  AdamOptions options_;
  std::vector<BasicMatrix<T>> m_, s_;  // first and second moment estimates
  std::size_t steps_ = 0;
};
using Adam = BasicAdam<double>;
using AdamF = BasicAdam<float>;

}  // namespace rl
