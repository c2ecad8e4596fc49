// Eigenvalues of a general real matrix (Golub & Van Loan 7.4-7.5):
//   1. scale by a power of two and balance (Parlett & Reinsch 1969), both exact similarity
//      transformations with powers of two, which tame matrices with entries of very different size;
//   2. reduce to upper Hessenberg form by Householder reflections (Golub & Van Loan 7.4.2);
//   3. run the Francis implicit double-shift QR step (Golub & Van Loan 7.5.2) on the active
//      window, deflating when a subdiagonal entry becomes negligible, with exceptional shifts
//      after 10 and 20 stalled steps (LAPACK dlahqr) and a hard cap of 30 n steps in total
//      (or the caller's max_iterations);
//   4. a block still stuck after both exceptional shifts (30 steps without a deflation) may also
//      deflate at the backward-error level |h_{l,l-1}| <= 10 eps max|H| (docs/linalg.md, "Stalled
//      blocks"): a multiple eigenvalue lambda leaves a block lambda I + E whose entries E are
//      rounding noise, larger than eps |lambda| and never reduced by any shift.
// Only eigenvalues are computed, so each step updates just the active window.
#include "linalg/eig_general.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace rl {
namespace {

using Complex = std::complex<double>;
constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr int kIterationsPerEigenvalue = 30;  // default total cap 30 n (header contract)
constexpr int kExceptionalEvery = 10;         // LAPACK dlahqr: exceptional shift at 10, 20, ...
constexpr int kMaxBalancePasses = 100;        // balancing converges in a few passes [TP]
// A block that has not deflated after the exceptional shifts at 10 and 20 steps may deflate at
// |h_{l,l-1}| <= kStalledFloor eps max|H|.  [TP] 10: the noise of a stuck lambda I + E block is
// 5-70 eps |lambda| (measured on centred pinky100 and SONET matrices; 4 left some stuck).
constexpr int kStalledAfter = 3 * kExceptionalEvery;
constexpr double kStalledFloor = 10.0;

// Householder vector of x (length 2 or 3): H = I - beta v v^T maps x onto a multiple of e_1.
// Returns beta = 0 (H = I) when x = 0.  (Golub & Van Loan 5.1.3, with v_1 chosen to avoid
// cancellation.)
double householder(double* v, std::size_t len) {
  double scale = 0.0;
  for (std::size_t i = 0; i < len; ++i) scale = std::max(scale, std::fabs(v[i]));
  if (scale == 0.0) return 0.0;
  double norm2 = 0.0;
  for (std::size_t i = 0; i < len; ++i) {
    v[i] /= scale;
    norm2 += v[i] * v[i];
  }
  const double alpha = v[0] >= 0.0 ? -std::sqrt(norm2) : std::sqrt(norm2);
  v[0] -= alpha;
  double vv = 0.0;
  for (std::size_t i = 0; i < len; ++i) vv += v[i] * v[i];
  return 2.0 / vv;
}

// H[r0:r0+len, c0:c1] <- (I - beta v v^T) H[r0:r0+len, c0:c1]: w = beta v^T H, then H -= v w,
// both passes along contiguous rows.
void reflect_rows(Matrix& H, const double* v, std::size_t len, double beta, std::size_t r0,
                  std::size_t c0, std::size_t c1) {
  std::vector<double> w(c1 - c0, 0.0);  // (c1 - c0)
  for (std::size_t i = 0; i < len; ++i) {
    const double* row = H.row(r0 + i) + c0;
    for (std::size_t j = 0; j < w.size(); ++j) w[j] += v[i] * row[j];
  }
  for (std::size_t i = 0; i < len; ++i) {
    double* row = H.row(r0 + i) + c0;
    const double scale = beta * v[i];
    for (std::size_t j = 0; j < w.size(); ++j) row[j] -= scale * w[j];
  }
}

// H[r0:r1, c0:c0+len] <- H[r0:r1, c0:c0+len] (I - beta v v^T).
void reflect_cols(Matrix& H, const double* v, std::size_t len, double beta, std::size_t r0,
                  std::size_t r1, std::size_t c0) {
  for (std::size_t i = r0; i < r1; ++i) {
    double* row = H.row(i) + c0;
    double w = 0.0;
    for (std::size_t l = 0; l < len; ++l) w += row[l] * v[l];
    w *= beta;
    for (std::size_t l = 0; l < len; ++l) row[l] -= w * v[l];
  }
}

// Parlett & Reinsch balancing by powers of two: D^{-1} A D with off-diagonal row and column
// norms of each index brought within a factor 2 of each other.  Zero rows/columns are left alone.
void balance(Matrix& A) {
  const std::size_t n = A.rows();
  const double radix = 2.0;
  for (int pass = 0; pass < kMaxBalancePasses; ++pass) {
    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      double col = 0.0, row = 0.0;
      for (std::size_t j = 0; j < n; ++j) {
        if (j == i) continue;
        col += std::fabs(A(j, i));
        row += std::fabs(A(i, j));
      }
      if (col == 0.0 || row == 0.0) continue;
      double f = 1.0;
      const double total = col + row;
      while (col < row / radix) {
        col *= radix;
        row /= radix;
        f *= radix;
      }
      while (col >= row * radix) {
        col /= radix;
        row *= radix;
        f /= radix;
      }
      if ((col + row) >= 0.95 * total) continue;  // not worth it (Parlett & Reinsch)
      changed = true;
      for (std::size_t j = 0; j < n; ++j) A(i, j) /= f;
      for (std::size_t j = 0; j < n; ++j) A(j, i) *= f;
    }
    if (!changed) break;
  }
}

