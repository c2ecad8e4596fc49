#include "nn/optim.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace rl {

std::vector<ParamSlot> make_slots(const std::vector<Matrix*>& params,
                                  const std::vector<Matrix*>& grads) {
  if (params.size() != grads.size())
    throw std::invalid_argument("make_slots: " + std::to_string(params.size()) + " parameters but " +
                                std::to_string(grads.size()) + " gradients");
  std::vector<ParamSlot> slots;
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (!params[i] || !grads[i])
      throw std::invalid_argument("make_slots: null pointer in slot " + std::to_string(i));
    require_same_shape(*params[i], *grads[i], "make_slots slot " + std::to_string(i));
    slots.push_back({params[i], grads[i]});
  }
  return slots;
}

namespace {

void check_slots(const std::vector<ParamSlot>& slots, const char* who) {
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

Sgd::Sgd(std::vector<ParamSlot> slots, SgdOptions options)
    : slots_(std::move(slots)), options_(options) {
  check_slots(slots_, "Sgd");
  check_rate(options_.lr, "lr", "Sgd");
  check_rate(options_.momentum, "momentum", "Sgd");
  check_rate(options_.weight_decay, "weight_decay", "Sgd");
  for (const ParamSlot& s : slots_) velocity_.emplace_back(s.param->rows(), s.param->cols());
  updated_.assign(slots_.size(), 0);
}

void Sgd::step() {
  check_slots(slots_, "Sgd::step");
  for (std::size_t i = 0; i < slots_.size(); ++i) update(i, 0, slots_[i].param->size());
  end_step();
}

void Sgd::update(std::size_t slot, std::size_t begin, std::size_t end) {
  if (slot >= slots_.size() || begin > end || end > slots_[slot].param->size() ||
      slots_[slot].grad->size() != slots_[slot].param->size())
    throw std::invalid_argument("Sgd::update: slot " + std::to_string(slot) + " elements [" +
                                std::to_string(begin) + ", " + std::to_string(end) + ") are not inside " +
                                std::to_string(slots_.size()) +
                                " slots with equal parameter and gradient sizes");
  const double lr = options_.lr, mu = options_.momentum, wd = options_.weight_decay;
  const bool first = steps_ == 0;
  double* w = slots_[slot].param->data();
  const double* g = slots_[slot].grad->data();
  double* v = velocity_[slot].data();
  for (std::size_t j = begin; j < end; ++j) {
    const double d = g[j] + wd * w[j];
    // torch: buf = clone(d) on the first step, else buf = mu buf + d (dampening 0).
    v[j] = (mu == 0.0 || first) ? d : mu * v[j] + d;
    w[j] -= lr * v[j];
  }
  updated_[slot] += end - begin;
}

void Sgd::end_step() {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (updated_[i] != slots_[i].param->size())
      throw std::logic_error("Sgd::end_step: slot " + std::to_string(i) + " had " +
                             std::to_string(updated_[i]) + " element updates this step, expected its size " +
                             std::to_string(slots_[i].param->size()) + " (each element exactly once)");
  }
  std::fill(updated_.begin(), updated_.end(), 0);
  ++steps_;
}

std::size_t Sgd::slot_of(const Matrix& param) const {
  for (std::size_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].param == &param) return i;
  throw std::invalid_argument("Sgd::slot_of: the " + shape_str(param) + " parameter is not one of this optimizer's " +
                              std::to_string(slots_.size()) + " slots (built over other matrices?)");
}

Adam::Adam(std::vector<ParamSlot> slots, AdamOptions options)
    : slots_(std::move(slots)), options_(options) {
  check_slots(slots_, "Adam");
  check_rate(options_.lr, "lr", "Adam");
  check_rate(options_.eps, "eps", "Adam");
  check_rate(options_.weight_decay, "weight_decay", "Adam");
  if (!(options_.beta1 >= 0.0 && options_.beta1 < 1.0 && options_.beta2 >= 0.0 &&
        options_.beta2 < 1.0))
    throw std::invalid_argument("Adam: betas (" + std::to_string(options_.beta1) + ", " +
                                std::to_string(options_.beta2) + ") must lie in [0, 1)");
  for (const ParamSlot& s : slots_) {
    m_.emplace_back(s.param->rows(), s.param->cols());
    s_.emplace_back(s.param->rows(), s.param->cols());
  }
}

void Adam::step() {
  check_slots(slots_, "Adam::step");
  ++steps_;
  const AdamOptions& o = options_;
  const double t = static_cast<double>(steps_);
  const double bias1 = 1.0 - std::pow(o.beta1, t);
  const double bias2_sqrt = std::sqrt(1.0 - std::pow(o.beta2, t));
  const double step_size = o.lr / bias1;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    double* w = slots_[i].param->data();
    const double* g = slots_[i].grad->data();
    double* m = m_[i].data();
    double* s = s_[i].data();
    for (std::size_t j = 0; j < slots_[i].param->size(); ++j) {
      const double d = g[j] + o.weight_decay * w[j];
      m[j] = o.beta1 * m[j] + (1.0 - o.beta1) * d;
      s[j] = o.beta2 * s[j] + (1.0 - o.beta2) * d * d;
      w[j] -= step_size * m[j] / (std::sqrt(s[j]) / bias2_sqrt + o.eps);
    }
  }
}

}  // namespace rl
