#include "nn/rnn_sgd_trainer.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "nn/loss.h"

namespace rl {

namespace {

LossResult step_loss(const Matrix& logits, const SeqBatch& batch, Steps loss_steps) {
  return loss_steps == Steps::kLast ? cross_entropy_last_step(logits, batch) : cross_entropy_all_steps(logits, batch);
}

// Parameters, gradients, optimizer and the reused trace of one scalar type T.
template <class T>
struct TypedEngine {
  TypedEngine(const RnnParams& init, const RnnConfig& net_config, const SgdOptions& sgd_options, Steps steps)
      : net(net_config),
        loss_steps(steps),
        params(cast_params<T>(init)),
        grads(zero_params<T>(net_config)),
        sgd(make_slots(parameter_list(params), parameter_list(grads)), sgd_options) {
    if constexpr (!std::is_same_v<T, double>) measured = cast_params<double>(params);
  }

  double step(const SeqBatch& batch) {
    rnn_forward(params, net, batch, trace);
    // Checked before the loss, which rejects non-finite logits with an exception.
    if (!all_finite(trace.y)) return std::nan("");
    zero_grads(grads);
    double loss = 0;
    if constexpr (std::is_same_v<T, double>) {
      const LossResult l = step_loss(trace.y, batch, loss_steps);
      loss = l.loss;
      rnn_backward(params, net, batch, trace, l.dY, grads);
    } else {
      const LossResult l = step_loss(cast_matrix<double>(trace.y), batch, loss_steps);
      loss = l.loss;
      dY = cast_matrix<T>(l.dY);
      rnn_backward(params, net, batch, trace, dY, grads);
    }
    sgd.step();
    if constexpr (!std::is_same_v<T, double>) refresh_measured();
    return loss;
  }

  const RnnParams& weights() const {
    if constexpr (std::is_same_v<T, double>) return params;
    else return measured;
  }

  void refresh_measured() {
    auto copy = [](const BasicMatrix<T>& from, Matrix& to) {
      std::copy(from.values().begin(), from.values().end(), to.values().begin());
    };
    copy(params.W_in, measured.W_in);
    copy(params.W_h, measured.W_h);
    copy(params.W_out, measured.W_out);
  }

  RnnConfig net;
  Steps loss_steps;
  BasicRnnParams<T> params, grads;
  BasicSgd<T> sgd;
  BasicRnnTrace<T> trace;  // reused by every step: no fresh (T B x N) buffers to fault in (same bits)
  BasicMatrix<T> dY;       // float only: dL/dlogits rounded to float
  RnnParams measured;      // float only: the weights in double
};

}  // namespace

struct RnnSgdTrainer::Engine {
  std::unique_ptr<TypedEngine<double>> f64;
  std::unique_ptr<TypedEngine<float>> f32;
};

RnnSgdTrainer::RnnSgdTrainer(const RnnParams& init, const RnnConfig& net, const SgdOptions& sgd,
                             Steps loss_steps, Precision precision)
    : precision_(precision), engine_(std::make_unique<Engine>()) {
  check_shapes(init, net, "RnnSgdTrainer: initial parameters");
  if (precision == Precision::kF32)
    engine_->f32 = std::make_unique<TypedEngine<float>>(init, net, sgd, loss_steps);
  else
    engine_->f64 = std::make_unique<TypedEngine<double>>(init, net, sgd, loss_steps);
}

RnnSgdTrainer::~RnnSgdTrainer() = default;

double RnnSgdTrainer::step(const SeqBatch& batch) {
  return engine_->f32 ? engine_->f32->step(batch) : engine_->f64->step(batch);
}

const RnnParams& RnnSgdTrainer::weights() const {
  return engine_->f32 ? engine_->f32->weights() : engine_->f64->weights();
}

}  // namespace rl