// Eigenvalues of the 2x2 block [[a, b], [c, d]], computed without cancellation in the real case.
std::pair<Complex, Complex> eig_2x2(double a, double b, double c, double d) {
  const double p = 0.5 * (a - d);
  const double disc = p * p + b * c;
  if (disc >= 0.0) {
    const double z = p + std::copysign(std::sqrt(disc), p);
    if (z == 0.0) return {Complex(d, 0.0), Complex(d, 0.0)};
    return {Complex(d + z, 0.0), Complex(d - b * c / z, 0.0)};
  }
  const double re = d + p, im = std::sqrt(-disc);
  return {Complex(re, im), Complex(re, -im)};
}

// Index l of the top of the unreduced block ending at hi: the largest l <= hi with H(l, l-1)
// negligible (set to zero), or 0.  Negligible: |h_{l,l-1}| <= eps (|h_{l-1,l-1}| + |h_{l,l}|), or
// <= `floor` (0 unless the block is stalled).
std::size_t find_deflation(Matrix& H, std::size_t hi, double norm, double floor) {
  std::size_t l = hi;
  for (; l > 0; --l) {
    double scale = std::fabs(H(l - 1, l - 1)) + std::fabs(H(l, l));
    if (scale == 0.0) scale = norm;
    const double sub = std::fabs(H(l, l - 1));
    if (sub <= kEps * scale || sub <= floor) {
      H(l, l - 1) = 0.0;
      break;
    }
  }
  return l;
}

// One Francis double-shift step on the window [l, hi] (hi - l >= 2), with shifts given by their
// sum and product (Golub & Van Loan 7.5.2).
void francis_step(Matrix& H, std::size_t l, std::size_t hi, double shift_sum, double shift_prod) {
  const double h00 = H(l, l), h01 = H(l, l + 1), h10 = H(l + 1, l), h11 = H(l + 1, l + 1);
  // First column of (H - s1 I)(H - s2 I): only three nonzero entries.
  double v[3] = {h00 * h00 + h01 * h10 - shift_sum * h00 + shift_prod, h10 * (h00 + h11 - shift_sum),
                 h10 * H(l + 2, l + 1)};
  for (std::size_t k = l; k + 2 <= hi; ++k) {
    if (k > l) {
      v[0] = H(k, k - 1);
      v[1] = H(k + 1, k - 1);
      v[2] = H(k + 2, k - 1);
    }
    const double beta = householder(v, 3);
    if (beta == 0.0) continue;
    const std::size_t c0 = k > l ? k - 1 : l;
    reflect_rows(H, v, 3, beta, k, c0, hi + 1);
    reflect_cols(H, v, 3, beta, l, std::min(k + 3, hi) + 1, k);
    if (k > l) H(k + 1, k - 1) = H(k + 2, k - 1) = 0.0;  // the bulge moved down
  }
  double w[2] = {H(hi - 1, hi - 2), H(hi, hi - 2)};
  const double beta = householder(w, 2);
  if (beta == 0.0) return;
  reflect_rows(H, w, 2, beta, hi - 1, hi - 2, hi + 1);
  reflect_cols(H, w, 2, beta, l, hi + 1, hi - 1);
  H(hi, hi - 2) = 0.0;
}

