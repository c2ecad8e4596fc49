#include "nn/optim.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace rl {

template <class T>
std::vector<BasicParamSlot<T>> make_slots(const std::vector<BasicMatrix<T>*>& params,
                                          const std::vector<BasicMatrix<T>*>& grads) {
  if (params.size() != grads.size())
    throw std::invalid_argument("make_slots: " + std::to_string(params.size()) + " parameters but " +
                                std::to_string(grads.size()) + " gradients");
  std::vector<BasicParamSlot<T>> slots;
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (!params[i] || !grads[i])
      throw std::invalid_argument("make_slots: null pointer in slot " + std::to_string(i));
    require_same_shape(*params[i], *grads[i], "make_slots slot " + std::to_string(i));
    slots.push_back({params[i], grads[i]});
  }
  return slots;
}

namespace {

template <class T>
void check_slots(const std::vector<BasicParamSlot<T>>& slots, const char* who) {
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (!slots[i].param || !slots[i].grad)
      throw std::invalid_argument(std::string(who) + ": null pointer in slot " + std::to_string(i));
    require_same_shape(*slots[i].param, *slots[i].grad,
                       std::string(who) + " slot " + std::to_string(i));
  }
}

void check_rate(double v, const char* name, const char* who) {
  if (!(v >= 0.0) || !std::isfinite(v))
    throw std::invalid_argument(std::string(who) + ": " + name + " = " + std::to_string(v) +
                                " must be finite and >= 0");
}

}  // namespace

template <class T>
BasicSgd<T>::BasicSgd(std::vector<Slot> slots, SgdOptions options)
    : slots_(std::move(slots)), options_(options) {
  check_slots(slots_, "Sgd");
  check_rate(options_.lr, "lr", "Sgd");
  check_rate(options_.momentum, "momentum", "Sgd");
  check_rate(options_.weight_decay, "weight_decay", "Sgd");
  for (const Slot& s : slots_) velocity_.emplace_back(s.param->rows(), s.param->cols());
  updated_.assign(slots_.size(), 0);
}

template <class T>
void BasicSgd<T>::step() {
  check_slots(slots_, "Sgd::step");
  for (std::size_t i = 0; i < slots_.size(); ++i) update(i, 0, slots_[i].param->size());
  end_step();
}

template <class T>
void BasicSgd<T>::require_piece(std::size_t slot, std::size_t begin, std::size_t end, const char* who) const {
  if (slot >= slots_.size() || begin > end || end > slots_[slot].param->size() ||
      slots_[slot].grad->size() != slots_[slot].param->size())
    throw std::invalid_argument(std::string(who) + ": slot " + std::to_string(slot) + " elements [" +
                                std::to_string(begin) + ", " + std::to_string(end) + ") are not inside " +
                                std::to_string(slots_.size()) +
                                " slots with equal parameter and gradient sizes");
}

template <class T>
void BasicSgd<T>::update(std::size_t slot, std::size_t begin, std::size_t end) {
  require_piece(slot, begin, end, "Sgd::update");
  const T lr = static_cast<T>(options_.lr), mu = static_cast<T>(options_.momentum),
          wd = static_cast<T>(options_.weight_decay);
  const bool first = steps_ == 0;
  T* w = slots_[slot].param->data();
  const T* g = slots_[slot].grad->data();
  T* v = velocity_[slot].data();
  for (std::size_t j = begin; j < end; ++j) {
    const T d = g[j] + wd * w[j];
    // torch: buf = clone(d) on the first step, else buf = mu buf + d (dampening 0).
    v[j] = (mu == T(0) || first) ? d : mu * v[j] + d;
    w[j] -= lr * v[j];
  }
  updated_[slot] += end - begin;
}

