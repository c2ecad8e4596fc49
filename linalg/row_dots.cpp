// Dot products of rows, C = A B^T with n <= 4 columns (linalg/row_dots.h).
#include "linalg/row_dots.h"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "linalg/simd_width.h"

namespace rl {

template <class T>
void row_dots_reference(std::size_t m, std::size_t n, std::size_t k, const T* A, std::size_t lda, const T* B,
                        std::size_t ldb, T* C, std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      T sum = T(0);
      for (std::size_t p = 0; p < k; ++p) sum += A[i * lda + p] * B[j * ldb + p];
      C[i * ldc + j] = sum;
    }
}

namespace {

// ---- fast path ------------------------------------------------------------
// sum + a b, fused (one rounding) where the target has FMA, as the compiler fuses the vector
// accumulators' `acc += a * b` there; written out because GCC fused the scalar form for float and not
// for double, which would leave the order of the header to the optimiser.
template <class T>
T multiply_add(T a, T b, T sum) {
#ifdef __FMA__
  return std::fma(a, b, sum);
#else
  return sum + a * b;
#endif
}

// The sum of a vector's lanes as a pairwise tree (lane l + lane l + kLanes/2, and so on down to one):
// log2(kLanes) dependent additions instead of kLanes - 1 in a chain, which made the reduction cost as
// much as the dot products themselves at Fig. 4B's shapes.
template <class Vec, class T = std::remove_reference_t<decltype(std::declval<Vec>()[0])>>
T sum_of_lanes(const Vec& v) {
  constexpr std::size_t kLanes = sizeof(Vec) / sizeof(T);
  T lanes[kLanes];
  std::memcpy(lanes, &v, sizeof v);
  // Fully unrolled, so that the lanes stay in registers (a loop kept them in memory, each level
  // waiting on the stores of the last).
#pragma GCC unroll 8
  for (std::size_t width = kLanes / 2; width >= 1; width /= 2)
#pragma GCC unroll 32
    for (std::size_t l = 0; l < width; ++l) lanes[l] += lanes[l + width];
  return lanes[0];
}

// R rows of A against E rows of B: R * E vector accumulators, each holding kLanes partial sums of one
// entry, plus R vectors of A and one of B per step (kRowsPerBlock below keeps them in registers).
template <std::size_t R, std::size_t E, class T>
void row_dots_block(std::size_t k, const T* A, std::size_t lda, const T* B, std::size_t ldb, T* C, std::size_t ldc) {
  using Vec = typename SimdVec<T>::type;
  constexpr std::size_t kLanes = SimdVec<T>::kLanes;
  const std::size_t k_vectors = k / kLanes * kLanes;
  Vec acc[R][E];
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t e = 0; e < E; ++e) acc[r][e] = Vec{};
  for (std::size_t p = 0; p < k_vectors; p += kLanes) {
    // Every operand vector loaded once per step (R + E loads for R E multiply-adds).
    Vec a[R];
    for (std::size_t r = 0; r < R; ++r) std::memcpy(&a[r], A + r * lda + p, sizeof(Vec));
    for (std::size_t e = 0; e < E; ++e) {
      Vec b;
      std::memcpy(&b, B + e * ldb + p, sizeof(Vec));
      for (std::size_t r = 0; r < R; ++r) acc[r][e] += a[r] * b;
    }
  }
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t e = 0; e < E; ++e) {
      T sum = sum_of_lanes(acc[r][e]);
      for (std::size_t p = k_vectors; p < k; ++p) sum = multiply_add(A[r * lda + p], B[e * ldb + p], sum);
      C[r * ldc + e] = sum;
    }
}

// Rows of A per block: 4 x 4 accumulators + 4 + 1 loaded vectors = 21 fit 32 registers; 2 x 4 + 2 + 1 = 11
// fit 16.
constexpr std::size_t kRowsPerBlock = kSimdRegisters >= 32 ? 4 : 2;

// Every row of A against E rows of B: blocks of kRowsPerBlock rows, then the rest one at a time.
template <std::size_t E, class T>
void row_dots_columns(std::size_t m, std::size_t k, const T* A, std::size_t lda, const T* B, std::size_t ldb, T* C,
                      std::size_t ldc) {
  std::size_t i = 0;
  for (; i + kRowsPerBlock <= m; i += kRowsPerBlock)
    row_dots_block<kRowsPerBlock, E>(k, A + i * lda, lda, B, ldb, C + i * ldc, ldc);
  for (; i < m; ++i) row_dots_block<1, E>(k, A + i * lda, lda, B, ldb, C + i * ldc, ldc);
}

}  // namespace

template <class T>
void row_dots(std::size_t m, std::size_t n, std::size_t k, const T* A, std::size_t lda, const T* B, std::size_t ldb,
              T* C, std::size_t ldc) {
  switch (n) {
    case 0: return;
    case 1: return row_dots_columns<1>(m, k, A, lda, B, ldb, C, ldc);
    case 2: return row_dots_columns<2>(m, k, A, lda, B, ldb, C, ldc);
    case 3: return row_dots_columns<3>(m, k, A, lda, B, ldb, C, ldc);
    case 4: return row_dots_columns<4>(m, k, A, lda, B, ldb, C, ldc);
    default:
      throw std::invalid_argument("row_dots: n = " + std::to_string(n) + " columns, at most " +
                                  std::to_string(kRowDotsMaxColumns) + " (wider products belong to gemm)");
  }
}

#define RL_ROW_DOTS(T)                                                                                      \
  template void row_dots_reference(std::size_t, std::size_t, std::size_t, const T*, std::size_t, const T*,  \
                                   std::size_t, T*, std::size_t);                                           \
  template void row_dots(std::size_t, std::size_t, std::size_t, const T*, std::size_t, const T*, std::size_t, \
                         T*, std::size_t);
RL_ROW_DOTS(double)
RL_ROW_DOTS(float)
#undef RL_ROW_DOTS

}  // namespace rl
