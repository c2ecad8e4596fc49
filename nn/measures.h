// Measures of rich versus lazy learning (docs/paper.md#measures; definitions and provenance in
// docs/measures.md).  Each compares the network at initialization (0) with the network after (or
// during) training (f) on the same fixed probe inputs.  Larger weight change, or lower alignment,
// means richer learning.
//
// Dimension letters: P probe examples, N hidden units, C target columns (classes).
// Zero-norm inputs to any alignment are an error (std::invalid_argument), never a NaN.
#pragma once

#include <cstddef>
#include <vector>

#include "linalg/matrix.h"

namespace rl {

enum class Centering {
  kNone,     // uncentred: the released code's choice [REL]
  kCentred,  // K -> C K C, C = I - 1 1^T / P (option, default chosen here: off)
};

// ||W(f) - W(0)||_F  (released code: not normalised) [REL].
double weight_change(const Matrix& W0, const Matrix& Wf);
// ||W(f) - W(0)||_F / ||W(0)||_F; W0 = 0 is an error.
double relative_weight_change(const Matrix& W0, const Matrix& Wf);

// K = C K C with the centering matrix C = I - 1 1^T / P (square K only).
Matrix center_kernel(const Matrix& K);  // (P, P)

// Representation kernel K_R = H H^T of activity H (P x N), optionally centred.
Matrix representation_kernel(const Matrix& H, Centering centering = Centering::kNone);  // (P, P)

// Kernel alignment KA(K0, Kf) = <K0, Kf>_F / (||K0||_F ||Kf||_F) [REL]; both (P x P).
double kernel_alignment(const Matrix& K0, const Matrix& Kf, Centering centering = Centering::kNone);

// An alignment is a cosine, at most 1; rounding can put it a few ulps above (an untrained run, RA of
// a kernel with itself).  Returns 1 when 1 < a < 1 + 1e-12 (rounding), `a` otherwise (a larger excess
// is a real error and stays visible).
double clamp_alignment_rounding(double a);

// Representation alignment RA = KA(H0 H0^T, Hf Hf^T) [REL]; H0, Hf (P x N).
double representation_alignment(const Matrix& H0, const Matrix& Hf,
                                Centering centering = Centering::kNone);

// Kernel-target alignment KTA(K, y) = y^T K y / (||y||^2 ||K||_F) [REV]; K (P x P), y (P).
double kernel_target_alignment(const Matrix& K, const std::vector<double>& y);
// Matrix targets Y (P x C), e.g. one-hot: <K, Y Y^T>_F / (||Y Y^T||_F ||K||_F), the cosine of K
// with the target kernel Y Y^T; equals the vector form when C = 1 (default chosen here).
double kernel_target_alignment(const Matrix& K, const Matrix& Y);

// Sign similarity: the fraction of entries with sign(H_f) == sign(H_0), signs in {-1, 0, +1}
// (released code [REL]; ReLU activity has signs 0 or +).  H0, Hf (P x N), non-empty.
double sign_similarity(const Matrix& H0, const Matrix& Hf);

// One-hot targets (P x classes) from labels in [0, classes).
Matrix one_hot(const std::vector<int>& labels, std::size_t classes);

}  // namespace rl