template <class T>
void BasicSgd<T>::prefetch(std::size_t slot, std::size_t begin, std::size_t end) const {
  require_piece(slot, begin, end, "Sgd::prefetch");
  constexpr std::size_t kLine = 64 / sizeof(T);  // elements per 64-byte cache line
  const T* w = slots_[slot].param->data();
  const T* v = velocity_[slot].data();
  for (std::size_t j = begin; j < end; j += kLine) {
    __builtin_prefetch(w + j, 1);
    __builtin_prefetch(v + j, 1);
  }
}

template <class T>
void BasicSgd<T>::end_step() {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (updated_[i] != slots_[i].param->size())
      throw std::logic_error("Sgd::end_step: slot " + std::to_string(i) + " had " +
                             std::to_string(updated_[i]) + " element updates this step, expected its size " +
                             std::to_string(slots_[i].param->size()) + " (each element exactly once)");
  }
  std::fill(updated_.begin(), updated_.end(), 0);
  ++steps_;
}

template <class T>
std::size_t BasicSgd<T>::slot_of(const BasicMatrix<T>& param) const {
  for (std::size_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].param == &param) return i;
  throw std::invalid_argument("Sgd::slot_of: the " + shape_str(param) + " parameter is not one of this optimizer's " +
                              std::to_string(slots_.size()) + " slots (built over other matrices?)");
}

template <class T>
BasicAdam<T>::BasicAdam(std::vector<Slot> slots, AdamOptions options)
    : slots_(std::move(slots)), options_(options) {
  check_slots(slots_, "Adam");
  check_rate(options_.lr, "lr", "Adam");
  check_rate(options_.eps, "eps", "Adam");
  check_rate(options_.weight_decay, "weight_decay", "Adam");
  if (!(options_.beta1 >= 0.0 && options_.beta1 < 1.0 && options_.beta2 >= 0.0 &&
        options_.beta2 < 1.0))
    throw std::invalid_argument("Adam: betas (" + std::to_string(options_.beta1) + ", " +
                                std::to_string(options_.beta2) + ") must lie in [0, 1)");
  for (const Slot& s : slots_) {
    m_.emplace_back(s.param->rows(), s.param->cols());
    s_.emplace_back(s.param->rows(), s.param->cols());
  }
}

// The bias corrections are computed in double from the step count, as torch.optim.Adam computes them
// in Python floats; the per-element update then runs in T with each constant rounded to T once.
template <class T>
void BasicAdam<T>::step() {
  check_slots(slots_, "Adam::step");
  ++steps_;
  const AdamOptions& o = options_;
  const double t = static_cast<double>(steps_);
  const double bias1 = 1.0 - std::pow(o.beta1, t);
  const T bias2_sqrt = static_cast<T>(std::sqrt(1.0 - std::pow(o.beta2, t)));
  const T step_size = static_cast<T>(o.lr / bias1);
  const T b1 = static_cast<T>(o.beta1), b2 = static_cast<T>(o.beta2), eps = static_cast<T>(o.eps),
          wd = static_cast<T>(o.weight_decay);
  const T one_minus_b1 = static_cast<T>(1.0 - o.beta1), one_minus_b2 = static_cast<T>(1.0 - o.beta2);
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    T* w = slots_[i].param->data();
    const T* g = slots_[i].grad->data();
    T* m = m_[i].data();
    T* s = s_[i].data();
    for (std::size_t j = 0; j < slots_[i].param->size(); ++j) {
      const T d = g[j] + wd * w[j];
      m[j] = b1 * m[j] + one_minus_b1 * d;
      s[j] = b2 * s[j] + one_minus_b2 * d * d;
      w[j] -= step_size * m[j] / (std::sqrt(s[j]) / bias2_sqrt + eps);
    }
  }
}

template std::vector<BasicParamSlot<double>> make_slots(const std::vector<Matrix*>&, const std::vector<Matrix*>&);
template std::vector<BasicParamSlot<float>> make_slots(const std::vector<MatrixF*>&, const std::vector<MatrixF*>&);
template class BasicSgd<double>;
template class BasicSgd<float>;
template class BasicAdam<double>;
template class BasicAdam<float>;

}  // namespace rl