bool by_modulus_desc(const Complex& a, const Complex& b) {
  if (std::abs(a) != std::abs(b)) return std::abs(a) > std::abs(b);
  if (a.real() != b.real()) return a.real() > b.real();
  return a.imag() > b.imag();
}

}  // namespace

Matrix hessenberg(const Matrix& A) {
  if (A.rows() == 0 && A.cols() == 0) return A;  // 0 x 0: nothing to reduce
  require_square(A, "hessenberg");
  const std::size_t n = A.rows();
  Matrix H = A;  // (n, n)
  for (std::size_t k = 0; k + 2 < n; ++k) {
    std::vector<double> v(n - k - 1);  // (n - k - 1) = H[k+1:, k]
    for (std::size_t i = k + 1; i < n; ++i) v[i - k - 1] = H(i, k);
    const double beta = householder(v.data(), v.size());
    if (beta == 0.0) continue;
    reflect_rows(H, v.data(), v.size(), beta, k + 1, k, n);
    reflect_cols(H, v.data(), v.size(), beta, 0, n, k + 1);
    for (std::size_t i = k + 2; i < n; ++i) H(i, k) = 0.0;  // exact zeros below the subdiagonal
  }
  return H;
}

EigGeneralResult eig_general(const Matrix& A, int max_iterations) {
  EigGeneralResult result;
  result.converged = true;
  if (A.rows() == 0 && A.cols() == 0) return result;  // 0 x 0: no eigenvalues
  require_square(A, "eig_general");
  const std::size_t n = A.rows();

  // Exact power-of-two scaling to max |a_ij| in [1/2, 1): no overflow in the shift polynomial.
  int exponent = 0;
  if (max_abs(A) > 0.0) std::frexp(max_abs(A), &exponent);
  Matrix B = A;
  for (double& b : B.values()) b = std::ldexp(b, -exponent);
  balance(B);
  Matrix H = hessenberg(B);  // (n, n)
  const double norm = std::max(max_abs(H), std::numeric_limits<double>::min());

  const int cap = max_iterations < 0 ? kIterationsPerEigenvalue * static_cast<int>(n) : max_iterations;
  std::vector<Complex> values;
  values.reserve(n);
  std::size_t hi = n - 1;
  int stalled = 0;  // steps since the last deflation
  bool done = false;
  while (!done) {
    const double floor = stalled >= kStalledAfter ? kStalledFloor * kEps * norm : 0.0;
    const std::size_t l = find_deflation(H, hi, norm, floor);
    if (l == hi) {  // 1x1 block deflated
      values.emplace_back(H(hi, hi), 0.0);
      stalled = 0;
      done = hi == 0;
      if (!done) --hi;
      continue;
    }
    if (l + 1 == hi) {  // 2x2 block deflated
      const auto pair = eig_2x2(H(l, l), H(l, hi), H(hi, l), H(hi, hi));
      values.push_back(pair.first);
      values.push_back(pair.second);
      stalled = 0;
      done = l == 0;
      if (!done) hi = l - 1;
      continue;
    }
    if (result.iterations >= cap) {  // give up: report the diagonal of the undeflated block
      for (std::size_t i = 0; i <= hi; ++i) values.emplace_back(H(i, i), 0.0);
      result.converged = false;
      break;
    }
    double sum, prod;
    if (stalled > 0 && stalled % kExceptionalEvery == 0) {  // LAPACK dlahqr exceptional shift
      const double s = std::fabs(H(hi, hi - 1)) + std::fabs(H(hi - 1, hi - 2));
      const double center = H(hi, hi) + 0.75 * s;
      sum = 2.0 * center;
      prod = center * center + 0.4375 * s * s;
    } else {  // Francis shifts: eigenvalues of the trailing 2x2 block
      sum = H(hi - 1, hi - 1) + H(hi, hi);
      prod = H(hi - 1, hi - 1) * H(hi, hi) - H(hi - 1, hi) * H(hi, hi - 1);
    }
    francis_step(H, l, hi, sum, prod);
    ++result.iterations;
    ++stalled;
  }
  for (Complex& z : values) z = Complex(std::ldexp(z.real(), exponent), std::ldexp(z.imag(), exponent));
  std::sort(values.begin(), values.end(), by_modulus_desc);
  result.values = std::move(values);
  return result;
}

}  // namespace rl
