// Cache-blocked GEMM with packed operands and a register-blocked micro-kernel, in the style of
// Goto & van de Geijn, "Anatomy of high-performance matrix multiplication" (ACM TOMS 34(3), 2008)
// and the BLIS five-loop structure (Van Zee & van de Geijn, ACM TOMS 41(3), 2015).  See docs/gemm.md.
//
//   for jc in steps of kNC over n          (B block kc x nc lives in L3 / L2)
//     for pc in steps of kKC over k        pack op(B)(pc:pc+kc, jc:jc+nc) into kNR-column panels
//       for ic in steps of kMC over m      pack op(A)(ic:ic+mc, pc:pc+kc) into kMR-row panels (L2)
//                                          (kMRShort rows instead when that pads less, e.g. m = 32)
//         for jr in steps of kNR           one B panel (kc x kNR) stays in L1
//           for ir in steps of kMR         micro-kernel: a kMR x kNR tile of C held in registers
//                                          (shallow blocks, kc x nc small, swap jr and ir: C in address order)
//
// Every element C(i, j) is computed by the same sequence of fused multiply-adds whatever the tile it
// falls in (edge tiles run the full kernel on zero-padded panels) and whatever the column range a
// thread owns.  Only the final C = alpha acc + beta C of an edge tile is scalar code, which FMA
// contraction may round differently from the vector write-back of a full tile; the tile grid depends
// on m alone (tile height) and on multiples of kNR columns, so the result depends only on (m, n, k)
// and the data: threads > 1 and the pre-packed entry point are bit-identical to one thread.
//
// One template serves float and double (docs/gemm.md#float-and-double-one-template): the vector type,
// lane count and register tile come from the scalar type and from linalg/simd_width.h, the one place
// that reads the instruction set the compiler targets.  With AVX-512 and double the tile is the
// 12 x 16 one the numbers of this repository were produced with, so those results keep their bits.
//
// Over 400 lines because the loops, both packings, the micro-kernel and the two entry points are one
// algorithm sharing private helpers (an anonymous namespace); splitting them would expose internals.
#include "linalg/gemm.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace rl {

namespace {

// The register tile of scalar type T, from the vector register of linalg/simd_width.h: kNV = 2
// vectors of kLanes values per tile row (kNR columns), kMR rows, so kMR * kNV accumulators plus the
// kNV vectors of B and one broadcast value of A fill the register file without spilling: 24 + 3 of the
// 32 AVX-512 (or AArch64) registers, 12 + 3 of the 16 of SSE2 / AVX2
// (docs/gemm.md#vector-width-from-the-instruction-set).
template <class T>
struct Tile {
  using Vec = typename SimdVec<T>::type;
  static constexpr std::size_t kLanes = SimdVec<T>::kLanes;
  static constexpr std::size_t kNV = 2;                                     // vectors per tile row
  static constexpr std::size_t kNR = kNV * kLanes;                          // columns of the register tile
  static constexpr std::size_t kMR = kSimdRegisters >= 32 ? 12 : 6;        // [TP] rows of the register tile
  static constexpr std::size_t kMRShort = kSimdRegisters >= 32 ? 8 : 4;    // [TP] rows of the short tile (m = 32 etc.)
  // A packed B block of at most this many values (kc x nc) is visited row tile by row tile (C in
  // address order) instead of column panel by column panel; the tile order never changes a result's bits.
  static constexpr std::size_t kRowMajorTileOrderMax = 128 * 1024 / sizeof(T);  // [TP] 128 KiB of B
};
static_assert(Tile<double>::kNR == gemm_panel_width<double>() && Tile<float>::kNR == gemm_panel_width<float>(),
              "the panel width in gemm.h is the tile width");

constexpr std::size_t kKC = 320;            // [TP] depth of one packed block (kNR * kKC * 8 B ~ L1)
constexpr std::size_t kMC = 144;            // [TP] rows of packed A per block (kMC * kKC * 8 B ~ L2/2)
constexpr std::size_t kNC = 2048;           // [TP] columns of packed B per block
// Products with fewer multiply-adds than this run on one thread: thread start-up (~20-50 us) would
// cost more than it saves.  The result is the same either way.
constexpr double kMinFlopsPerThread = 4.0e6;  // [TP]

template <class T>
constexpr bool blocks_fit_tiles() {
  return kMC % Tile<T>::kMR == 0 && kMC % Tile<T>::kMRShort == 0 && kNC % Tile<T>::kNR == 0;
}
static_assert(blocks_fit_tiles<double>() && blocks_fit_tiles<float>(),
              "block sizes must be multiples of the tile sizes");

// A heap buffer of T aligned to 64 bytes (one cache line, one AVX-512 register) that only grows.
template <class T>
class AlignedBuffer {
 public:
  T* get(std::size_t count) {
    if (count > capacity_) {
      storage_.reset(new T[count + kAlignValues]);
      capacity_ = count;
    }
    const auto addr = reinterpret_cast<std::uintptr_t>(storage_.get());
    const std::size_t skip = ((64 - addr % 64) % 64) / sizeof(T);
    return storage_.get() + skip;
  }

