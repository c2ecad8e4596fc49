// A progress line on stderr: "fig1 runs 12/120 (10%) elapsed 0:12 ETA 1:48".
//
// When the stream is a terminal (isatty) the line is redrawn in place with '\r', at most every
// kRedrawSeconds; otherwise (a log file, a Slurm job) nothing is printed until finish(), which
// prints one summary line "fig1 runs 120/120 done in 2:03".  tick() may be called from any thread.
//
//   rl::Progress progress("fig1 runs", runs.size());
//   ... progress.tick(); ...                 // once per finished run, from any worker
//   progress.finish();                       // the summary line (also called by the destructor)
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <mutex>
#include <string>

namespace rl {

class Progress {
 public:
  static constexpr double kRedrawSeconds = 0.1;  // [TP] terminal redraw throttle

  // Writes to std::cerr; redraws in place only if stderr is a terminal.
  Progress(std::string label, std::size_t total);
  // Writes to `out`; `interactive` selects the in-place redraw (tests use a stringstream).
  Progress(std::string label, std::size_t total, std::ostream& out, bool interactive);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void tick(std::size_t n = 1);  // thread-safe
  void finish();                 // prints the summary line once; later calls do nothing
  std::size_t done() const;

  // "label done/total (pct%) elapsed m:ss ETA m:ss"; ETA is "?" before the first completion.
  static std::string format_line(const std::string& label, std::size_t done, std::size_t total,
                                 double elapsed_seconds);
  // "m:ss", or "h:mm:ss" from one hour.
  static std::string format_duration(double seconds);

 private:
  double elapsed_seconds() const;

  std::string label_;
  std::size_t total_;
  std::ostream& out_;
  bool interactive_;
  std::chrono::steady_clock::time_point start_;
  double last_draw_ = -1.0;
  std::size_t done_ = 0;
  bool finished_ = false;
  mutable std::mutex mutex_;
};

}  // namespace rl
