#include "tests/fuzz/mutate.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace rl::fuzz {
namespace {

std::size_t pick(Rng& rng, std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng.below(n)); }

char random_byte(Rng& rng) {
  // Half the time an "interesting" byte, else any byte.
  static const char interesting[] = {'\0', '\n', '\r', ',', '-', '.', 'e', '9', '0', '\x93', '\xff', '\'', '(', ')'};
  if (rng.uniform() < 0.5) return interesting[pick(rng, sizeof interesting)];
  return static_cast<char>(rng.below(256));
}

std::string flip_bits(std::string s, Rng& rng) {
  if (s.empty()) return s;
  const std::size_t flips = 1 + pick(rng, 8);
  for (std::size_t k = 0; k < flips; ++k) s[pick(rng, s.size())] ^= static_cast<char>(1u << pick(rng, 8));
  return s;
}

std::string insert_bytes(std::string s, Rng& rng) {
  const std::size_t n = 1 + pick(rng, rng.uniform() < 0.9 ? 4 : 300);
  std::string extra;
  for (std::size_t k = 0; k < n; ++k) extra.push_back(random_byte(rng));
  s.insert(pick(rng, s.size() + 1), extra);
  return s;
}

std::string delete_bytes(std::string s, Rng& rng) {
  if (s.empty()) return s;
  const std::size_t at = pick(rng, s.size());
  s.erase(at, 1 + pick(rng, rng.uniform() < 0.8 ? 4 : s.size()));
  return s;
}

// Truncation at a length of every class: empty, tiny, binary header boundaries, half, one short, random.
std::string truncate(std::string s, Rng& rng) {
  const std::size_t n = s.size();
  const std::size_t classes[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 63, 64, 65, 127, 128};
  std::size_t len = 0;
  switch (pick(rng, 4)) {
    case 0: len = classes[pick(rng, sizeof classes / sizeof classes[0])]; break;
    case 1: len = n / 2; break;
    case 2: len = n == 0 ? 0 : n - 1; break;
    default: len = pick(rng, n + 1); break;
  }
  s.resize(std::min(len, n));
  return s;
}

// A 4-byte word (big- or little-endian, aligned in the first 64 bytes) set to an extreme value:
// the count / dimension / header-length fields of IDX and .npy.
std::string header_word(std::string s, Rng& rng) {
  if (s.size() < 4) return s;
  static const std::uint32_t values[] = {0u, 1u, 2u, 0x7fu, 0x80u, 0xffu, 0xffffu, 0x10000u, 0x7fffffffu,
                                         0x80000000u, 0xfffffffeu, 0xffffffffu, 0x00000803u, 0x00000801u};
  const std::uint32_t v = rng.uniform() < 0.7 ? values[pick(rng, sizeof values / sizeof values[0])]
                                              : static_cast<std::uint32_t>(rng.next_u64());
  const std::size_t slots = std::min<std::size_t>(16, s.size() / 4);
  const std::size_t at = rng.uniform() < 0.7 ? 4 * pick(rng, slots) : pick(rng, std::min<std::size_t>(64, s.size() - 3));
  const bool big = rng.uniform() < 0.5;
  for (int b = 0; b < 4; ++b) s[at + b] = static_cast<char>(v >> (8 * (big ? 3 - b : b)));
  return s;
}

