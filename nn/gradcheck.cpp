#include "nn/gradcheck.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace rl {

namespace {

void check_inputs(const std::vector<Matrix*>& params, const std::vector<Matrix>& grads,
                  const GradcheckOptions& o, const char* who) {
  if (params.size() != grads.size())
    throw std::invalid_argument(std::string(who) + ": " + std::to_string(params.size()) +
                                " parameters but " + std::to_string(grads.size()) + " gradients");
  if (!o.names.empty() && o.names.size() != params.size())
    throw std::invalid_argument(std::string(who) + ": " + std::to_string(o.names.size()) +
                                " parameter names for " + std::to_string(params.size()) + " parameters");
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (!params[i]) throw std::invalid_argument(std::string(who) + ": null parameter " + std::to_string(i));
    require_same_shape(*params[i], grads[i], std::string(who) + " parameter " + std::to_string(i));
    require_finite(grads[i], std::string(who) + " gradient " + std::to_string(i));
  }
  if (!(o.h_rel > 0.0) || !(o.abs_tol >= 0.0) || !(o.rel_tol >= 0.0))
    throw std::invalid_argument(std::string(who) + ": h_rel must be > 0 and tolerances >= 0");
}

double evaluate(const LossFn& loss, const char* who) {
  const double v = loss();
  if (!std::isfinite(v)) throw std::runtime_error(std::string(who) + ": loss is not finite");
  return v;
}

// Entries to check in a parameter of `size` entries: all, or a seeded sample without replacement.
std::vector<std::size_t> entries_to_check(std::size_t size, std::size_t max_entries, Rng& rng) {
  std::vector<std::size_t> idx(size);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  if (max_entries == 0 || max_entries >= size) return idx;
  rng.shuffle(idx);
  idx.resize(max_entries);
  std::sort(idx.begin(), idx.end());
  return idx;
}

std::string parameter_name(const GradcheckOptions& o, std::size_t p) {
  return p < o.names.size() ? o.names[p] : "param" + std::to_string(p);
}

// "dW_in[5,0]: analytic 0.1234 vs numeric 0.1301 (abs err 6.7e-03 > tol 1e-07 + 1e-05*|g|)"
std::string entry_message(const std::string& name, std::size_t row, std::size_t col, double g,
                          double g_fd, double err, double ratio, const GradcheckOptions& o) {
  std::ostringstream s;
  s << "d" << name << "[" << row << "," << col << "]: analytic " << std::setprecision(10) << g
    << " vs numeric " << g_fd << " (abs err " << std::scientific << std::setprecision(2) << err
    << (ratio <= 1.0 ? " <= " : " > ") << "tol " << std::setprecision(0) << o.abs_tol << " + "
    << o.rel_tol << "*|g|)";
  return s.str();
}

}  // namespace

std::string GradcheckReport::summary() const {
  std::ostringstream s;
  s << failed << " of " << checked << " entries failed (" << skipped_kink << " skipped on a kink)";
  if (!worst.empty()) s << "; worst " << worst;
  for (const std::string& f : failures) s << "\n  " << f;
  return s.str();
}

