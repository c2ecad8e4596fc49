// A std::vector allocator whose blocks start on a 64-byte boundary: one cache line, one AVX-512
// register.  Every matrix's storage uses it (linalg/matrix.h), and so do the GEMM's packed panels
// (linalg/gemm.h), so that a row whose length is a multiple of 16 floats or 8 doubles starts on a
// cache line and a full-width vector load never straddles two lines (such loads took 1.7x as long in
// linalg/row_dots.cpp at Fig. 4B's shapes: docs/gemm.md#thin-products-as-row-dot-products).
// Alignment changes no value: the same arithmetic on the same numbers.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace rl {

template <class T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlign{64};
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(std::size_t count) { return static_cast<T*>(::operator new(count * sizeof(T), kAlign)); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, kAlign); }
  friend bool operator==(const CacheLineAllocator&, const CacheLineAllocator&) { return true; }
  friend bool operator!=(const CacheLineAllocator&, const CacheLineAllocator&) { return false; }
};

// The storage of every matrix.
template <class T>
using AlignedVector = std::vector<T, CacheLineAllocator<T>>;

}  // namespace rl
