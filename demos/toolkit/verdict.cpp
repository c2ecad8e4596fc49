#include "demos/toolkit/verdict.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace rl {

namespace {

bool both_finite(double a, double b) { return std::isfinite(a) && std::isfinite(b); }

}  // namespace

Comparison is_larger(double a, double b) {
  if (!both_finite(a, b)) return Comparison::kUndefined;
  return a > b ? Comparison::kYes : Comparison::kNo;
}

Comparison is_smaller(double a, double b) { return is_larger(b, a); }

const char* yes_no(Comparison c) {
  switch (c) {
    case Comparison::kYes: return "yes";
    case Comparison::kNo: return "NO";
    case Comparison::kUndefined: return "undefined";
  }
  return "undefined";
}

std::string paper_verdict(const std::vector<Comparison>& checks, const std::string& figure) {
  bool all_yes = true;
  for (Comparison c : checks) {
    if (c == Comparison::kUndefined) return "undefined (a compared group has no finite value, or most of its runs failed)";
    all_yes = all_yes && c == Comparison::kYes;
  }
  return all_yes ? "matches the paper (" + figure + ")" : "differs from the paper";
}

GroupHealth group_health(const std::vector<double>& diverged, const std::vector<double>& silent) {
  GroupHealth h;
  h.runs = diverged.size();
  for (std::size_t i = 0; i < diverged.size(); ++i)
    if (diverged[i] != 0 || (i < silent.size() && silent[i] != 0)) ++h.failed;
  return h;
}

Comparison unless_mostly_failed(Comparison c, const std::vector<GroupHealth>& groups) {
  for (const GroupHealth& g : groups)
    if (g.mostly_failed()) return Comparison::kUndefined;
  return c;
}

void LargestError::add(double error) {
  if (!std::isfinite(error)) {
    ++n_left_out;
    return;
  }
  ++n_finite;
  largest = std::max(largest, std::fabs(error));
}

double LargestError::value() const { return n_finite ? largest : std::numeric_limits<double>::quiet_NaN(); }

std::string LargestError::text() const {
  char buf[128];
  if (n_finite == 0) {
    std::snprintf(buf, sizeof buf, "undefined (no run has a finite value; %zu left out)", n_left_out);
  } else if (n_left_out) {
    std::snprintf(buf, sizeof buf, "%.3e (%zu run%s without a finite value left out)", largest, n_left_out,
                  n_left_out == 1 ? "" : "s");
  } else {
    std::snprintf(buf, sizeof buf, "%.3e", largest);
  }
  return buf;
}

}  // namespace rl
