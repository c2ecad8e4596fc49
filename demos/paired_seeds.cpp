// paired_seeds: the paired-seed counts docs/reproducing.md quotes, from any results.csv.
//
// Every figure program draws one start per seed and shares it across the settings it compares (the
// Fig. 1 ranks truncate one Gaussian; a Fig. 2 structure and its Gaussian share the seed's batches),
// so "rank 1 is richer than rank 300" can be counted seed by seed: in how many of the 10 seeds is
// rank 1's KA lower than rank 300's, its weight change larger, both?  A median can hide a split
// verdict; a paired count cannot (docs/reproducing.md#summary).
//
//   paired_seeds --results docs/records/fig1/results.csv --within task --compare rank=1 --against rank=300
//   paired_seeds --results docs/records/fig2_dms_cxt_spectral/results.csv --within task
//                --compare 'entry=*' --against 'entry=gaussian_N{N}'      (one command; the metrics
//                default to kernel_alignment:lower,weight_change:higher, Fig. 1's "richer")
//
// --compare COL=VALUE picks the rows of one side; VALUE "*" takes every value of COL in turn (except
// the rows --against picks).  --against COL=VALUE picks, for each of those rows, the row of the same
// --pair value (the seed) inside the same --within group; "{COL}" in VALUE is replaced by that row's
// COL, so each Fig. 2 structure meets the Gaussian of its own N.  A metric "COL:lower" counts the
// pairs whose compared value is strictly below the other's ("higher": strictly above); a pair where
// either value is not finite (a diverged or silent run) is counted as undefined, never as a win.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/runner.h"

namespace rl {
namespace {

struct Selector {
  std::string column, value;  // value "*" (every value) or a text with {COL} placeholders
};

struct Metric {
  std::string column;
  bool lower = true;  // true: the compared side wins when its value is strictly below the other's
};

Selector parse_selector(const std::string& flag, const std::string& text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw CliError("--" + flag + ": '" + text + "' is not COLUMN=VALUE");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Metric parse_metric(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  const std::string direction = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (colon == 0 || (direction != "lower" && direction != "higher"))
    throw CliError("--metrics: '" + text + "' is not COLUMN:lower or COLUMN:higher");
  return {text.substr(0, colon), direction == "lower"};
}

// Every column a flag names must be in the table: a usage error naming the flag and the columns.
void require_column(const ResultTable& table, const std::string& flag, const std::string& column) {
  if (table.has_column(column)) return;
  std::string known;
  for (const std::string& h : table.header) known += (known.empty() ? "" : ", ") + h;
  throw CliError("--" + flag + ": no column '" + column + "' in " + table.source + " (columns: " + known + ")");
}

// `pattern` with each {COL} replaced by row's cell in COL.
std::string substitute(const std::string& pattern, const ResultTable& table, std::size_t row, const std::string& flag) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const std::size_t close = pattern[i] == '{' ? pattern.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out += pattern[i];
      continue;
    }
    const std::string column = pattern.substr(i + 1, close - i - 1);
    require_column(table, flag, column);
    out += table.cell(row, column);
    i = close;
  }
  return out;
}

bool is_against_row(const ResultTable& t, std::size_t row, const Selector& against) {
  return t.cell(row, against.column) == substitute(against.value, t, row, "against");
}

std::string group_key(const ResultTable& t, std::size_t row, const std::vector<std::string>& within) {
  if (within.empty()) return "(all rows)";
  std::string key;
  for (const std::string& c : within) key += (key.empty() ? "" : " ") + c + "=" + t.cell(row, c);
  return key;
}

// One line of the report: a compared value against its partners inside one group.
struct Comparison {
  std::string group, compared, against;
  std::vector<std::pair<std::size_t, std::size_t>> pairs;  // (compared row, against row)
};

struct Spec {
  std::vector<std::string> within;
  Selector compare, against;
  std::string pair;
};

// The partner of compared row `a`: the against row of its group with the same pair value.  Two
// candidates mean --within misses a column that separates the runs (a usage error, say which).
std::size_t partner_of(const ResultTable& t, std::size_t a, const std::vector<std::size_t>& group_rows,
                       const Spec& spec, std::string& against_value) {
  against_value = substitute(spec.against.value, t, a, "against");
  std::size_t found = t.rows.size();
  for (std::size_t b : group_rows) {
    if (b == a || t.cell(b, spec.against.column) != against_value || t.cell(b, spec.pair) != t.cell(a, spec.pair))
      continue;
    if (found != t.rows.size())
      throw CliError("--within: lines " + std::to_string(t.line_numbers[found]) + " and " +
                     std::to_string(t.line_numbers[b]) + " of " + t.source + " are both the partner of line " +
                     std::to_string(t.line_numbers[a]) + " (" + spec.pair + " " + t.cell(a, spec.pair) +
                     "): add the column that separates them to --within");
    found = b;
  }
  return found;
}

