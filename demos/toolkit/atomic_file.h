// Atomic file output (docs/demos.md#where-outputs-go: a result file is complete or absent).  The body is
// written to a temporary name in the *same folder*, so that the final rename(2) stays on one file
// system and is atomic on POSIX; on any failure the temporary is removed and the exception propagates.
// Parent folders are made as needed; failures throw std::runtime_error naming the path and the reason.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>

namespace rl {

// Creates `dir` and all missing parents (mkdir -p).  No-op for "" or an existing folder.
// Throws std::runtime_error naming `dir` if it cannot be created or is not a folder.
void make_dirs(const std::string& dir);

// Removes the folders make_dirs created in this process that are empty now, deepest first, forgets
// them, and returns how many it removed.  guarded_main (demos/toolkit/runner.h) calls it when a program
// fails, so that a failure leaves no empty --out or runs/ folder behind (docs/demos.md#where-outputs-go);
// a folder that holds anything (a finished run file, a teacher cache) is kept.
std::size_t remove_empty_folders_made();

// Writes `path` atomically: creates the parent folder, calls `write_body` on a stream opened on a
// temporary file beside `path`, then renames it to `path`.  On any exception from `write_body`, or
// a stream error, removes the temporary file and rethrows (stream errors become std::runtime_error).
void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& write_body);
void write_text_atomic(const std::string& path, const std::string& text);  // the body: `text`

// Whole file as a string; throws std::runtime_error naming `path` if it cannot be read.
std::string read_text_file(const std::string& path);

// True if `path` names an existing regular file.
bool file_exists(const std::string& path);

// The temporary name used for `path` by this process and call (exposed for tests):
// "<dir>/.<name>.tmp.<pid>.<counter>".  Hidden so that a `ls` or glob of results never sees it.
std::string temporary_name_for(const std::string& path);

// Removes the temporaries a killed writer left in `dir` (not its subfolders): files whose name
// temporary_name_for made, whose <pid> is no live process on this machine and which were last modified
// more than `min_age_seconds` ago.  Both conditions, so that a live writer on another machine of a
// cluster sharing the folder (whose pid means nothing here) is never touched: writing one run file
// takes milliseconds.  Returns how many were removed; a missing folder removes nothing.
std::size_t remove_stale_temporaries(const std::string& dir, double min_age_seconds = 60.0);

}  // namespace rl