GradcheckReport check_gradient(const LossFn& loss, const std::vector<Matrix*>& params,
                               const std::vector<Matrix>& grads, const GradcheckOptions& o,
                               const PatternFn& pattern, Rng& rng) {
  check_inputs(params, grads, o, "check_gradient");
  // BEGIN ASSIGNMENT A2: check_gradient (docs/bptt.md#5-numeric-check)
  // For each parameter p and each entry e of entries_to_check(W.size(), o.max_entries_per_param, rng):
  //   - w0 = the entry, h = o.h_rel * max(|w0|, 1); evaluate(loss, ...) at w0 + h and at w0 - h and
  //     put the entry back to w0 exactly (bit for bit) afterwards;
  //   - with a `pattern` hook: if the on/off pattern at w0 + h or w0 - h differs from the one at w0, the
  //     step crossed a ReLU kink: ++rep.skipped_kink and go to the next entry;
  //   - central difference g_fd = (L+ - L-) / (w_plus - w_minus) (the step actually taken);
  //   - EVERY entry on its own: ratio = |g - g_fd| / (o.abs_tol + o.rel_tol max(|g|, |g_fd|)), failed
  //     when !(ratio <= 1); count rep.checked, rep.failed, rep.max_abs_err, rep.worst_ratio;
  //   - messages: entry_message(parameter_name(o, p), row, col, ...) with row = e / cols, col = e % cols
  //     (row-major), kept in rep.worst (largest ratio) and rep.failures (first kMaxListedFailures).
  GradcheckReport rep;
  for (std::size_t p = 0; p < params.size(); ++p) {
    Matrix& W = *params[p];
    for (std::size_t e : entries_to_check(W.size(), o.max_entries_per_param, rng)) {
      double& w = W.values()[e];
      const double w0 = w;
      const double h = o.h_rel * std::max(std::fabs(w0), 1.0);
      std::vector<unsigned char> pat0, pat_plus, pat_minus;
      if (pattern) pat0 = pattern();
      w = w0 + h;
      const double w_plus = w;
      const double l_plus = evaluate(loss, "check_gradient");
      if (pattern) pat_plus = pattern();
      w = w0 - h;
      const double w_minus = w;
      const double l_minus = evaluate(loss, "check_gradient");
      if (pattern) pat_minus = pattern();
      w = w0;  // exact restore
      if (pattern && (pat_plus != pat0 || pat_minus != pat0)) {
        ++rep.skipped_kink;
        continue;
      }
      // Divide by the step actually taken (w0 + h and w0 - h are rounded).
      const double g_fd = (l_plus - l_minus) / (w_plus - w_minus);
      const double g = grads[p].values()[e];
      const double err = std::fabs(g - g_fd);
      const double ratio = err / (o.abs_tol + o.rel_tol * std::max(std::fabs(g), std::fabs(g_fd)));
      ++rep.checked;
      if (!(ratio <= 1.0)) ++rep.failed;
      rep.max_abs_err = std::max(rep.max_abs_err, err);
      const bool worst_so_far = !(ratio <= rep.worst_ratio);
      if (worst_so_far) rep.worst_ratio = ratio;
      const bool listed = !(ratio <= 1.0) && rep.failures.size() < GradcheckReport::kMaxListedFailures;
      if (worst_so_far || listed) {
        const std::string line =
            entry_message(parameter_name(o, p), e / W.cols(), e % W.cols(), g, g_fd, err, ratio, o);
        if (worst_so_far) rep.worst = line;
        if (listed) rep.failures.push_back(line);
      }
    }
  }
  return rep;
  // END ASSIGNMENT A2
}

DirectionalReport check_gradient_direction(const LossFn& loss, const std::vector<Matrix*>& params,
                                           const std::vector<Matrix>& grads,
                                           const GradcheckOptions& o, const PatternFn& pattern,
                                           Rng& rng) {
  check_inputs(params, grads, o, "check_gradient_direction");
  std::vector<Matrix> v;
  double norm2 = 0.0, scale = 1.0;
  for (const Matrix* W : params) {
    v.emplace_back(W->rows(), W->cols());
    for (double& x : v.back().values()) {
      x = rng.normal();
      norm2 += x * x;
    }
    scale = std::max(scale, max_abs(*W));
  }
  if (!(norm2 > 0.0)) throw std::invalid_argument("check_gradient_direction: no parameters");
  const double inv_norm = 1.0 / std::sqrt(norm2);
  DirectionalReport rep;
  for (std::size_t p = 0; p < params.size(); ++p) {
    v[p] *= inv_norm;
    const auto& g = grads[p].values();
    const auto& d = v[p].values();
    for (std::size_t e = 0; e < g.size(); ++e) rep.analytic += g[e] * d[e];
  }
  const double h = o.h_rel * scale;
  std::vector<Matrix> saved;
  for (const Matrix* W : params) saved.push_back(*W);
  auto move_to = [&](double step) {
    for (std::size_t p = 0; p < params.size(); ++p) {
      *params[p] = saved[p];
      if (step != 0.0) *params[p] += step * v[p];
    }
  };
  std::vector<unsigned char> pat0, pat_plus, pat_minus;
  if (pattern) pat0 = pattern();
  move_to(h);
  const double l_plus = evaluate(loss, "check_gradient_direction");
  if (pattern) pat_plus = pattern();
  move_to(-h);
  const double l_minus = evaluate(loss, "check_gradient_direction");
  if (pattern) pat_minus = pattern();
  move_to(0.0);
  rep.numeric = (l_plus - l_minus) / (2.0 * h);
  rep.kink_crossed = pattern && (pat_plus != pat0 || pat_minus != pat0);
  const double err = std::fabs(rep.analytic - rep.numeric);
  rep.passed = !rep.kink_crossed &&
               err <= o.abs_tol + o.rel_tol * std::max(std::fabs(rep.analytic), std::fabs(rep.numeric));
  return rep;
}

}  // namespace rl
