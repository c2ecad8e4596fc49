// Input mutations for the bounded fuzzer (tests/fuzz/README.md): each takes a valid file's bytes and
// returns a damaged copy, drawn from an explicit seeded Rng so that every run is reproducible.
//
// The kinds (one to three applied per input):
//   bit flips, byte insertions and deletions, truncation at a length of every class (0, 1, header
//   boundaries, half, one short, random), a 4-byte header word set to an extreme value, a number in
//   the text replaced by a huge, negative, NaN, Inf or NUL-carrying token, a line duplicated or
//   deleted, a field emptied, and whole inputs of random bytes.
#pragma once

#include <cstdint>
#include <string>

#include "linalg/rng.h"

namespace rl::fuzz {

// A damaged copy of `valid` (which may be empty: then random bytes).  max_size bounds the result.
std::string mutate(const std::string& valid, Rng& rng, std::size_t max_size = 1 << 20);

// The number of mutation kinds and one by index (for tests of the mutator itself).
constexpr int kNumMutations = 10;
std::string mutate_once(const std::string& input, int kind, Rng& rng, std::size_t max_size);

}  // namespace rl::fuzz