 private:
  static constexpr std::size_t kAlignValues = 64 / sizeof(T);
  std::unique_ptr<T[]> storage_;
  std::size_t capacity_ = 0;
};

// Per-thread packing buffers, one pair per scalar type: no heap allocation per call once they have grown.
template <class T>
struct PackBuffers {
  AlignedBuffer<T> a;  // (kMC x kKC) in kMR-row panels
  AlignedBuffer<T> b;  // (kKC x kNC) in kNR-column panels
};

template <class T>
PackBuffers<T>& thread_buffers() {
  thread_local PackBuffers<T> buffers;
  return buffers;
}

// Strided view of op(X) for X stored row-major with row stride ld.
template <class T>
struct OpView {
  const T* data;
  std::size_t ld;
  Trans trans;
  T at(std::size_t i, std::size_t j) const { return trans == Trans::kNo ? data[i * ld + j] : data[j * ld + i]; }
};

// Packs op(A)(i0:i0+mc, p0:p0+kc) into ceil(mc / MR) panels; panel r holds, for each p, the MR
// values of rows r*MR .. r*MR+MR-1 (zero past row mc).  (panels, kc, MR)
template <std::size_t MR, class T>
void pack_a(const OpView<T>& A, std::size_t i0, std::size_t mc, std::size_t p0, std::size_t kc, T* Ap) {
  for (std::size_t r0 = 0; r0 < mc; r0 += MR) {
    const std::size_t rows = std::min(MR, mc - r0);
    T* panel = Ap + r0 * kc;
    if (A.trans == Trans::kYes) {
      // op(A)(i, p) = A[p * ld + i]: for each p the rows are contiguous in memory.
      for (std::size_t p = 0; p < kc; ++p) {
        const T* src = A.data + (p0 + p) * A.ld + i0 + r0;
        T* dst = panel + p * MR;
        for (std::size_t i = 0; i < rows; ++i) dst[i] = src[i];
        for (std::size_t i = rows; i < MR; ++i) dst[i] = T(0);
      }
    } else {
      // op(A)(i, p) = A[i * ld + p]: stream along each row, scatter with stride MR.
      for (std::size_t i = 0; i < rows; ++i) {
        const T* src = A.data + (i0 + r0 + i) * A.ld + p0;
        for (std::size_t p = 0; p < kc; ++p) panel[p * MR + i] = src[p];
      }
      for (std::size_t i = rows; i < MR; ++i)
        for (std::size_t p = 0; p < kc; ++p) panel[p * MR + i] = T(0);
    }
  }
}

// ---- the transposed packing's register transpose ----
// Writes rows p = 0 .. P-1 of a full kNR-column panel of op(B) = B^T, P the largest multiple of
// kLanes <= kc, and returns P: panel[p kNR + j] = src[j ld + p].  Each block of kLanes values of p
// is kNR vectors, one per stored row j (contiguous loads), transposed in registers as two
// kLanes x kLanes squares, then stored as kLanes panel rows (contiguous stores): log2(kLanes)
// rounds of kLanes two-vector shuffles per square instead of one scalar move per value, 4x faster
// for Fig. 4B's X^T.  The values and their places are those of the scalar loop, so no product
// changes.  Without __builtin_shufflevector (GCC >= 12, Clang) it returns 0 and the scalar loop
// packs every row.
#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define RL_HAVE_SHUFFLEVECTOR 1
#endif
#endif

#ifdef RL_HAVE_SHUFFLEVECTOR
// Round `half` of the square transpose: rows i and i + half (i & half == 0) exchange their blocks of
// `half` lanes: low(l) takes lane l of row i where l & half == 0, else lane l - half of row i + half;
// high(l) takes lane l + half of row i, else lane l of row i + half.  After the rounds half = 1, 2,
// ..., kLanes / 2, row i holds what was column i.
template <std::size_t kLanes, std::size_t half>
constexpr int low_lane(std::size_t l) { return static_cast<int>((l & half) == 0 ? l : kLanes + l - half); }
template <std::size_t kLanes, std::size_t half>
constexpr int high_lane(std::size_t l) { return static_cast<int>((l & half) == 0 ? l + half : kLanes + l); }

template <std::size_t half, class Vec, std::size_t... l>
void transpose_round(Vec* rows, std::index_sequence<l...>) {
  constexpr std::size_t kLanes = sizeof...(l);
  for (std::size_t i = 0; i < kLanes; ++i)
    if ((i & half) == 0) {
      const Vec a = rows[i], b = rows[i + half];
      rows[i] = __builtin_shufflevector(a, b, low_lane<kLanes, half>(l)...);
      rows[i + half] = __builtin_shufflevector(a, b, high_lane<kLanes, half>(l)...);
    }
}

template <class Vec, std::size_t kLanes, std::size_t... r>
void transpose_square(Vec* rows, std::index_sequence<r...>) {
  (transpose_round<(std::size_t{1} << r)>(rows, std::make_index_sequence<kLanes>{}), ...);
}

template <class T>
std::size_t transposed_panel_rows(const T* src, std::size_t ld, std::size_t kc, T* panel) {
  using Vec = typename Tile<T>::Vec;
  constexpr std::size_t kLanes = Tile<T>::kLanes, kNR = Tile<T>::kNR;
  constexpr std::size_t kRounds = __builtin_ctzll(kLanes);  // log2(kLanes)
  const std::size_t P = kc / kLanes * kLanes;
  for (std::size_t p = 0; p < P; p += kLanes)
    for (std::size_t square = 0; square < kNR; square += kLanes) {
      Vec rows[kLanes];
      for (std::size_t j = 0; j < kLanes; ++j) std::memcpy(&rows[j], src + (square + j) * ld + p, sizeof(Vec));
      transpose_square<Vec, kLanes>(rows, std::make_index_sequence<kRounds>{});
      for (std::size_t q = 0; q < kLanes; ++q) std::memcpy(panel + (p + q) * kNR + square, &rows[q], sizeof(Vec));
    }
  return P;
}
#else
template <class T>
std::size_t transposed_panel_rows(const T*, std::size_t, std::size_t, T*) { return 0; }
#endif

// Packs op(B)(p0:p0+kc, j0:j0+nc) into ceil(nc / kNR) panels; panel s holds, for each p, the kNR
// values of columns s*kNR .. s*kNR+kNR-1 (zero past column nc).  (panels, kc, kNR)
template <class T>
void pack_b(const OpView<T>& B, std::size_t p0, std::size_t kc, std::size_t j0, std::size_t nc, T* Bp) {
  constexpr std::size_t kNR = Tile<T>::kNR;
  for (std::size_t s0 = 0; s0 < nc; s0 += kNR) {
    const std::size_t cols = std::min(kNR, nc - s0);
    T* panel = Bp + s0 * kc;
    if (B.trans == Trans::kNo) {
      // op(B)(p, j) = B[p * ld + j]: each row of the panel is a contiguous copy.
      for (std::size_t p = 0; p < kc; ++p) {
        const T* src = B.data + (p0 + p) * B.ld + j0 + s0;
        T* dst = panel + p * kNR;
        for (std::size_t j = 0; j < cols; ++j) dst[j] = src[j];
        for (std::size_t j = cols; j < kNR; ++j) dst[j] = T(0);
      }
    } else {
      // op(B)(p, j) = B[j * ld + p]: read the panel's kNR stored rows side by side, one value of each
      // per p, and write each panel row contiguously.  Each row's cache line serves 8 consecutive p
      // while it sits in L1; the other order (one stored row at a time, writes kNR apart) took twice
      // as long for the Fig. 4B batch X^T (docs/benchmarks.md#the-relu-iteration).  A full panel
      // goes kLanes values of p at a time through transposed_panel_rows, in registers.
      const T* src = B.data + (j0 + s0) * B.ld + p0;
      const std::size_t p_vectors = cols == kNR ? transposed_panel_rows(src, B.ld, kc, panel) : 0;
      for (std::size_t p = p_vectors; p < kc; ++p) {
        T* dst = panel + p * kNR;
        for (std::size_t j = 0; j < cols; ++j) dst[j] = src[j * B.ld + p];
        for (std::size_t j = cols; j < kNR; ++j) dst[j] = T(0);
      }
    }
  }
}

// Where the micro-kernel reads the MR values of op(A) for each p: a packed panel (value i of step p
// at i + p MR), or the rows of an untransposed A read in place (i ld + p), which skips pack_a.  The
// values and their order are the same, so the two give the same bits.
template <std::size_t MR, class T>
struct PackedPanel {
  const T* a;
  T at(std::size_t i) const { return a[i]; }
  void next() { a += MR; }
};
template <class T>
struct RowsInPlace {
  const T* a;
  std::size_t ld;
  T at(std::size_t i) const { return a[i * ld]; }
  void next() { ++a; }
};

// The micro-kernel: acc = sum_p Ap(:, p) Bp(p, :) as a MR x (NV kLanes) tile of rank-1 updates held
// in registers (MR * NV accumulators, Tile above), then C_tile = alpha acc + beta C_tile on its mr x nr
// valid part (beta == 0 overwrites).  Each acc element is one chain of kc multiply-adds (FMAs where
// the target has them).  NV is Tile's kNV, or 1 for a last panel with at most kLanes valid columns
// (the narrow tile): it reads the first vector of each kNR-wide packed row and does half the
// arithmetic, where the full tile would multiply the panel's zero padding.  Each element's chain and
// its store are the same either way, so the narrow tile changes no bits
// (docs/gemm.md#the-narrow-edge-tile).
template <std::size_t MR, std::size_t NV, class T, class APanel>
void micro_kernel(std::size_t kc, APanel Ap, const T* __restrict Bp, T alpha, T beta, T* __restrict C,
                  std::size_t ldc, std::size_t mr, std::size_t nr) {
  using Vec = typename Tile<T>::Vec;
  constexpr std::size_t kLanes = Tile<T>::kLanes, kNV = NV, kNR = Tile<T>::kNR, kWidth = NV * kLanes;
  Vec acc[MR][kNV];
#pragma GCC unroll 16
  for (std::size_t i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (std::size_t v = 0; v < kNV; ++v) acc[i][v] = Vec{};
  for (std::size_t p = 0; p < kc; ++p) {
    Vec b[kNV];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < kNV; ++v) std::memcpy(&b[v], Bp + v * kLanes, sizeof(Vec));
#pragma GCC unroll 16
    for (std::size_t i = 0; i < MR; ++i)
#pragma GCC unroll 4
      for (std::size_t v = 0; v < kNV; ++v) acc[i][v] += Ap.at(i) * b[v];
    Ap.next();
    Bp += kNR;
  }
  // Only a full kNR-column tile is stored as vectors; a part-filled one (every narrow tile among them)
  // goes through the element-wise store below, as it did before the narrow tile existed, so the bits
  // of alpha acc + beta c stay those of the two-vector edge tile (the compiler may fuse the two
  // element-wise operations differently from the vector ones).
  if (NV == Tile<T>::kNV && mr == MR && nr == kNR) {
#pragma GCC unroll 16
    for (std::size_t i = 0; i < MR; ++i)
#pragma GCC unroll 4
      for (std::size_t v = 0; v < kNV; ++v) {
        T* c = C + i * ldc + v * kLanes;
        Vec out = alpha * acc[i][v];
        if (beta != T(0)) {
          Vec old;
          std::memcpy(&old, c, sizeof old);
          out += beta * old;
        }
        std::memcpy(c, &out, sizeof out);
      }
    return;
  }
  T tile[MR][kWidth];  // edge tile: spill the registers (element-wise, so acc never needs an address)
#pragma GCC unroll 16
  for (std::size_t i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (std::size_t v = 0; v < kNV; ++v)
#pragma GCC unroll 16
      for (std::size_t l = 0; l < kLanes; ++l) tile[i][v * kLanes + l] = acc[i][v][l];
  for (std::size_t i = 0; i < mr; ++i)
    for (std::size_t j = 0; j < nr; ++j) {
      T out = alpha * tile[i][j];  // the same two steps as the full-tile path above
      if (beta != T(0)) out += beta * C[i * ldc + j];
      C[i * ldc + j] = out;
    }
}

// C = beta C (beta == 0 writes zeros, so NaN or Inf in C does not propagate, as in BLAS).
template <class T>
void scale_c(std::size_t m, std::size_t n, T beta, T* C, std::size_t ldc) {
  if (beta == T(1)) return;
  for (std::size_t i = 0; i < m; ++i) {
    T* c = C + i * ldc;
    for (std::size_t j = 0; j < n; ++j) c[j] = beta == T(0) ? T(0) : beta * c[j];
  }
}

// Packed panels of a (kc x nc) block of op(B): ceil(nc / kNR) panels of kc x kNR values.
template <class T>
std::size_t packed_block_size(std::size_t kc, std::size_t nc) {
  constexpr std::size_t kNR = Tile<T>::kNR;
  return ((nc + kNR - 1) / kNR) * kNR * kc;
}

// The three inner loops of the five: C(:, 0:nc) += alpha op(A)(:, pc:pc+kc) Bp, with Bp one packed
// (kc x nc) block of op(B), and beta applied by the micro-kernel.  Ap is the A packing buffer.
template <std::size_t MR, class T>
void multiply_packed_block_tiles(const OpView<T>& A, std::size_t m, std::size_t pc, std::size_t kc, const T* Bp,
                                 std::size_t nc, T alpha, T beta, T* C, std::size_t ldc, T* Ap) {
  constexpr std::size_t kNR = Tile<T>::kNR;
  for (std::size_t ic = 0; ic < m; ic += kMC) {
    const std::size_t mc = std::min(kMC, m - ic);
    // An untransposed A is read in place in whole MR-row panels (its rows are contiguous in p, as a
    // packed panel is); only a last partial panel, which needs zero rows, is packed.
    const std::size_t in_place = A.trans == Trans::kNo ? mc / MR * MR : 0;
    if (in_place < mc) pack_a<MR>(A, ic + in_place, mc - in_place, pc, kc, Ap);
    auto tile_of_width = [&](auto nv, std::size_t ir, std::size_t jr, std::size_t nr) {
      constexpr std::size_t NV = decltype(nv)::value;
      if (ir < in_place)
        micro_kernel<MR, NV>(kc, RowsInPlace<T>{A.data + (ic + ir) * A.ld + pc, A.ld}, Bp + jr * kc, alpha,
                             beta, C + (ic + ir) * ldc + jr, ldc, MR, nr);
      else
        micro_kernel<MR, NV>(kc, PackedPanel<MR, T>{Ap + (ir - in_place) * kc}, Bp + jr * kc, alpha, beta,
                             C + (ic + ir) * ldc + jr, ldc, std::min(MR, mc - ir), nr);
    };
    auto tile = [&](std::size_t ir, std::size_t jr) {
      const std::size_t nr = std::min(kNR, nc - jr);
      if (nr <= Tile<T>::kLanes)
        tile_of_width(std::integral_constant<std::size_t, 1>{}, ir, jr, nr);  // the narrow tile
      else
        tile_of_width(std::integral_constant<std::size_t, Tile<T>::kNV>{}, ir, jr, nr);
    };
    if (kc * nc <= Tile<T>::kRowMajorTileOrderMax) {
      // Shallow product (e.g. the RNN's dY W_out, k = 10): C costs more than the arithmetic.  Finish
      // each row tile across all columns before the next, so C is written in address order, which the
      // hardware prefetcher follows; the packed B block (kc x nc) is small and stays in cache.
      for (std::size_t ir = 0; ir < mc; ir += MR)
        for (std::size_t jr = 0; jr < nc; jr += kNR) tile(ir, jr);
    } else {
      // One B panel (kc x kNR) stays in L1 while every row tile of the block passes over it.
      for (std::size_t jr = 0; jr < nc; jr += kNR)
        for (std::size_t ir = 0; ir < mc; ir += MR) tile(ir, jr);
    }
  }
}

// The tile height for an m-row product: the short tile when it pads fewer rows (m = 32, the RNN's
// batch, is four 8-row tiles instead of three 12-row tiles, the last one a third empty).  It depends
// on m alone, so every thread and both entry points (gemm_raw, gemm_packed_rhs) use the same tiles.
template <class T>
bool use_short_tiles(std::size_t m) {
  auto padded = [m](std::size_t mr) { return (m + mr - 1) / mr * mr; };
  return padded(Tile<T>::kMRShort) < padded(Tile<T>::kMR);
}

template <class T>
void multiply_packed_block(const OpView<T>& A, std::size_t m, std::size_t pc, std::size_t kc, const T* Bp,
                           std::size_t nc, T alpha, T beta, T* C, std::size_t ldc, T* Ap) {
  if (use_short_tiles<T>(m))
    multiply_packed_block_tiles<Tile<T>::kMRShort>(A, m, pc, kc, Bp, nc, alpha, beta, C, ldc, Ap);
  else
    multiply_packed_block_tiles<Tile<T>::kMR>(A, m, pc, kc, Bp, nc, alpha, beta, C, ldc, Ap);
}

// The A packing buffer of this thread, large enough for an m x k product.
template <class T>
T* a_buffer(std::size_t m, std::size_t k) {
  constexpr std::size_t kMR = Tile<T>::kMR, kMRShort = Tile<T>::kMRShort;
  const std::size_t mc_max = std::min(kMC, m), kc_max = std::min(kKC, k);
  const std::size_t rows =
      std::max((mc_max + kMR - 1) / kMR * kMR, (mc_max + kMRShort - 1) / kMRShort * kMRShort);
  return thread_buffers<T>().a.get(rows * kc_max);  // (mc, kc) panels of either tile height
}

// Serial blocked product on the column range [j_begin, j_end) of C.
template <class T>
void gemm_serial(const OpView<T>& A, const OpView<T>& B, std::size_t m, std::size_t j_begin, std::size_t j_end,
                 std::size_t k, T alpha, T beta, T* C, std::size_t ldc) {
  const std::size_t nc_max = std::min(kNC, j_end - j_begin);
  T* Bp = thread_buffers<T>().b.get(packed_block_size<T>(std::min(kKC, k), nc_max));  // (kc, nc)
  T* Ap = a_buffer<T>(m, k);
  for (std::size_t jc = j_begin; jc < j_end; jc += kNC) {
    const std::size_t nc = std::min(kNC, j_end - jc);
    for (std::size_t pc = 0; pc < k; pc += kKC) {
      const std::size_t kc = std::min(kKC, k - pc);
      const T beta_block = pc == 0 ? beta : T(1);  // later k blocks accumulate
      pack_b(B, pc, kc, jc, nc, Bp);
      multiply_packed_block(A, m, pc, kc, Bp, nc, alpha, beta_block, C + jc, ldc, Ap);
    }
  }
}

// Where block (jc, pc) of a whole packed op(B) (k x n) starts: the blocks are stored in the order
// gemm_serial visits them (jc outer, pc inner), and every column block before jc is kNC wide.
template <class T>
std::size_t packed_block_offset(std::size_t k, std::size_t n, std::size_t jc, std::size_t pc) {
  return jc * k + packed_block_size<T>(pc, std::min(kNC, n - jc));
}

}  // namespace

template <class T>
void gemm_reference(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, Scalar<T> alpha,
                    const T* A, std::size_t lda, const T* B, std::size_t ldb, Scalar<T> beta, T* C,
                    std::size_t ldc) {
  const OpView<T> a{A, lda, ta}, b{B, ldb, tb};
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      T s = T(0);
      for (std::size_t p = 0; p < k; ++p) s += a.at(i, p) * b.at(p, j);
      C[i * ldc + j] = alpha * s + (beta == T(0) ? T(0) : beta * C[i * ldc + j]);
    }
}