std::vector<Comparison> pair_rows(const ResultTable& t, const Spec& spec) {
  std::vector<std::string> group_order;
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string key = group_key(t, r, spec.within);
    if (!groups.count(key)) group_order.push_back(key);
    groups[key].push_back(r);
  }
  std::vector<Comparison> out;
  for (const std::string& key : group_order) {
    std::map<std::string, std::size_t> line_of;  // compared value -> its Comparison in `out`
    for (std::size_t a : groups[key]) {
      const std::string value = t.cell(a, spec.compare.column);
      const bool picked = spec.compare.value == "*" ? !is_against_row(t, a, spec.against)
                                                    : value == substitute(spec.compare.value, t, a, "compare");
      if (!picked) continue;
      if (!line_of.count(value)) {
        line_of[value] = out.size();
        out.push_back({key, spec.compare.column + "=" + value, "", {}});
      }
      Comparison& c = out[line_of[value]];
      std::string against_value;
      const std::size_t b = partner_of(t, a, groups[key], spec, against_value);
      const std::string against = spec.against.column + "=" + against_value;
      c.against = c.against.empty() || c.against == against ? against : "(several)";
      if (b != t.rows.size()) c.pairs.push_back({a, b});
    }
  }
  return out;
}

// "k/n": k pairs where the metric holds, out of n with both values finite; "(+u undefined)" after.
std::string count_text(std::size_t wins, std::size_t defined, std::size_t undefined) {
  std::string s = std::to_string(wins) + "/" + std::to_string(defined);
  if (undefined) s += " (+" + std::to_string(undefined) + " undefined)";
  return s;
}

void print_report(const ResultTable& t, const std::vector<Comparison>& comparisons, const std::vector<Metric>& metrics) {
  int wg = 6, wc = 7, wa = 12;  // the widths of "within", "compare" and "(no partner)"
  for (const Comparison& c : comparisons) {
    wg = std::max(wg, static_cast<int>(c.group.size()));
    wc = std::max(wc, static_cast<int>(c.compared.size()));
    wa = std::max(wa, static_cast<int>(c.against.size()));
  }
  std::printf("%-*s  %-*s  %-*s  %5s", wg, "within", wc, "compare", wa, "against", "pairs");
  for (const Metric& m : metrics) std::printf("  %-26s", (m.column + (m.lower ? " lower" : " higher")).c_str());
  std::printf("%s\n", metrics.size() > 1 ? "  all" : "");
  for (const Comparison& c : comparisons) {
    std::printf("%-*s  %-*s  %-*s  %5zu", wg, c.group.c_str(), wc, c.compared.c_str(), wa,
                c.pairs.empty() ? "(no partner)" : c.against.c_str(), c.pairs.size());
    std::vector<bool> all(c.pairs.size(), true), defined(c.pairs.size(), true);
    for (const Metric& m : metrics) {
      std::size_t wins = 0, finite = 0;
      for (std::size_t p = 0; p < c.pairs.size(); ++p) {
        const double x = t.number(c.pairs[p].first, m.column), y = t.number(c.pairs[p].second, m.column);
        const bool ok = std::isfinite(x) && std::isfinite(y), win = ok && (m.lower ? x < y : x > y);
        finite += ok;
        wins += win;
        defined[p] = defined[p] && ok;
        all[p] = all[p] && win;
      }
      std::printf("  %-26s", count_text(wins, finite, c.pairs.size() - finite).c_str());
    }
    std::size_t all_wins = 0, all_defined = 0;
    for (std::size_t p = 0; p < c.pairs.size(); ++p) {
      all_wins += all[p];
      all_defined += defined[p];
    }
    if (metrics.size() > 1) std::printf("  %s", count_text(all_wins, all_defined, c.pairs.size() - all_defined).c_str());
    std::printf("\n");
  }
}

int run(int argc, char** argv) {
  Cli cli("paired_seeds", "Paired-seed counts from a results.csv: in how many seeds one setting beats another.");
  cli.add_string("results", "", "the results.csv to read (e.g. docs/records/fig1/results.csv)");
  cli.add_string_list("within", {}, "columns whose values form the groups compared separately (e.g. task,gain)");
  cli.add_string("compare", "", "COLUMN=VALUE of the compared side; VALUE * takes every value in turn");
  cli.add_string("against", "", "COLUMN=VALUE of the other side; {COL} is the compared row's COL");
  cli.add_string("pair", "seed", "the column whose equal values make a pair");
  cli.add_string_list("metrics", {"kernel_alignment:lower", "weight_change:higher"},
                      "COLUMN:lower or COLUMN:higher, the direction in which the compared side wins");
  if (!cli.parse_or_exit(argc, argv)) return 0;
  for (const char* required : {"results", "compare", "against"})
    if (cli.get_string(required).empty()) throw CliError(std::string("--") + required + ": required");

  Spec spec{cli.get_string_list("within"), parse_selector("compare", cli.get_string("compare")),
            parse_selector("against", cli.get_string("against")), cli.get_string("pair")};
  std::vector<Metric> metrics;
  for (const std::string& m : cli.get_string_list("metrics")) metrics.push_back(parse_metric(m));

  const ResultTable table = read_result_csv(cli.get_string("results"));
  for (const std::string& c : spec.within) require_column(table, "within", c);
  require_column(table, "compare", spec.compare.column);
  require_column(table, "against", spec.against.column);
  require_column(table, "pair", spec.pair);
  for (const Metric& m : metrics) require_column(table, "metrics", m.column);

  const std::vector<Comparison> comparisons = pair_rows(table, spec);
  if (comparisons.empty()) throw CliError("--compare: no row of " + table.source + " has " + cli.get_string("compare"));
  print_report(table, comparisons, metrics);
  return 0;
}

}  // namespace
}  // namespace rl

int main(int argc, char** argv) { return rl::guarded_main("paired_seeds", [&] { return rl::run(argc, argv); }); }
