// The verdict lines of the figure programs (plumbing; a first reading can skip it): a claim of the
// paper checked on group means, and the largest error of a prediction over runs.
//
// A group whose every run diverged (or was silent on the probe) has no finite value: its mean is NaN,
// and a comparison with NaN is false.  Read as "NO", that would print "differs from the paper" for a
// sweep that measured nothing; a largest error taken with std::max skips NaN and would print 0.  Both
// are "undefined" here instead:
//
//   const Comparison dw = is_larger(mean_lo_dW, mean_hi_dW), ka = is_smaller(mean_lo_KA, mean_hi_KA);
//   std::printf("larger dW %s, lower KA %s -> %s\n", yes_no(dw), yes_no(ka),
//               paper_verdict({dw, ka}, "Fig. 1").c_str());
//   -> "larger dW yes, lower KA undefined -> undefined (a compared group has no finite value, or most of its runs failed)"
//
//   LargestError worst;
//   for (const Row& r : rows) r.diverged ? worst.leave_out() : worst.add(r.ka - r.ka_pred);
//   std::printf("largest |KA - prediction| over all runs: %s\n", worst.text().c_str());
//   -> "undefined (no run has a finite value; 6 left out)"
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace rl {

enum class Comparison { kYes, kNo, kUndefined };

// a > b (is_larger) or a < b (is_smaller); undefined when a or b is not finite.
Comparison is_larger(double a, double b);
Comparison is_smaller(double a, double b);

// "yes", "NO" or "undefined".
const char* yes_no(Comparison c);

// "undefined (a compared group has no finite value, or most of its runs failed)" when any check is
// undefined, else "matches the paper (<figure>)" when every check is yes, else "differs from the paper".
std::string paper_verdict(const std::vector<Comparison>& checks, const std::string& figure);

// How many of a group's runs failed (diverged, or silent on the probe).  A mean or median over a group
// most of whose runs failed describes the few that survived, not the group: at equal Frobenius norm,
// 7 of Fig. 2's 10 SONET-chain runs overflow and the median of the other 3 looked "richer"
// (docs/reproducing.md#at-the-papers-settings-record-docsrecordsfig2_frobenius).
struct GroupHealth {
  std::size_t runs = 0, failed = 0;
  // True when more than half the runs failed, or there are none.
  bool mostly_failed() const { return runs == 0 || 2 * failed > runs; }
};

// From a group's per-run 0/1 columns (a run failed when either is nonzero; `silent` may be empty).
GroupHealth group_health(const std::vector<double>& diverged, const std::vector<double>& silent);

// c, or undefined when any of the compared groups mostly failed.
Comparison unless_mostly_failed(Comparison c, const std::vector<GroupHealth>& groups);

// The largest |error| over the finite errors added, and how many runs were left out (a non-finite
// error, or leave_out() for a diverged run).
struct LargestError {
  double largest = 0;
  std::size_t n_finite = 0, n_left_out = 0;

  void add(double error);
  void leave_out() { ++n_left_out; }
  // The largest |error|, or NaN when no run had a finite error.
  double value() const;
  // "%.3e" of value(), then " (k runs without a finite value left out)" when k > 0; or
  // "undefined (no run has a finite value; k left out)".
  std::string text() const;
};

}  // namespace rl