template <class T>
int gemm_thread_count(std::size_t m, std::size_t n, std::size_t k, int threads) {
  constexpr std::size_t kNR = Tile<T>::kNR;
  const double flops = 2.0 * double(m) * double(n) * double(k);
  const double panels = double((n + kNR - 1) / kNR);
  const double worth = std::floor(flops / kMinFlopsPerThread);
  const double t = std::min({double(std::max(1, threads)), panels, worth});
  return t < 1.0 ? 1 : static_cast<int>(t);
}

template <class T>
void gemm_raw(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, Scalar<T> alpha, const T* A,
              std::size_t lda, const T* B, std::size_t ldb, Scalar<T> beta, T* C, std::size_t ldc,
              int threads) {
  constexpr std::size_t kNR = Tile<T>::kNR;
  if (m == 0 || n == 0) return;
  if (k == 0 || alpha == T(0)) {
    scale_c(m, n, beta, C, ldc);
    return;
  }
  const OpView<T> a{A, lda, ta}, b{B, ldb, tb};
  const int t = gemm_thread_count<T>(m, n, k, threads);
  if (t == 1) {
    gemm_serial(a, b, m, 0, n, k, alpha, beta, C, ldc);
    return;
  }
  // Fixed column panels, whole multiples of kNR, one per thread; this thread takes the first.
  const std::size_t panels = (n + kNR - 1) / kNR;
  std::vector<std::size_t> bounds(t + 1, n);
  for (int r = 0; r < t; ++r) bounds[r] = std::min(n, (panels * r / t) * kNR);
  std::vector<std::thread> workers;
  workers.reserve(t - 1);
  for (int r = 1; r < t; ++r)
    workers.emplace_back(gemm_serial<T>, a, b, m, bounds[r], bounds[r + 1], k, alpha, beta, C, ldc);
  gemm_serial(a, b, m, bounds[0], bounds[1], k, alpha, beta, C, ldc);
  for (auto& w : workers) w.join();
}

