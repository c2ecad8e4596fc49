// The Fig. 3C starts (docs/paper.md#fig-3): student initial recurrent weights aligned, partially
// aligned or unaligned with a pre-trained teacher's.  The teacher's labels are tasks/teacher_labels.h,
// its training cache demos/toolkit/teacher_cache.h, the training and measures nn/rnn_experiment.h;
// the program is demos/fig3c_aligned_rnn.cpp.
//
// Paper, Fig. 3 caption [CAP]: "C) The analysis from B) is replicated for RNNs learning the sMNIST
// task. As the ground truth network function is elusive, we use a teacher network with pre-trained
// weights. Once again, we replace F with its rank-(d/2) truncation for partial alignment. [...] the
// initial errors are high since the readout weights are initialized randomly".
//
// Our reading [OURS] (docs/paper.md#fig-3, "Fig. 3C, our reading"; docs/figures_3c_4b.md):
//   teacher    the paper's RNN (docs/paper.md#rnn-model) with a full-rank Gaussian W_h(0) = g G / sqrt(N),
//              trained on sMNIST with the true labels (docs/paper.md#training); cached as .npy.
//   student    W_h(0) built from the teacher's trained W_T, rescaled to W_T's norm of a chosen kind
//              (below: Frobenius; fig3c_aligned_rnn defaults to the spectral norm, see there):
//                aligned    T_r(W_T), the rank-r SVD truncation of W_T
//                unaligned  T_r(G'), G' an independent Gaussian of the same Frobenius norm
//                partial    T_r(cos(theta) W_T / ||W_T||_F + sin(theta) G' / ||G'||_F), a start at angle
//                           theta to the teacher's connectivity, cos^2(theta) = --partial-cos2 (0.5).
//              The literal analogue of "F replaced by its rank-(d/2) truncation", T_r(T_{N/2}(W_T)),
//              equals the aligned start for every r <= N/2, so it cannot separate the curves; the
//              mixture plays the role of the (D9) start at angle theta instead (docs/theory.md).
//              W_in: the teacher's (default) or fresh; W_out: always fresh (the caption's random readout).
//   labels     the teacher's decision: argmax of its last-step logits, written on every step of the
//              batch (the sMNIST loss reads only the last step), or the true digits (a flag).
#pragma once

#include <cstddef>
#include <string>

#include "linalg/matrix.h"
#include "nn/init.h"

namespace rl {

enum class StudentStart { kAligned, kPartial, kUnaligned };

// "aligned", "partial", "unaligned"; anything else throws std::invalid_argument naming the text.
StudentStart parse_student_start(const std::string& name);
const char* student_start_name(StudentStart start);

// The student's W_h(0) (N, N) from the teacher's W_T (N, N) and an independent Gaussian G (N, N), as
// listed above; 1 <= rank <= N, partial_cos2 in [0, 1].  `norm` says which norm of W_T the result
// matches (nn/init.h NormKind): Frobenius (the paper's rule, default) or, against the blow-up of a
// rank-1 truncation whose one eigenvalue carries the whole Frobenius norm, spectral norm or spectral
// radius (docs/paper.md#initial-weights item 6).  Throws std::invalid_argument on a bad rank, cos^2, shape, or a
// zero / non-finite W_T or G.
Matrix student_recurrent_init(StudentStart start, const Matrix& W_teacher, const Matrix& G, std::size_t rank,
                              double partial_cos2, NormKind norm = NormKind::kFrobenius);

}  // namespace rl