// A numeric token of the text (a run of digits, signs, '.', 'e') replaced by a hostile one.
std::string replace_number(std::string s, Rng& rng) {
  static const char* const tokens[] = {
      "-0.5", "-1", "0", "1e308", "-1e308", "1e999", "nan", "NaN", "inf", "-inf", "99999999999999999999",
      "18446744073709551615", "9223372036854775807", "-9223372036854775808", "4294967295", "1e-320", "0x1p3",
      "7", "2", "1.0000001", " 1", "1 ", "+1", "", "00000000000000000001", "1e5", "65536", "1000000"};
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (std::isdigit(static_cast<unsigned char>(s[i])) && (i == 0 || !std::isdigit(static_cast<unsigned char>(s[i - 1]))))
      starts.push_back(i);
  if (starts.empty()) return s;
  std::size_t b = starts[pick(rng, starts.size())];
  if (b > 0 && s[b - 1] == '-') --b;
  std::size_t e = b;
  while (e < s.size() && (std::isdigit(static_cast<unsigned char>(s[e])) || s[e] == '.' || s[e] == 'e' ||
                          s[e] == 'E' || s[e] == '-' || s[e] == '+'))
    ++e;
  std::string token = tokens[pick(rng, sizeof tokens / sizeof tokens[0])];
  if (rng.uniform() < 0.15) {  // a NUL inside the number: "12\0" "34"
    const std::string original = s.substr(b, e - b);
    token = original.substr(0, original.size() / 2) + std::string(1, '\0') + original.substr(original.size() / 2);
  }
  return s.replace(b, e - b, token);
}

std::string duplicate_or_delete_line(std::string s, Rng& rng) {
  std::vector<std::size_t> line_starts = {0};
  for (std::size_t i = 0; i + 1 < s.size(); ++i)
    if (s[i] == '\n') line_starts.push_back(i + 1);
  const std::size_t k = pick(rng, line_starts.size());
  const std::size_t b = line_starts[k];
  const std::size_t nl = s.find('\n', b);
  const std::size_t e = nl == std::string::npos ? s.size() : nl + 1;
  const std::string line = s.substr(b, e - b);
  if (rng.uniform() < 0.5) return s.erase(b, e - b);
  const std::size_t copies = rng.uniform() < 0.9 ? 1 : 1 + pick(rng, 50);
  std::string many;
  for (std::size_t c = 0; c < copies; ++c) many += line;
  return s.insert(pick(rng, 2) ? e : b, many);
}

// A field between commas emptied or replaced by a long one.
std::string damage_field(std::string s, Rng& rng) {
  std::vector<std::size_t> commas;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == ',') commas.push_back(i);
  if (commas.empty()) return s;
  const std::size_t b = commas[pick(rng, commas.size())] + 1;
  std::size_t e = b;
  while (e < s.size() && s[e] != ',' && s[e] != '\n' && s[e] != '\r') ++e;
  const double u = rng.uniform();
  const std::string replacement = u < 0.4 ? "" : u < 0.7 ? std::string(1 + pick(rng, 2000), '9') : ",";
  return s.replace(b, e - b, replacement);
}

std::string random_bytes(Rng& rng, std::size_t max_size) {
  std::string s(pick(rng, std::min<std::size_t>(max_size, 4096) + 1), '\0');
  for (char& c : s) c = random_byte(rng);
  return s;
}

}  // namespace

std::string mutate_once(const std::string& input, int kind, Rng& rng, std::size_t max_size) {
  std::string out;
  switch (kind) {
    case 0: out = flip_bits(input, rng); break;
    case 1: out = insert_bytes(input, rng); break;
    case 2: out = delete_bytes(input, rng); break;
    case 3: out = truncate(input, rng); break;
    case 4: out = header_word(input, rng); break;
    case 5: out = replace_number(input, rng); break;
    case 6: out = replace_number(replace_number(input, rng), rng); break;
    case 7: out = duplicate_or_delete_line(input, rng); break;
    case 8: out = damage_field(input, rng); break;
    default: out = random_bytes(rng, max_size); break;
  }
  if (out.size() > max_size) out.resize(max_size);
  return out;
}

std::string mutate(const std::string& valid, Rng& rng, std::size_t max_size) {
  if (valid.empty() || rng.uniform() < 0.02) return random_bytes(rng, max_size);
  std::string s = valid;
  const std::size_t rounds = 1 + pick(rng, 3);
  for (std::size_t r = 0; r < rounds; ++r) {
    // Random bytes replace everything, so draw them only as a first round.
    const int kind = static_cast<int>(pick(rng, r == 0 ? kNumMutations : kNumMutations - 1));
    s = mutate_once(s, kind, rng, max_size);
  }
  return s;
}

}  // namespace rl::fuzz
