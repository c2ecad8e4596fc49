// The rank axis of a sweep (plumbing; a first reading can skip it): --ranks with its defaults and
// bounds, and the panel every rank sweep draws: a jittered dot per run and the mean ± sd line through
// the ranks (the Fig. 1 convention), e.g.
//
//   plot_by_rank(panel, "2AF", rank_series(table, groups, is_2af, "weight_change"), jitter);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/svg_plot.h"
#include "demos/toolkit/table_summary.h"
#include "linalg/rng.h"

namespace rl {

// The --ranks list as given, or `defaults` when it is empty (not given); throws
// CliError("--ranks: rank r outside [1, <max_name> = <max_rank>]") when some rank is outside
// [1, max_rank], e.g. ranks_flag(cli, N, "N", released_ranks(N)) for an N x N W_h (guarded_main turns
// the error into exit code 2).
std::vector<std::int64_t> ranks_flag(const Cli& cli, std::size_t max_rank, const std::string& max_name,
                                     const std::vector<std::size_t>& defaults = {});

// A measure a figure plots: its results.csv column and its panel title.
struct PlottedColumn {
  const char* column;
  const char* title;
};

// The runs of one rank: its rank and one value of the plotted column per run.
struct RankSamples {
  double rank = 0;
  std::vector<double> values;
};

// The `column` values of the groups `keep` accepts, one RankSamples per group, in the groups' order.
// Group is a program's result group (group_rows_by, demos/toolkit/table_summary.h) with `.rank` and
// `.rows`.
template <class Group, class Keep>
std::vector<RankSamples> rank_series(const ResultTable& table, const std::vector<Group>& groups, Keep keep,
                                     const char* column) {
  std::vector<RankSamples> series;
  for (const Group& g : groups)
    if (keep(g)) series.push_back({static_cast<double>(g.rank), values_of(table, g.rows, column)});
  return series;
}

// Draws `series` on `panel`: every value as a dot labelled `dots_label` (jittered by up to 5 px with
// draws from `jitter`, so the same Rng state draws the same figure), then the mean ± sd over each
// rank's values as a line labelled `line_label`.
void plot_by_rank(Panel& panel, const std::string& dots_label, const std::string& line_label,
                  const std::vector<RankSamples>& series, Rng& jitter);
// The same with one label for the dots and the line.
void plot_by_rank(Panel& panel, const std::string& label, const std::vector<RankSamples>& series, Rng& jitter);

}  // namespace rl
