// Householder QR and Haar-random orthogonal matrices.
#pragma once

#include "linalg/matrix.h"
#include "linalg/rng.h"

namespace rl {

struct QrResult {
  Matrix Q;  // (m x k), orthonormal columns, k = min(m, n) (thin) or m (full)
  Matrix R;  // (k x n), upper triangular
};

// A = Q R by Householder reflections (Golub & Van Loan 5.2).  thin = true returns the economy
// factors.  Throws on non-finite input.
QrResult householder_qr(const Matrix& A, bool thin = true);

// An n x n orthogonal matrix drawn from the Haar measure: QR of a Gaussian matrix, then each
// column of Q multiplied by sign(R_jj) (Mezzadri 2007, "How to generate random matrices from the
// classical compact groups").
Matrix haar_orthogonal(std::size_t n, Rng& rng);

// m x n matrix with orthonormal columns (m >= n), Haar-distributed (first n columns of a Haar
// orthogonal matrix).
Matrix haar_orthonormal_columns(std::size_t m, std::size_t n, Rng& rng);

// Gaussian matrix with iid N(0, sd^2) entries.
Matrix gaussian_matrix(std::size_t rows, std::size_t cols, Rng& rng, double sd = 1.0);

}  // namespace rl