template <class T>
void pack_rhs(Trans tb, std::size_t k, std::size_t n, const T* B, std::size_t ldb, BasicPackedRhs<T>& out) {
  const OpView<T> b{B, ldb, tb};
  out.k_ = k;
  out.n_ = n;
  std::size_t total = 0;
  for (std::size_t jc = 0; jc < n; jc += kNC) total += packed_block_size<T>(k, std::min(kNC, n - jc));
  out.panels_.resize(total);
  for (std::size_t jc = 0; jc < n; jc += kNC) {
    const std::size_t nc = std::min(kNC, n - jc);
    for (std::size_t pc = 0; pc < k; pc += kKC)
      pack_b(b, pc, std::min(kKC, k - pc), jc, nc, out.panels_.data() + packed_block_offset<T>(k, n, jc, pc));
  }
}

template <class T>
void gemm_packed_rhs(Trans ta, std::size_t m, Scalar<T> alpha, const T* A, std::size_t lda,
                     const BasicPackedRhs<T>& B, Scalar<T> beta, T* C, std::size_t ldc) {
  const std::size_t n = B.n_, k = B.k_;
  if (m == 0 || n == 0) return;
  if (k == 0 || alpha == T(0)) {
    scale_c(m, n, beta, C, ldc);
    return;
  }
  const OpView<T> a{A, lda, ta};
  T* Ap = a_buffer<T>(m, k);
  for (std::size_t jc = 0; jc < n; jc += kNC) {  // the loops of gemm_serial, without pack_b
    const std::size_t nc = std::min(kNC, n - jc);
    for (std::size_t pc = 0; pc < k; pc += kKC) {
      const T* Bp = B.panels_.data() + packed_block_offset<T>(k, n, jc, pc);
      multiply_packed_block(a, m, pc, std::min(kKC, k - pc), Bp, nc, alpha, pc == 0 ? beta : T(1), C + jc,
                            ldc, Ap);
    }
  }
}

