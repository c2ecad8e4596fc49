// The cost of plasticity: how much, and how expensively, training moved the weights [OURS].
// Formulas, sources and the reasons for each choice: docs/measures.md#cost-of-plasticity.
//
// For a parameter trajectory W(0), W(1), ..., W(f) (one entry per optimiser step):
//   end-to-end change   ||W(f) - W(0)||_F                         (the paper's weight change [REL])
//   path length         sum_t ||W(t+1) - W(t)||_F                 (>= the end-to-end change, triangle
//                                                                   inequality; equal on a straight line)
//   L1 change           sum_ij |W_ij(f) - W_ij(0)|                (Li and van Rossum, eLife 2020,
//                                                                   energy model with exponent 1: the
//                                                                   least energy that reaches W(f))
//   L1 path length      sum_t sum_ij |W_ij(t+1) - W_ij(t)|        (the same model charging every
//                                                                   update: the energy the run spent)
//   fraction changed    #{ij : |W_ij(f) - W_ij(0)| > 0.1 m} / #entries,  m = RMS of W(0)'s entries
//                       = ||W(0)||_F / sqrt(#entries).  RMS, not the median or mean |W_ij(0)|: the rank
//                       sweep renormalises every start to the same Frobenius norm, so m (and the
//                       threshold) is the same for every rank and the fractions are comparable; and m
//                       is defined for any W(0).  W(0) = 0 gives m = 0: then every entry that moved at
//                       all (|change| > 0) counts.
// "All parameters together" treats theta = (W_in, W_h, W_out) as one vector: norms over the
// concatenation (so the all-parameter path length sums ||theta(t+1) - theta(t)||, not per-matrix
// path lengths), and each entry's change compared with the RMS of its OWN matrix's W(0) (input,
// recurrent and readout weights have different initial scales).
//
// PlasticityMeter accumulates the path length one step at a time: record() after each optimiser
// step costs one pass over the parameters (read W, read and overwrite the previous W) and allocates
// nothing.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "linalg/matrix.h"
#include "nn/rnn.h"

namespace rl {

constexpr double kPlasticityRelativeThreshold = 0.1;  // [OURS] 10 % of the typical initial magnitude

struct PlasticityCost {
  double change = 0.0;            // ||W(f) - W(0)||_F
  double path_length = 0.0;       // sum_t ||W(t+1) - W(t)||_F
  double l1_change = 0.0;         // sum |W_ij(f) - W_ij(0)|
  double l1_path_length = 0.0;    // sum_t sum |W_ij(t+1) - W_ij(t)|  (>= l1_change)
  double fraction_changed = 0.0;  // fraction of entries with |change| > 0.1 RMS(W(0))
  std::size_t entries = 0;        // number of synapses (parameters) counted
};

// ---- plain formulas on whole matrices (the definitions; the tests' oracle) ----------------------

// sqrt(mean W_ij^2): the typical initial magnitude m.  Empty W is an error.
double rms_magnitude(const Matrix& W);
// sum_ij |Wf_ij - W0_ij|.
double l1_change(const Matrix& W0, const Matrix& Wf);
// Fraction of entries with |Wf_ij - W0_ij| > relative_threshold * rms_magnitude(W0).
double fraction_changed(const Matrix& W0, const Matrix& Wf,
                        double relative_threshold = kPlasticityRelativeThreshold);
// sum_t ||W(t+1) - W(t)||_F over a stored trajectory (at least one matrix, all the same shape).
double path_length(const std::vector<Matrix>& trajectory);
// The same for a trajectory of parameter lists (theta(t) = the concatenation of its matrices).
double path_length(const std::vector<std::vector<Matrix>>& trajectory);
// sum_t sum_ij |W_ij(t+1) - W_ij(t)| over a stored trajectory.
double l1_path_length(const std::vector<Matrix>& trajectory);

// ---- the incremental meter --------------------------------------------------------------------

class PlasticityMeter {
 public:
  // Watches the matrices (they must outlive the meter and keep their shapes) and snapshots them as
  // W(0).  Throws std::invalid_argument on an empty list or an empty matrix.
  explicit PlasticityMeter(std::vector<const Matrix*> params);

  // After each update: path += ||theta - theta_prev|| (per matrix and for all together) and
  // l1_path += sum |theta - theta_prev|, then theta_prev <- theta.  O(#params), no allocation.  Throws if a watched matrix changed shape.
  void record();

  std::size_t steps() const { return steps_; }
  std::size_t size() const { return params_.size(); }
  const Matrix& initial(std::size_t i) const { return initial_.at(i); }

  // Measures of matrix i (end points: the snapshot at construction and the matrix now).
  PlasticityCost cost(std::size_t i) const;
  // Measures of all watched matrices as one vector (see the header comment).
  PlasticityCost cost_all() const;

 private:
  std::vector<const Matrix*> params_;
  std::vector<Matrix> initial_;   // W(0)
  std::vector<Matrix> previous_;  // W(t) at the last record()
  std::vector<double> path_;      // per matrix
  std::vector<double> l1_path_;   // per matrix (the all-parameter one is their sum)
  double path_all_ = 0.0;
  std::size_t steps_ = 0;
};

// ---- the RNN's two views ------------------------------------------------------------------------

// Watches {W_in, W_h, W_out} of `params` (the parameter_list order: index 1 is W_h).
PlasticityMeter rnn_plasticity_meter(const RnnParams& params);

struct RnnPlasticity {
  PlasticityCost W_h;  // the recurrent weights alone (the paper's measures look at W_h)
  PlasticityCost all;  // W_in, W_h and W_out together
};
RnnPlasticity rnn_plasticity(const PlasticityMeter& meter);

// The columns every RNN results table carries (fig1_rank_sweep, fig2_biological, fig3c_aligned_rnn,
// forgetting_probe): W_h_path_length, W_h_l1_change, W_h_l1_path_length, W_h_fraction_changed,
// all_change, all_path_length, all_l1_change, all_l1_path_length, all_fraction_changed.  (W_h's
// end-to-end change is the tables' existing weight_change column.)  Values in the same order.
const std::vector<std::string>& rnn_plasticity_columns();
std::vector<double> rnn_plasticity_values(const RnnPlasticity& p);

}  // namespace rl
