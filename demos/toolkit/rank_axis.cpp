#include "demos/toolkit/rank_axis.h"

namespace rl {

std::vector<std::int64_t> ranks_flag(const Cli& cli, std::size_t max_rank, const std::string& max_name,
                                     const std::vector<std::size_t>& defaults) {
  std::vector<std::int64_t> ranks = cli.get_int_list("ranks");
  if (ranks.empty()) ranks.assign(defaults.begin(), defaults.end());
  for (std::int64_t r : ranks)
    if (r < 1 || static_cast<std::size_t>(r) > max_rank)
      throw CliError("--ranks: rank " + std::to_string(r) + " outside [1, " + max_name + " = " +
                     std::to_string(max_rank) + "]");
  return ranks;
}

void plot_by_rank(Panel& panel, const std::string& dots_label, const std::string& line_label,
                  const std::vector<RankSamples>& series, Rng& jitter) {
  std::vector<double> x, y, ranks;
  std::vector<std::vector<double>> samples;
  for (const RankSamples& s : series) {
    x.insert(x.end(), s.values.size(), s.rank);  // one dot per run at its rank
    y.insert(y.end(), s.values.begin(), s.values.end());
    ranks.push_back(s.rank);
    samples.push_back(s.values);
  }
  panel.scatter(dots_label, x, y, 5.0, jitter);
  panel.line_error(line_label, ranks, samples, ErrorBar::kSd, Values::kDrawnByAnotherSeries);  // the dots' runs
}

void plot_by_rank(Panel& panel, const std::string& label, const std::vector<RankSamples>& series, Rng& jitter) {
  plot_by_rank(panel, label, label, series, jitter);
}

}  // namespace rl