template <class T>
void gemm(Trans ta, Trans tb, Scalar<T> alpha, const BasicMatrix<T>& A, const BasicMatrix<T>& B, Scalar<T> beta,
          BasicMatrix<T>& C, int threads) {
  const std::size_t m = ta == Trans::kNo ? A.rows() : A.cols();
  const std::size_t ka = ta == Trans::kNo ? A.cols() : A.rows();
  const std::size_t kb = tb == Trans::kNo ? B.rows() : B.cols();
  const std::size_t n = tb == Trans::kNo ? B.cols() : B.rows();
  if (ka != kb || C.rows() != m || C.cols() != n) {
    throw std::invalid_argument(std::string("gemm: op(A) ") + (ta == Trans::kYes ? "= A^T, A " : "= A ") +
                                shape_str(A) + ", op(B) " + (tb == Trans::kYes ? "= B^T, B " : "= B ") +
                                shape_str(B) + ", C " + shape_str(C) + ": inner or outer dimensions disagree");
  }
  gemm_raw(ta, tb, m, n, ka, alpha, A.data(), A.cols(), B.data(), B.cols(), beta, C.data(), C.cols(),
           threads);
}
template void gemm(Trans, Trans, double, const Matrix&, const Matrix&, double, Matrix&, int);
template void gemm(Trans, Trans, float, const MatrixF&, const MatrixF&, float, MatrixF&, int);

