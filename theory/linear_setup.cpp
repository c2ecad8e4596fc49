#include "theory/linear_setup.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "linalg/gemm.h"
#include "linalg/norms.h"
#include "linalg/qr.h"

namespace rl {

std::vector<double> random_unit_vector(std::size_t d, Rng& rng) {
  if (d == 0) throw std::invalid_argument("random_unit_vector: dimension d must be >= 1");
  std::vector<double> v(d);
  double len = 0.0;
  while (!(len > 0.0)) {  // a zero Gaussian vector has probability 0; redraw if it ever happens
    len = 0.0;
    for (double& x : v) {
      x = rng.normal();
      len += x * x;
    }
    len = std::sqrt(len);
  }
  for (double& x : v) x /= len;
  return v;
}

Matrix target_row(const std::vector<double>& beta, const Matrix& X) {
  if (beta.size() != X.rows()) {
    std::ostringstream msg;
    msg << "target_row: beta has length " << beta.size() << " but X is " << shape_str(X);
    throw std::invalid_argument(msg.str());
  }
  return matmul(Matrix::from_vector(1, beta.size(), beta), X);  // beta^T X  (1, n)
}

Matrix first_layer_with_spectrum(std::size_t h, std::size_t d, const std::vector<double>& s,
                                 double frobenius, Rng& rng) {
  const std::size_t r = s.size();
  if (r == 0 || r > h || r > d) {
    std::ostringstream msg;
    msg << "first_layer_with_spectrum: rank r = " << r << " must satisfy 1 <= r <= min(h = " << h
        << ", d = " << d << ")";
    throw std::invalid_argument(msg.str());
  }
  for (double v : s)
    if (!(v > 0.0) || !std::isfinite(v))
      throw std::invalid_argument("first_layer_with_spectrum: singular values must be > 0");
  if (!(frobenius > 0.0) || !std::isfinite(frobenius))
    throw std::invalid_argument("first_layer_with_spectrum: Frobenius norm must be > 0");
  Matrix U = haar_orthonormal_columns(h, r, rng);  // (h, r)
  const Matrix V = haar_orthonormal_columns(d, r, rng);  // (d, r)
  for (std::size_t i = 0; i < h; ++i)
    for (std::size_t k = 0; k < r; ++k) U(i, k) *= s[k];  // U diag(s)
  Matrix W1(h, d);
  gemm(Trans::kNo, Trans::kYes, 1.0, U, V, 0.0, W1);  // U diag(s) V^T  (h, d)
  W1 *= frobenius / frobenius_norm(W1);
  return W1;
}

std::vector<double> flat_spectrum(std::size_t r) { return std::vector<double>(r, 1.0); }

Matrix readout_with_norm(std::size_t h, double norm, Rng& rng) {
  if (!(norm > 0.0) || !std::isfinite(norm))
    throw std::invalid_argument("readout_with_norm: norm must be positive and finite");
  std::vector<double> w = random_unit_vector(h, rng);
  for (double& x : w) x *= norm;
  return Matrix::from_vector(1, h, std::move(w));
}

}  // namespace rl
