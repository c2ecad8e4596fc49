#include "demos/toolkit/atomic_file.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace rl {

namespace fs = std::filesystem;

namespace {

// The folders make_dirs created (not those that existed), in creation order; guarded by the mutex
// (worker threads write run files).
std::mutex folders_made_mutex;
std::vector<fs::path> folders_made;

}  // namespace

void make_dirs(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  std::vector<fs::path> missing;  // dir and its missing parents, deepest first
  for (fs::path p = fs::path(dir).lexically_normal(); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create folder '" + dir + "': " + ec.message());
  if (!fs::is_directory(dir, ec))
    throw std::runtime_error("cannot create folder '" + dir + "': a file of that name exists");
  const std::lock_guard<std::mutex> lock(folders_made_mutex);
  folders_made.insert(folders_made.end(), missing.rbegin(), missing.rend());
}

std::size_t remove_empty_folders_made() {
  const std::lock_guard<std::mutex> lock(folders_made_mutex);
  std::size_t removed = 0;
  for (auto it = folders_made.rbegin(); it != folders_made.rend(); ++it) {  // deepest (latest) first
    std::error_code ec;
    if (fs::is_directory(*it, ec) && fs::is_empty(*it, ec) && fs::remove(*it, ec)) ++removed;
  }
  folders_made.clear();
  return removed;
}

std::string temporary_name_for(const std::string& path) {
  static std::atomic<unsigned long> counter{0};  // unique within the process, across threads
  const fs::path p(path);
  const fs::path tmp_name = "." + p.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                            std::to_string(counter.fetch_add(1));
  return (p.parent_path() / tmp_name).string();
}

std::size_t remove_stale_temporaries(const std::string& dir, double min_age_seconds) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  std::size_t removed = 0;
  const auto now = fs::file_time_type::clock::now();
  static const std::regex temporary(R"(\..+\.tmp\.([0-9]+)\.[0-9]+)");  // temporary_name_for's form
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    std::smatch m;
    if (!std::regex_match(name, m, temporary) || !e.is_regular_file(ec)) continue;
    const long pid = std::strtol(m[1].str().c_str(), nullptr, 10);
    const bool alive = pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
    const double age = std::chrono::duration<double>(now - e.last_write_time(ec)).count();
    if (alive || ec || age < min_age_seconds) continue;
    if (fs::remove(e.path(), ec)) ++removed;
  }
  return removed;
}

void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& write_body) {
  const fs::path target(path);
  if (target.filename().empty())
    throw std::invalid_argument("write_file_atomic: output path '" + path + "' names no file");
  make_dirs(target.parent_path().string());
  const std::string tmp = temporary_name_for(path);
  std::error_code ignored;  // removing the temporary after a failure is best effort: the failure is reported
  std::ofstream os(tmp, std::ios::binary | std::ios::trunc);
  if (!os) throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
  try {
    write_body(os);
    os.flush();
    if (!os) throw std::runtime_error("cannot write '" + path + "': write failed (disk full?)");
    os.close();
    if (os.fail()) throw std::runtime_error("cannot write '" + path + "': close failed");
  } catch (...) {
    os.close();
    fs::remove(tmp, ignored);
    throw;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    fs::remove(tmp, ignored);
    throw std::runtime_error("cannot write '" + path + "': rename from temporary file failed: " + reason);
  }
}

void write_text_atomic(const std::string& path, const std::string& text) {
  write_file_atomic(path, [&](std::ostream& os) { os << text; });
}

std::string read_text_file(const std::string& path) {
  std::ifstream is(path, std::ios::binary);
  if (!is) throw std::runtime_error("cannot read '" + path + "': " + std::strerror(errno));
  std::ostringstream ss;
  ss << is.rdbuf();
  if (is.bad()) throw std::runtime_error("cannot read '" + path + "': read error");
  return ss.str();
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

}  // namespace rl
