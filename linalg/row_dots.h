// C = A B^T for a product with very few columns, as dot products of rows: A is (m x k) and B is
// (n x k), both row-major, so both operands run along k in memory, and C(i, j) = A(i, :) . B(j, :).
//
// Why beside the GEMM (linalg/gemm.h): with n much smaller than a vector register, the GEMM's tile
// wastes most of its lanes.  Its narrow tile broadcasts one value of A per row and step of k and
// multiplies it by a vector of B that holds n useful lanes, so with n = 4 of 16 float lanes it does
// four times the work the product needs.  Here each vector instruction multiplies kLanes consecutive
// values of k of one row of A by those of one row of B, every lane useful, and a row of A is loaded
// once for all n rows of B.  Fig. 4B's batch of 100 in float32 leaves 100 = 3 x 32 + 4 columns of
// W1 X^T to the GEMM's narrow tile: see docs/gemm.md#thin-products-as-row-dot-products.
//
// The order of the sums differs from the GEMM's: each dot product is kLanes partial sums (lane l
// adds the terms p = l, l + kLanes, ...), added at the end as a pairwise tree (lane l with lane
// l + kLanes/2, and so on), then the k mod kLanes last terms one by one; every multiply-add is fused
// (one rounding) where the target has FMA and two roundings where it has not.  That order depends on (k, the lane count) and the data only, so results are
// deterministic, but not the GEMM's bits; callers that must keep those (every float64 path of this
// repository) do not use it.
#pragma once

#include <cstddef>

namespace rl {

// The plain definition first: C(i, j) = sum_p A(i, p) B(j, p), one product after another in increasing
// p, accumulated in T.  The oracle of the tests.
template <class T>
void row_dots_reference(std::size_t m, std::size_t n, std::size_t k, const T* A, std::size_t lda, const T* B,
                        std::size_t ldb, T* C, std::size_t ldc);

// The same entries with kLanes partial sums per dot product (the order above), four rows of A (two
// with 16 vector registers) and up to four rows of B per pass.  C is overwritten (C = A B^T, no alpha or beta).  Throws
// std::invalid_argument when n > 4: wider products belong to the GEMM.
template <class T>
void row_dots(std::size_t m, std::size_t n, std::size_t k, const T* A, std::size_t lda, const T* B, std::size_t ldb,
              T* C, std::size_t ldc);

// The most columns row_dots takes.
inline constexpr std::size_t kRowDotsMaxColumns = 4;

}  // namespace rl
