#include "demos/toolkit/gain_flag.h"

#include <string>

#include "demos/toolkit/csv.h"

namespace rl {

namespace {

void check_positive(double gain, const char* flag) {
  if (!(gain > 0.0))
    throw CliError(std::string(flag) + ": gain must be > 0, got " + format_number_short(gain));
}

}  // namespace

double gain_flag(const Cli& cli) {
  const double gain = cli.get_double("gain");
  check_positive(gain, "--gain");
  return gain;
}

std::vector<double> gains_flag(const Cli& cli) {
  const std::vector<double>& gains = cli.get_double_list("gains");
  if (gains.empty() || cli.was_given("gain")) return {gain_flag(cli)};
  for (double g : gains) check_positive(g, "--gains");
  return gains;
}

}  // namespace rl
