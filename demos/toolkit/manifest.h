// Run manifest: what produced a result folder, written beside the results as manifest.json
// (docs/demos.md#where-outputs-go): the fields of RunManifest below, in that order.
//
//   rl::RunManifest manifest = rl::start_manifest(cli);   // right after cli.parse_or_exit()
//   rl::write_manifest(rl::manifest_path(cli), manifest);  // after the runs: stamps the wall time
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "demos/toolkit/cli.h"
#include "nn/results_revision.h"

namespace rl {

struct RunManifest {
  std::string program;
  std::string command_line;
  std::vector<std::pair<std::string, std::string>> flags;  // name -> value as text
  std::int64_t seed = 0;
  std::string git_revision = "unknown";
  std::string results_revision = kResultsRevision;
  std::string precision = "f64";
  std::string start_time_utc;  // "2026-01-31T12:34:56Z"
  double wall_seconds = 0.0;   // filled in by write_manifest
  double cpu_seconds = 0.0;    // filled in by write_manifest: this process, all threads
  double cpu_at_start = 0.0;   // this process's CPU seconds at start_manifest (not written)
  unsigned host_cores = 0;
  std::vector<std::pair<std::string, std::string>> notes;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// Records program, command line, flags, seed (if --seed is declared), git revision, start time, cores.
RunManifest start_manifest(const Cli& cli);

// Where a program writes its manifest: "<--out>/manifest.json", or "<--out>/manifest_shard<i>.json"
// under --shard i/n with n > 1 (so that shards sharing a folder do not overwrite each other).
std::string manifest_path(const Cli& cli);

// Sets wall_seconds to the time since start_manifest() and writes `path` atomically.
void write_manifest(const std::string& path, RunManifest manifest);

// `git rev-parse HEAD` (40 hex digits), or "unknown".
std::string git_revision();

// JSON string literal of `s`, with quotes ("a\"b" -> "\"a\\\"b\""), RFC 8259 escapes.
std::string json_quote(const std::string& s);

}  // namespace rl
