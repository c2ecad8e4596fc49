#include "demos/toolkit/precision_flag.h"

namespace rl {

void add_precision_flag(Cli& cli) {
  cli.add_string("precision", "f64",
                 "what training computes in: f64, or f32 as the released PyTorch script; measures stay "
                 "float64 (docs/precision.md)",
                 {"f64", "f32"});
}

Precision precision_flag(const Cli& cli) {
  if (!cli.has(kPrecisionFlag)) return Precision::kF64;
  return parse_precision(cli.get_string(kPrecisionFlag));
}

std::vector<std::pair<std::string, std::string>> precision_columns(const Cli& cli) {
  const Precision p = precision_flag(cli);
  if (p == Precision::kF64) return {};
  return {{kPrecisionFlag, precision_name(p)}};
}

}  // namespace rl
