// Gradient checking by central finite differences (double precision).
//
// For each parameter entry w:  g_fd = (L(w + h) - L(w - h)) / (2 h),  h = h_rel * max(|w|, 1).
// The truncation error of the central difference is O(h^2 L''') and the rounding error
// O(eps |L| / h); h_rel = 1e-5 balances them near 1e-10 relative (Nocedal & Wright 2006, 8.1).
// An entry passes when |g - g_fd| <= abs_tol + rel_tol * max(|g|, |g_fd|).
//
// ReLU kinks: the finite difference is meaningless when some unit changes side of its kink between
// w - h and w + h.  The caller may pass a `pattern` hook returning the current on/off pattern of every
// kinked unit (e.g. pre-activation > 0); an entry is skipped when the patterns at w - h, w and w + h
// differ, and the skip is counted.
//
// Random-direction check: for one unit direction v over ALL parameters at once,
//   (L(w + h v) - L(w - h v)) / (2 h)  vs  sum_i <g_i, v_i>,
// which catches a gradient that is right entry by entry on a sample but wrong in aggregate.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "linalg/matrix.h"
#include "linalg/rng.h"

namespace rl {

struct GradcheckOptions {
  double h_rel = 1e-5;     // step relative to max(|w|, 1) (docs/README.md#conventions: h ~ 1e-5 * scale)
  double abs_tol = 1e-7;   // absorbs FD rounding error on entries with tiny gradients
  double rel_tol = 1e-5;   // FD truncation error is O(h^2) relative; 1e-5 leaves a wide margin
  std::size_t max_entries_per_param = 0;  // 0: every entry; else a seeded random sample
  // Names of the parameters, in the order of `params` ("W_in", "W_h", ...), used in the failure
  // messages: "dW_in[5,0]: ...".  Empty: "param0", "param1", ...
  std::vector<std::string> names;
};

struct GradcheckReport {
  std::size_t checked = 0;
  std::size_t skipped_kink = 0;
  std::size_t failed = 0;
  double max_abs_err = 0.0;  // over checked entries
  double worst_ratio = 0.0;  // max |g - g_fd| / (abs_tol + rel_tol max(|g|, |g_fd|)); < 1 passes
  // The entry with the largest ratio, e.g.
  //   "dW_in[5,0]: analytic 0.1234 vs numeric 0.1301 (abs err 6.7e-03 > tol 1e-07 + 1e-05*|g|)"
  // (row, column of the parameter matrix; "<=" when it passed).
  std::string worst;
  std::vector<std::string> failures;  // the same line for the first kMaxListedFailures failed entries
  static constexpr std::size_t kMaxListedFailures = 5;
  bool passed() const { return failed == 0 && checked > 0; }
  // "3 of 78 entries failed (2 skipped on a kink); worst dW_h[1,2]: ..." and the listed failures,
  // one per line: the message for EXPECT_TRUE(report.passed()) << report.summary().
  std::string summary() const;
};

using LossFn = std::function<double()>;                      // loss at the current parameters
using PatternFn = std::function<std::vector<unsigned char>()>;  // on/off state of every kink

// Checks grads[i] against finite differences of `loss` w.r.t. *params[i] (params are perturbed in
// place and restored exactly).  `pattern` may be empty (smooth model).  `rng` picks the sampled
// entries when max_entries_per_param > 0.
GradcheckReport check_gradient(const LossFn& loss, const std::vector<Matrix*>& params,
                               const std::vector<Matrix>& grads, const GradcheckOptions& options,
                               const PatternFn& pattern, Rng& rng);

struct DirectionalReport {
  double analytic = 0.0;  // sum_i <g_i, v_i>
  double numeric = 0.0;   // central difference along v
  bool kink_crossed = false;
  bool passed = false;
};

// One random unit direction v over all parameters (iid normal, normalised).  h = h_rel * max(1, max|w|).
DirectionalReport check_gradient_direction(const LossFn& loss, const std::vector<Matrix*>& params,
                                           const std::vector<Matrix>& grads,
                                           const GradcheckOptions& options,
                                           const PatternFn& pattern, Rng& rng);

}  // namespace rl