// The two scalar types, one instantiation each of every entry point.
#define RL_GEMM_INSTANTIATE(T)                                                                                   \
  template void gemm_reference<T>(Trans, Trans, std::size_t, std::size_t, std::size_t, T, const T*, std::size_t, \
                                  const T*, std::size_t, T, T*, std::size_t);                                    \
  template int gemm_thread_count<T>(std::size_t, std::size_t, std::size_t, int);                                 \
  template void gemm_raw<T>(Trans, Trans, std::size_t, std::size_t, std::size_t, T, const T*, std::size_t,       \
                            const T*, std::size_t, T, T*, std::size_t, int);                                     \
  template void pack_rhs<T>(Trans, std::size_t, std::size_t, const T*, std::size_t, BasicPackedRhs<T>&);         \
  template void gemm_packed_rhs<T>(Trans, std::size_t, T, const T*, std::size_t, const BasicPackedRhs<T>&, T,   \
                                   T*, std::size_t);
RL_GEMM_INSTANTIATE(float)
RL_GEMM_INSTANTIATE(double)
#undef RL_GEMM_INSTANTIATE

bool gemm_packs_transposed_in_registers() {
#ifdef RL_HAVE_SHUFFLEVECTOR
  return true;
#else
  return false;
#endif
}

}  // namespace rl
