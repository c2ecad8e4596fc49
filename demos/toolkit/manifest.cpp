#include "demos/toolkit/manifest.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <sys/resource.h>
#include <sys/time.h>
#include <thread>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/csv.h"

namespace rl {

std::string git_revision() {
  FILE* pipe = ::popen("git rev-parse HEAD 2>/dev/null", "r");
  if (!pipe) return "unknown";
  char buf[128] = {0};
  const bool got = std::fgets(buf, sizeof buf, pipe) != nullptr;
  const int status = ::pclose(pipe);
  if (!got || status != 0) return "unknown";
  std::string rev(buf);
  while (!rev.empty() && std::isspace(static_cast<unsigned char>(rev.back()))) rev.pop_back();
  const bool hex = rev.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
  return rev.size() == 40 && hex ? rev : "unknown";
}

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

namespace {

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string json_pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string s = "{";
  for (std::size_t i = 0; i < pairs.size(); ++i)
    s += (i ? ", " : "") + json_quote(pairs[i].first) + ": " + json_quote(pairs[i].second);
  return s + "}";
}

// User + system CPU seconds of this process so far (getrusage), 0 if unavailable.
double process_cpu_seconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0.0;
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string manifest_json(const RunManifest& m) {
  const std::vector<std::pair<const char*, std::string>> fields = {
      {"program", json_quote(m.program)}, {"command_line", json_quote(m.command_line)},
      {"flags", json_pairs(m.flags)}, {"seed", std::to_string(m.seed)},
      {"git_revision", json_quote(m.git_revision)}, {"results_revision", json_quote(m.results_revision)},
      {"precision", json_quote(m.precision)}, {"start_time_utc", json_quote(m.start_time_utc)},
      {"wall_seconds", format_number(m.wall_seconds)}, {"cpu_seconds", format_number(m.cpu_seconds)},
      {"host_cores", std::to_string(m.host_cores)}, {"notes", json_pairs(m.notes)}};
  std::string s = "{";
  for (std::size_t i = 0; i < fields.size(); ++i)
    s += (i ? ",\n  \"" : "\n  \"") + std::string(fields[i].first) + "\": " + fields[i].second;
  return s + "\n}\n";
}

}  // namespace

RunManifest start_manifest(const Cli& cli) {
  RunManifest m;
  m.program = cli.program();
  m.command_line = cli.command_line();
  m.flags = cli.values_as_text();
  if (cli.has("seed")) m.seed = cli.get_int("seed");
  if (cli.has("precision")) m.precision = cli.get_string("precision");
  m.git_revision = git_revision();
  m.start_time_utc = utc_now_iso8601();
  m.host_cores = std::thread::hardware_concurrency();
  m.started = std::chrono::steady_clock::now();
  m.cpu_at_start = process_cpu_seconds();
  return m;
}

std::string manifest_path(const Cli& cli) {
  const Shard shard = cli.shard();
  return cli.out_dir() + (shard.count > 1 ? "/manifest_shard" + std::to_string(shard.index) + ".json" : "/manifest.json");
}

void write_manifest(const std::string& path, RunManifest manifest) {
  manifest.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - manifest.started).count();
  manifest.cpu_seconds = process_cpu_seconds() - manifest.cpu_at_start;
  write_text_atomic(path, manifest_json(manifest));
}

}  // namespace rl
