// Matrix norms and scalar functions.
#pragma once

#include "linalg/matrix.h"

namespace rl {

double frobenius_norm(const Matrix& A);            // sqrt(sum a_ij^2), overflow-safe scaling
double frobenius_inner(const Matrix& A, const Matrix& B);  // <A, B>_F = sum a_ij b_ij
double trace(const Matrix& A);                     // square only
double spectral_norm(const Matrix& A);             // largest singular value
double nuclear_norm(const Matrix& A);              // sum of singular values
double spectral_radius(const Matrix& A);           // max |lambda| (square only)
// Cosine similarity of two matrices under the Frobenius inner product,
// <A, B>_F / (||A||_F ||B||_F); throws when either is zero.
double frobenius_cosine(const Matrix& A, const Matrix& B);

}  // namespace rl
