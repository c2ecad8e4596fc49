#include "nn/npy.h"

#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>

#include "nn/input_file.h"

namespace rl {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;
constexpr std::size_t kAlign = 64;            // numpy/lib/format.py ARRAY_ALIGN
constexpr std::size_t kGrowthAxisDigits = 21;  // numpy/lib/format.py GROWTH_AXIS_MAX_DIGITS

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw std::runtime_error("npy file '" + path + "': " + problem);
}

std::string shape_literal(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

void put_u64_le(std::string& out, std::uint64_t bits) {
  for (int b = 0; b < 8; ++b) out.push_back(static_cast<char>((bits >> (8 * b)) & 0xff));
}

double get_f64_le(const unsigned char* p) {
  std::uint64_t bits = 0;
  for (int b = 7; b >= 0; --b) bits = (bits << 8) | p[b];
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// Writes header + data to a temporary name beside `path`, then renames it onto `path`.
void write_atomically(const std::string& path, const std::vector<std::size_t>& shape,
                      const double* data, std::size_t count) {
  std::string bytes = npy_header(shape);
  bytes.reserve(bytes.size() + 8 * count);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t bits;
    std::memcpy(&bits, &data[i], sizeof bits);
    put_u64_le(bytes, bits);
  }
  const std::string tmp = path + ".tmp" + std::to_string(static_cast<long>(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail(path, "cannot open temporary file '" + tmp + "' for writing");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      fail(path, "write to temporary file '" + tmp + "' failed");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    fail(path, "cannot rename temporary file into place: " + ec.message());
  }
}

// ---- header parsing: the small subset of Python literal syntax that .npy headers use ----

class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

  void expect(char c) {
    skip_space();
    if (pos_ >= s_.size() || s_[pos_] != c)
      fail(path_, std::string("malformed header: expected '") + c + "' at offset " +
                      std::to_string(pos_) + " in " + s_);
    ++pos_;
  }
  bool peek_is(char c) {
    skip_space();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  std::string quoted() {
    skip_space();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"'))
      fail(path_, "malformed header: expected a quoted string in " + s_);
    const char q = s_[pos_++];
    const std::size_t end = s_.find(q, pos_);
    if (end == std::string::npos) fail(path_, "malformed header: unterminated string in " + s_);
    std::string out = s_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return out;
  }
  std::string word() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  std::vector<std::size_t> tuple_of_sizes() {
    expect('(');
    std::vector<std::size_t> dims;
    while (!peek_is(')')) {
      skip_space();
      const std::size_t start = pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      if (pos_ == start || pos_ - start > 18)
        fail(path_, "malformed header: bad shape entry in " + s_);
      dims.push_back(static_cast<std::size_t>(std::stoull(s_.substr(start, pos_ - start))));
      if (!peek_is(')')) expect(',');
    }
    expect(')');
    return dims;
  }
  bool at_end() {
    skip_space();
    return pos_ == s_.size();
  }

 private:
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  const std::string& s_;
  const std::string& path_;
  std::size_t pos_ = 0;
};

NpyArray parse_header_dict(const std::string& header, const std::string& path) {
  HeaderParser p(header, path);
  bool have_descr = false, have_order = false, have_shape = false;
  NpyArray arr;
  p.expect('{');
  while (!p.peek_is('}')) {
    const std::string key = p.quoted();
    p.expect(':');
    if (key == "descr") {
      const std::string descr = p.quoted();
      if (descr != "<f8")
        fail(path, "dtype '" + descr + "' is not supported (only little-endian float64 '<f8')");
      have_descr = true;
    } else if (key == "fortran_order") {
      const std::string v = p.word();
      if (v == "True") fail(path, "Fortran-order arrays are not supported (need C order)");
      if (v != "False") fail(path, "malformed header: fortran_order is '" + v + "'");
      have_order = true;
    } else if (key == "shape") {
      arr.shape = p.tuple_of_sizes();
      have_shape = true;
    } else {
      fail(path, "malformed header: unknown key '" + key + "'");
    }
    if (!p.peek_is('}')) p.expect(',');
  }
  p.expect('}');
  if (!p.at_end()) fail(path, "malformed header: trailing text after the dict in " + header);
  if (!have_descr || !have_order || !have_shape)
    fail(path, "malformed header: missing 'descr', 'fortran_order' or 'shape' in " + header);
  return arr;
}

}  // namespace

NpyArray parse_npy(const std::string& bytes, const std::string& path) {
  if (bytes.size() < kMagicLen + 2 || bytes.compare(0, kMagicLen, kMagic, kMagicLen) != 0)
    fail(path, "bad magic string (not a .npy file)");
  const auto* u = reinterpret_cast<const unsigned char*>(bytes.data());
  const int major = u[6], minor = u[7];
  std::size_t len_bytes = 0;
  if (major == 1 && minor == 0) len_bytes = 2;
  else if (major == 2 && minor == 0) len_bytes = 4;
  else fail(path, "unsupported format version " + std::to_string(major) + "." + std::to_string(minor));
  const std::size_t prefix = kMagicLen + 2 + len_bytes;
  if (bytes.size() < prefix) fail(path, "truncated header");
  std::size_t header_len = 0;
  for (std::size_t b = len_bytes; b-- > 0;) header_len = (header_len << 8) | u[kMagicLen + 2 + b];
  if (bytes.size() < prefix + header_len) fail(path, "truncated header");
  const std::string header = bytes.substr(prefix, header_len);
  if (header.empty() || header.back() != '\n') fail(path, "malformed header: no terminating newline");
  NpyArray arr = parse_header_dict(header, path);

  std::size_t count = 1;
  for (std::size_t d : arr.shape) {
    if (d != 0 && count > std::numeric_limits<std::size_t>::max() / 8 / d)
      fail(path, "shape " + shape_literal(arr.shape) + " is too large");
    count *= d;
  }
  const std::size_t data_bytes = bytes.size() - prefix - header_len;
  if (data_bytes != 8 * count)
    fail(path, "data length " + std::to_string(data_bytes) + " bytes does not match shape " +
                   shape_literal(arr.shape) + " (" + std::to_string(8 * count) + " bytes)" +
                   (data_bytes < 8 * count ? ": truncated" : ": trailing bytes"));
  arr.data.resize(count);
  const unsigned char* data = u + prefix + header_len;
  for (std::size_t i = 0; i < count; ++i) arr.data[i] = get_f64_le(data + 8 * i);
  return arr;
}

namespace {

NpyArray read_npy(const std::string& path) {
  return parse_npy(read_input_file(path, "npy file", kMaxNpyFileBytes), path);
}

void check_block_name(const std::string& folder, const std::string& name) {
  bool ok = !name.empty() && name != "." && name != "..";
  for (char c : name)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  if (!ok)
    throw std::invalid_argument("npy bundle '" + folder + "': block name '" + name +
                                "' must be non-empty and use only letters, digits, '_', '-', '.'");
}

}  // namespace

std::string npy_header(const std::vector<std::size_t>& shape) {
  if (shape.empty() || shape.size() > 2)
    throw std::invalid_argument("npy_header: shape must have 1 or 2 dimensions, got " +
                                std::to_string(shape.size()));
  // numpy/lib/format.py _write_array_header: dict with sorted keys, then spare spaces so that
  // the first axis can grow to 21 digits in place, then _wrap_header pads to ARRAY_ALIGN.
  std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape_literal(shape) + ", }";
  dict += std::string(kGrowthAxisDigits - std::to_string(shape[0]).size(), ' ');
  const std::size_t hlen = dict.size() + 1;  // + '\n'
  const std::size_t pad = kAlign - (kMagicLen + 2 + 2 + hlen) % kAlign;  // 64 when already aligned, as numpy
  const std::size_t total = hlen + pad;
  if (total > 0xffff) throw std::invalid_argument("npy_header: header too long for format 1.0");
  std::string out(kMagic, kMagicLen);
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(total & 0xff));
  out.push_back(static_cast<char>(total >> 8));
  out += dict;
  out += std::string(pad, ' ');
  out.push_back('\n');
  return out;
}

