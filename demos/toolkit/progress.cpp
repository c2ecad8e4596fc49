#include "demos/toolkit/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace rl {

Progress::Progress(std::string label, std::size_t total)
    : Progress(std::move(label), total, std::cerr, ::isatty(STDERR_FILENO) == 1) {}

Progress::Progress(std::string label, std::size_t total, std::ostream& out, bool interactive)
    : label_(std::move(label)),
      total_(total),
      out_(out),
      interactive_(interactive),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  try {
    finish();
  } catch (...) {
    // a destructor must not throw; the summary line is a courtesy
  }
}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string Progress::format_duration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

std::string Progress::format_line(const std::string& label, std::size_t done, std::size_t total,
                                  double elapsed_seconds) {
  const double pct = total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0;
  std::string eta = "?";
  if (done > 0 && done <= total)
    eta = format_duration(elapsed_seconds / static_cast<double>(done) * static_cast<double>(total - done));
  char pct_text[16];
  std::snprintf(pct_text, sizeof pct_text, "%.0f", std::floor(pct));
  return label + " " + std::to_string(done) + "/" + std::to_string(total) + " (" + pct_text + "%) elapsed " +
         format_duration(elapsed_seconds) + " ETA " + eta;
}

void Progress::tick(std::size_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  done_ += n;
  if (!interactive_ || finished_) return;
  const double now = elapsed_seconds();
  if (last_draw_ >= 0.0 && now - last_draw_ < kRedrawSeconds && done_ < total_) return;
  last_draw_ = now;
  out_ << '\r' << format_line(label_, done_, total_, now) << "\x1b[K" << std::flush;  // ESC[K: clear rest
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (interactive_) out_ << '\r';
  out_ << label_ << " " << done_ << "/" << total_ << " done in " << format_duration(elapsed_seconds())
       << (interactive_ ? "\x1b[K" : "") << "\n"
       << std::flush;
}

std::size_t Progress::done() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return done_;
}

}  // namespace rl
