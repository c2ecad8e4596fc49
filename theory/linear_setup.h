// Building blocks of the two-layer linear student-teacher experiment (docs/paper.md#two-layer-linear) that
// tasks/student_teacher.h (whitened inputs, teachers, feature modulation) does not provide:
// first layers with a planted spectrum, readouts of a given norm, unit vectors, target rows.  Used by tests/test_theory*.cpp and the Fig. 3B / 4A demos.
//
// Dimension letters: d inputs, h hidden, n samples.  Every draw takes an explicit Rng&.
#pragma once

#include <cstddef>
#include <vector>

#include "linalg/matrix.h"
#include "linalg/rng.h"

namespace rl {

// A vector uniform on the unit sphere in R^d (normalised Gaussian).
std::vector<double> random_unit_vector(std::size_t d, Rng& rng);

// Targets as the (1, n) row the network trains on: beta^T X (tasks/student_teacher.h computes the
// same numbers as a vector; this is the shape nn/two_layer_linear.h expects).
Matrix target_row(const std::vector<double>& beta, const Matrix& X);

// W1 (h, d) = U diag(s) V^T with Haar-random orthonormal U (h, r), V (d, r), r = s.size(),
// rescaled so that ||W1||_F = frobenius (the shape of the spectrum is kept).
// Requires 1 <= r <= min(h, d) and s_i > 0.
Matrix first_layer_with_spectrum(std::size_t h, std::size_t d, const std::vector<double>& s,
                                 double frobenius, Rng& rng);

// r equal singular values (rank r, flat spectrum): participation ratio exactly r.
std::vector<double> flat_spectrum(std::size_t r);

// W2 (1, h) = norm * (uniform direction).
Matrix readout_with_norm(std::size_t h, double norm, Rng& rng);

}  // namespace rl