void save_npy(const std::string& path, const Matrix& m) {
  write_atomically(path, {m.rows(), m.cols()}, m.data(), m.size());
}

void save_npy(const std::string& path, const std::vector<double>& v) {
  write_atomically(path, {v.size()}, v.data(), v.size());
}

Matrix load_npy_matrix(const std::string& path) {
  NpyArray arr = read_npy(path);
  if (arr.shape.size() != 2)
    fail(path, "expected a 2-D array, found shape " + shape_literal(arr.shape));
  return Matrix::from_vector(arr.shape[0], arr.shape[1], std::move(arr.data));
}

std::vector<double> load_npy_vector(const std::string& path) {
  NpyArray arr = read_npy(path);
  if (arr.shape.size() != 1)
    fail(path, "expected a 1-D array, found shape " + shape_literal(arr.shape));
  return std::move(arr.data);
}

void save_npy_bundle(const std::string& folder, const std::map<std::string, Matrix>& blocks) {
  for (const auto& [name, m] : blocks) check_block_name(folder, name);
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw std::runtime_error("npy bundle '" + folder + "': cannot create folder: " + ec.message());
  for (const auto& [name, m] : blocks) save_npy(folder + "/" + name + ".npy", m);
}

std::map<std::string, Matrix> load_npy_bundle(const std::string& folder,
                                              const std::vector<std::string>& names) {
  std::map<std::string, Matrix> blocks;
  for (const std::string& name : names) {
    check_block_name(folder, name);
    blocks[name] = load_npy_matrix(folder + "/" + name + ".npy");
  }
  return blocks;
}

}  // namespace rl
