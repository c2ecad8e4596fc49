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
// either value is not finite, or either run failed (--failed, by default diverged=1 or silent=1: a
// diverged run's huge but finite weight change is no "larger dW"), is counted as undefined, never as
// a win.
//
// --sign-test adds to each metric's cell the exact two-sided sign-test p-value of its wins against its
// losses, ties left out (demos/toolkit/paired_count.h): with 8 pairs only 8 / 8 reaches p < 0.05,
// with 10 pairs 9 / 10.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "demos/toolkit/cli.h"
#include "demos/toolkit/csv.h"
#include "demos/toolkit/runner.h"
#include "demos/toolkit/paired_count.h"

namespace rl {
namespace {

struct Selector {
  std::string column, value;  // value "*" (every value) or a text with {COL} placeholders
};

struct Metric {
  std::string column;
  bool lower = true;  // true: the compared side wins when its value is strictly below the other's
};

// `text` without leading and trailing blanks ("a, b" lists arrive as "a" and " b").
std::string trimmed(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t"), last = text.find_last_not_of(" \t");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

Selector parse_selector(const std::string& flag, const std::string& raw) {
  const std::string text = trimmed(raw);
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw CliError("--" + flag + ": '" + text + "' is not COLUMN=VALUE");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Metric parse_metric(const std::string& raw) {
  const std::string text = trimmed(raw);
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
  std::vector<std::size_t> unpaired;                        // compared rows with no partner
};

struct Spec {
  std::vector<std::string> within;
  Selector compare, against;
  std::string pair;
  std::vector<std::string> measured;  // the metrics' columns: never a setting that separates runs
  std::vector<Selector> failed;       // a row matching one of these is a failed run
  bool sign_test = false;             // add each count's sign-test p-value
};

bool is_failed(const ResultTable& t, std::size_t row, const std::vector<Selector>& failed) {
  for (const Selector& f : failed)
    if (t.has_column(f.column) && t.cell(row, f.column) == f.value) return true;
  return false;
}

// How many different values column `h` takes: a setting takes few, a measurement about one per row.
std::size_t distinct_values(const ResultTable& t, const std::string& h) {
  std::vector<std::string> seen;
  for (std::size_t r = 0; r < t.rows.size(); ++r) seen.push_back(t.cell(r, h));
  std::sort(seen.begin(), seen.end());
  return static_cast<std::size_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
}

// The partner of compared row `a`: the against row of its group with the same pair value.  Two
// candidates mean --within misses a column that separates the runs (a usage error, say which).
std::size_t partner_of(const ResultTable& t, std::size_t a, const std::vector<std::size_t>& group_rows,
                       const Spec& spec, std::string& against_value) {
  against_value = substitute(spec.against.value, t, a, "against");
  std::size_t found = t.rows.size();
  for (std::size_t b : group_rows) {
    if (b == a || t.cell(b, spec.against.column) != against_value || t.cell(b, spec.pair) != t.cell(a, spec.pair))
      continue;
    if (found != t.rows.size()) {
      std::string differ;  // settings where one candidate agrees with row a and the other does not
      for (const std::string& h : t.header) {
        const bool measured = std::find(spec.measured.begin(), spec.measured.end(), h) != spec.measured.end();
        if (!measured && 2 * distinct_values(t, h) <= t.rows.size() &&
            (t.cell(found, h) == t.cell(a, h)) != (t.cell(b, h) == t.cell(a, h)))
          differ += (differ.empty() ? "" : ", ") + h;
      }
      if (differ.empty()) differ = "no column: the file holds the same run twice";
      throw CliError("--within: lines " + std::to_string(t.line_numbers[found]) + " and " +
                     std::to_string(t.line_numbers[b]) + " of " + t.source + " are both the partner of line " +
                     std::to_string(t.line_numbers[a]) + " (" + spec.pair + " " + t.cell(a, spec.pair) +
                     "): add the column that separates them to --within (candidates: " + differ + ")");
    }
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
        out.push_back({key, spec.compare.column + "=" + value, "", {}, {}});
      }
      Comparison& c = out[line_of[value]];
      std::string against_value;
      const std::size_t b = partner_of(t, a, groups[key], spec, against_value);
      const std::string against = spec.against.column + "=" + against_value;
      c.against = c.against.empty() || c.against == against ? against : "(several)";
      if (b != t.rows.size()) c.pairs.push_back({a, b});
      else c.unpaired.push_back(a);
    }
  }
  return out;
}

// The count cells of one comparison: one per metric (demos/toolkit/paired_count.h), then "all" (every
// metric wins) when there are several.  "all" gets no sign test: a pair where not every metric wins
// is not a pair the other side wins.  Reads every value first, so a non-numeric cell stops the
// program before anything is printed.
std::vector<std::string> count_cells(const ResultTable& t, const Comparison& c, const std::vector<Metric>& metrics,
                                     const Spec& spec) {
  std::vector<std::string> cells;
  std::vector<bool> all(c.pairs.size(), true), defined(c.pairs.size(), true);
  for (const Metric& m : metrics) {
    PairedCount count;
    for (std::size_t p = 0; p < c.pairs.size(); ++p) {
      const auto [a, b] = c.pairs[p];
      const double x = t.number(a, m.column), y = t.number(b, m.column);
      const bool failed = is_failed(t, a, spec.failed) || is_failed(t, b, spec.failed);
      const std::size_t wins_before = count.wins, undefined_before = count.undefined;
      count_pair(count, x, y, m.lower, failed);
      defined[p] = defined[p] && count.undefined == undefined_before;
      all[p] = all[p] && count.wins > wins_before;
    }
    cells.push_back(paired_count_text(count, spec.sign_test));
  }
  if (metrics.size() > 1) {
    PairedCount every;  // wins: every metric won; the rest of the defined pairs are not wins
    every.wins = static_cast<std::size_t>(std::count(all.begin(), all.end(), true));
    every.ties = static_cast<std::size_t>(std::count(defined.begin(), defined.end(), true)) - every.wins;
    every.undefined = c.pairs.size() - every.wins - every.ties;
    cells.push_back(paired_count_text(every, false));
  }
  return cells;
}

void print_line(std::string line) {
  line.erase(line.find_last_not_of(' ') + 1);  // no trailing blanks: the output diffs cleanly
  std::printf("%s\n", line.c_str());
}

std::string padded(const std::string& text, std::size_t width) {
  return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
}

void print_report(const ResultTable& t, const std::vector<Comparison>& comparisons, const std::vector<Metric>& metrics,
                  const Spec& spec) {
  std::vector<std::vector<std::string>> rows = {{"within", "compare", "against", "pairs"}};
  for (const Metric& m : metrics) rows[0].push_back(m.column + (m.lower ? " lower" : " higher"));
  if (metrics.size() > 1) rows[0].push_back("all");
  for (const Comparison& c : comparisons) {
    rows.push_back({c.group, c.compared, c.pairs.empty() ? "(no partner)" : c.against, std::to_string(c.pairs.size())});
    for (const std::string& cell : count_cells(t, c, metrics, spec)) rows.back().push_back(cell);
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) line += padded(row[i], width[i]) + "  ";
    print_line(line);
  }
  for (const Comparison& c : comparisons)  // a dropped seed is said, not silently left out of n
    for (std::size_t a : c.unpaired)
      std::fprintf(stderr, "paired_seeds: note: %s %s: line %zu of %s (%s %s) has no partner and is not counted\n",
                   c.group.c_str(), c.compared.c_str(), t.line_numbers[a], t.source.c_str(), spec.pair.c_str(),
                   t.cell(a, spec.pair).c_str());
}

int run(int argc, char** argv) {
  Cli cli("paired_seeds", "Paired-seed counts from a results.csv: in how many seeds one setting beats another.");
  cli.add_string("results", "", "the results.csv to read (e.g. docs/records/fig1/results.csv)");
  cli.add_string_list("within", {}, "columns whose values form the groups compared separately (e.g. task,gain)");
  cli.add_string("compare", "", "COLUMN=VALUE of the compared side; VALUE * takes every value in turn");
  cli.add_string("against", "", "COLUMN=VALUE of the other side; {COL} is the compared row's COL");
  cli.add_string("pair", "seed", "the column whose equal values make a pair");
  cli.add_string_list("failed", {"diverged=1", "silent=1"},
                      "COLUMN=VALUE marking a failed run, whose pairs count as undefined (absent columns ignored)");
  cli.add_string_list("metrics", {"kernel_alignment:lower", "weight_change:higher"},
                      "COLUMN:lower or COLUMN:higher, the direction in which the compared side wins");
  cli.add_flag("sign-test", "add each metric's exact two-sided sign-test p-value, wins against losses (demos/toolkit/paired_count.h)");
  if (!cli.parse_or_exit(argc, argv)) return 0;
  for (const char* required : {"results", "compare", "against"})
    if (cli.get_string(required).empty()) throw CliError(std::string("--") + required + ": required");

  Spec spec{cli.get_string_list("within"), parse_selector("compare", cli.get_string("compare")),
            parse_selector("against", cli.get_string("against")), cli.get_string("pair"), {}, {}};
  spec.sign_test = cli.get_flag("sign-test");
  std::vector<Metric> metrics;
  for (const std::string& f : cli.get_string_list("failed")) spec.failed.push_back(parse_selector("failed", f));
  for (const std::string& m : cli.get_string_list("metrics")) {
    metrics.push_back(parse_metric(m));
    spec.measured.push_back(metrics.back().column);
  }

  const ResultTable table = read_result_csv(cli.get_string("results"));
  for (const std::string& c : spec.within) require_column(table, "within", c);
  require_column(table, "compare", spec.compare.column);
  require_column(table, "against", spec.against.column);
  require_column(table, "pair", spec.pair);
  for (const Metric& m : metrics) require_column(table, "metrics", m.column);

  const std::vector<Comparison> comparisons = pair_rows(table, spec);
  if (comparisons.empty()) throw CliError("--compare: no row of " + table.source + " has " + cli.get_string("compare"));
  const bool any_pair = std::any_of(comparisons.begin(), comparisons.end(),
                                    [](const Comparison& c) { return !c.pairs.empty(); });
  if (!any_pair)
    throw CliError("--against: no compared row of " + table.source + " has a partner with " +
                   cli.get_string("against") + " and the same " + spec.pair);
  print_report(table, comparisons, metrics, spec);
  return 0;
}

}  // namespace
}  // namespace rl

int main(int argc, char** argv) { return rl::guarded_main("paired_seeds", [&] { return rl::run(argc, argv); }); }
