// The one place that reads what vector instructions the compiler targets (its predefined macros)
// and turns them into a register width and a register count.  The GEMM micro-kernel
// (linalg/gemm.cpp) derives its lane count and register tile from these two numbers, for float and
// double alike; see docs/gemm.md#vector-width-from-the-instruction-set.
//
//   target (macro)                          register  registers  double lanes  float lanes
//   AVX-512 (__AVX512F__)                   64 bytes  32         8             16
//   AVX / AVX2 (__AVX__)                    32 bytes  16         4             8
//   SSE2, x86-64's baseline (__SSE2__)      16 bytes  16         2             4
//   ARM NEON (__ARM_NEON), AArch64          16 bytes  32         2             4
//   ARM NEON, 32-bit ARM                    16 bytes  16         2             4
//   WebAssembly SIMD (__wasm_simd128__)     16 bytes  16         2             4
//   anything else (portable fallback)       16 bytes  16         2             4
//
// The fallback uses the common 16-byte width: compilers lower a 16-byte GCC vector to whatever the
// target has (a vector register, or pairs of scalar operations), and a tile of 16-byte vectors fits
// the 32 floating-point registers most scalar ISAs have.  A vector wider than the hardware's (the
// old fixed 64-byte one under `make PORTABLE=1`) is split into several registers and the kernel's
// tile spills to memory: 20x slower.
#pragma once

#include <cstddef>

namespace rl {

#if defined(__AVX512F__)
inline constexpr std::size_t kSimdBytes = 64;
inline constexpr std::size_t kSimdRegisters = 32;
#elif defined(__AVX__)
inline constexpr std::size_t kSimdBytes = 32;
inline constexpr std::size_t kSimdRegisters = 16;
#elif defined(__ARM_NEON) && defined(__aarch64__)
inline constexpr std::size_t kSimdBytes = 16;
inline constexpr std::size_t kSimdRegisters = 32;
#else  // __SSE2__, 32-bit __ARM_NEON, __wasm_simd128__, and the portable fallback
inline constexpr std::size_t kSimdBytes = 16;
inline constexpr std::size_t kSimdRegisters = 16;
#endif

// SimdVec<T>::type: one vector register of T values (GCC/Clang vector extension, no intrinsics);
// SimdVec<T>::kLanes values.  Never pass one by value across a function boundary: its ABI differs
// between builds (GCC warns with -Wpsabi).
template <class T>
struct SimdVec {
  static constexpr std::size_t kLanes = kSimdBytes / sizeof(T);
  typedef T type __attribute__((vector_size(kSimdBytes)));
};

}  // namespace rl
