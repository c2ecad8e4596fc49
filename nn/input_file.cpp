#include "nn/input_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace rl {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& kind, const std::string& problem) {
  throw std::runtime_error(kind + " '" + path + "': " + problem);
}

std::string what_it_is(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a pipe (FIFO)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

}  // namespace

std::uintmax_t regular_file_size(const std::string& path, const std::string& kind, std::uintmax_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) fail(path, kind, std::string("cannot open: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) fail(path, kind, "is " + what_it_is(st.st_mode) + ", not a regular file");
  const auto size = static_cast<std::uintmax_t>(st.st_size);
  if (size > max_bytes)
    fail(path, kind, "is " + std::to_string(size) + " bytes, more than the " + std::to_string(max_bytes) +
                         " this reader accepts (wrong file?)");
  return size;
}

std::string read_input_file(const std::string& path, const std::string& kind, std::uintmax_t max_bytes) {
  const std::uintmax_t size = regular_file_size(path, kind, max_bytes);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, kind, std::string("cannot open for reading: ") + std::strerror(errno));
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size)
    fail(path, kind, "read " + std::to_string(in.gcount()) + " of " + std::to_string(size) +
                         " bytes (read error, or the file shrank while being read)");
  if (in.peek() != std::char_traits<char>::eof()) fail(path, kind, "the file grew while being read");
  return bytes;
}

}  // namespace rl
