// The scalar type a network trains in (docs/precision.md).
//
//   f64  float64, the default: every committed record and every test's expected number.
//   f32  float32, as the released PyTorch script trains [REL]: weights, states, gradients and the
//        optimizer's buffers in float; GEMMs with float micro-kernels (twice the lanes per register).
//
// Only training changes.  What is measured (weight change, RA, KA, the tangent kernels, the cost of
// plasticity, the linearisation gap) is computed in float64 from the run's weights converted to double,
// by the same code for both precisions (docs/measures.md#precision).
#pragma once

#include <string>

namespace rl {

enum class Precision { kF64, kF32 };

// "f64" or "f32": the spelling of the --precision flag, results.csv and the manifest.
const char* precision_name(Precision precision);
// Parses "f64" / "f32" (also "float64" / "float32"); throws std::invalid_argument naming `text`.
Precision parse_precision(const std::string& text);

}  // namespace rl
