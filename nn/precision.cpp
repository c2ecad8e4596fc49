#include "nn/precision.h"

#include <stdexcept>

namespace rl {

const char* precision_name(Precision precision) {
  return precision == Precision::kF32 ? "f32" : "f64";
}

Precision parse_precision(const std::string& text) {
  if (text == "f64" || text == "float64") return Precision::kF64;
  if (text == "f32" || text == "float32") return Precision::kF32;
  throw std::invalid_argument("precision '" + text + "': expected f64 or f32");
}

}  // namespace rl
