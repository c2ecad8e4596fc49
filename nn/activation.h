#pragma once
// The CT-RNN's nonlinearity phi and its derivative, one copy for the reference BPTT (nn/rnn.cpp), the
// forward-mode JVP (nn/rnn_jvp.cpp) and whatever else needs them (docs/bptt.md#1-the-model).
//
//   relu:  phi(u) = max(u, 0)   phi'(u) = [u > 0]
//   tanh:  phi(u) = tanh(u)     phi'(u) = 1 - tanh(u)^2 = 1 - h^2, from the stored output h = phi(u)
//
// phi_prime takes both the pre-activation u and the output h so that each activation uses the value
// that gives its derivative exactly: relu's from the sign of u, tanh's from h (no second tanh).

#include "nn/relu.h"

#include <cmath>

namespace rl {

enum class Activation { kRelu, kTanh };

inline double phi(Activation activation, double u) {
  return activation == Activation::kRelu ? relu(u) : std::tanh(u);
}

inline double phi_prime(Activation activation, double u, double h) {
  return activation == Activation::kRelu ? (u > 0.0 ? 1.0 : 0.0) : 1.0 - h * h;
}

}  // namespace rl
