#include "demos/toolkit/runner.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <system_error>
#include <thread>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/train_config.h"

namespace rl {

Progress::Progress(std::string label, std::size_t total, std::ostream& out, bool interactive)
    : label_(std::move(label)), total_(total), out_(out), interactive_(interactive) {}

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
  const std::size_t pct = total ? 100 * done / total : 100;  // floored: 100% only when done
  std::string eta = "?";
  if (done > 0 && done <= total)
    eta = format_duration(elapsed_seconds / static_cast<double>(done) * static_cast<double>(total - done));
  return label + " " + std::to_string(done) + "/" + std::to_string(total) + " (" + std::to_string(pct) +
         "%) elapsed " + format_duration(elapsed_seconds) + " ETA " + eta;
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

RunError::RunError(const RunSpec& spec, const std::string& message)
    : std::runtime_error(spec.id() + " failed: " + message), spec_(spec) {}

namespace {

std::string describe_exception(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::bad_alloc&) {
    return "out of memory (std::bad_alloc): lower --threads or the flags that size a run";
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown exception";
  }
}

// Under `ulimit -v` every thread costs address space before it does any work: its stack (8 MiB by
// default) and, once it allocates, a malloc arena (64 MiB reserved by glibc).  Workers beyond a
// quarter of the limit at that price would leave no room for the runs, so they are not started.
// No limit: no cap.
std::size_t workers_within_address_space_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return static_cast<std::size_t>(-1);
  constexpr double kPerWorker = (8.0 + 64.0) * 1024 * 1024;
  return std::max<std::size_t>(1, static_cast<std::size_t>(static_cast<double>(limit.rlim_cur) / 4.0 / kPerWorker));
}

// min(threads, n) workers, capped by the address-space limit (said on stderr when it caps).
std::size_t workers_for(std::size_t n, int threads) {
  const std::size_t wanted = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, threads)));
  const std::size_t fit = workers_within_address_space_limit();
  if (wanted <= fit) return wanted;
  std::fprintf(stderr, "WARNING: the address-space limit (ulimit -v) leaves room for %zu worker threads, not %zu; "
               "running on %zu\n", fit, wanted, fit);
  return fit;
}

// Runs work() on `workers` threads.  Every worker waits at the gate until all are started, so that when
// the operating system refuses one (std::system_error: a thread or memory limit), the ones beyond the
// usable count leave before touching a job.  The limit means resources are short: half of the started
// workers run (at least one), leaving memory for the runs themselves.
void run_on_threads(std::size_t workers, int simulate_thread_limit, const std::function<void()>& work) {
  std::mutex gate_mutex;
  std::condition_variable gate;
  bool opened = false;
  std::size_t active = 0;
  auto gated = [&](std::size_t w) {
    {
      std::unique_lock<std::mutex> lock(gate_mutex);
      gate.wait(lock, [&] { return opened; });
    }
    if (w < active) work();
  };
  std::vector<std::thread> pool;
  std::string refused;  // why the operating system would not start a worker
  for (std::size_t w = 0; w < workers; ++w) {
    try {
      if (simulate_thread_limit >= 0 && w >= static_cast<std::size_t>(simulate_thread_limit))
        throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again),
                                "simulated thread limit");
      pool.emplace_back(gated, w);
    } catch (const std::system_error& e) {
      refused = e.what();
      break;
    }
  }
  active = pool.size() == workers ? workers : std::max<std::size_t>(1, pool.size() / 2);
  {
    std::lock_guard<std::mutex> lock(gate_mutex);
    opened = true;
  }
  gate.notify_all();
  if (pool.empty())
    throw std::runtime_error("could not start any of the " + std::to_string(workers) +
                             " worker threads (--threads): " + refused +
                             "; try a smaller --threads or raise the process limits (ulimit -u, -v)");
  if (pool.size() < workers)
    std::fprintf(stderr, "WARNING: the system started only %zu of %zu worker threads (%s); running on %zu\n",
                 pool.size(), workers, refused.c_str(), active);
  for (std::thread& t : pool) t.join();
}

// RunError for the failed job with the smallest index, saying how many others failed; nothing if none did.
void throw_first_failure(const std::vector<RunSpec>& runs, const std::vector<std::exception_ptr>& failures) {
  std::size_t failed = 0, first = runs.size();
  for (std::size_t k = 0; k < runs.size(); ++k)
    if (failures[k]) {
      ++failed;
      if (first == runs.size()) first = k;
    }
  if (failed == 0) return;
  std::string message = describe_exception(failures[first]);
  if (failed > 1) message += " (" + std::to_string(failed - 1) + " other run(s) failed too)";
  throw RunError(runs[first], message);
}

}  // namespace

void run_jobs(const std::vector<RunSpec>& runs, const RunnerOptions& options,
              const std::function<void(std::size_t)>& job) {
  const std::size_t n = runs.size();
  if (n == 0) return;
  const std::size_t workers = workers_for(n, options.threads);
  std::unique_ptr<Progress> progress;
  if (options.show_progress)
    progress = std::make_unique<Progress>(options.progress_label, n, std::cerr, ::isatty(STDERR_FILENO) == 1);

  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex failure_mutex;
  std::vector<std::exception_ptr> failures(n);  // by position, so the reported one is deterministic
  auto work = [&]() {
    while (!stop.load()) {
      const std::size_t k = next.fetch_add(1);
      if (k >= n) return;
      try {
        job(k);
        if (progress) progress->tick();
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        failures[k] = std::current_exception();
        stop.store(true);
      }
    }
  };
  if (workers == 1)
    work();  // no thread for the serial case: simpler stacks in a debugger
  else
    run_on_threads(workers, options.simulate_thread_limit, work);
  throw_first_failure(runs, failures);  // ~Progress prints the summary line, also when this throws
}

SweepOptions sweep_options(const Cli& cli, const std::vector<std::string>& axis_flags) {
  SweepOptions o;
  o.settings = settings_key(cli, axis_flags);
  o.runs_dir = cli.out_dir() + "/runs";
  o.shard = cli.shard();
  o.runner.threads = cli.threads();
  o.runner.progress_label = cli.program() + " runs";
  o.constant_columns = precision_columns(cli);
  return o;
}

SweepOutcome run_sweep(const std::vector<RunSpec>& runs, const SweepOptions& options,
                       const std::function<CsvWriter(const RunSpec&, Rng&)>& run_one) {
  const auto started = std::chrono::steady_clock::now();
  SweepOutcome out;
  out.total = runs.size();
  const std::vector<RunSpec> mine = select_shard(runs, options.shard);
  out.in_shard = mine.size();
  const std::size_t stale = remove_stale_temporaries(options.runs_dir);
  if (stale)
    std::fprintf(stderr, "removed %zu stale temporary file(s) of an interrupted run from %s\n", stale,
                 options.runs_dir.c_str());
  const std::vector<RunSpec> todo = pending_runs(mine, options.runs_dir);
  out.already_done = mine.size() - todo.size();
  for (const RunSpec& r : mine) {  // resume: reuse a finished run only if it is whole and keyed alike
    const std::string path = run_result_path(options.runs_dir, r);
    if (file_exists(path)) check_run_file(read_result_csv(path), options.settings, options.runs_dir);
  }
  std::vector<std::pair<std::string, std::string>> columns = options.constant_columns;  // then the settings
  if (!options.settings.empty()) columns.emplace_back(kSettingsColumn, options.settings);
  run_jobs(todo, options.runner, [&](std::size_t k) {
    Rng rng = run_rng(todo[k]);
    CsvWriter rows = run_one(todo[k], rng);
    for (const auto& [name, value] : columns) rows.add_column(name, value);
    rows.write(run_result_path(options.runs_dir, todo[k]));
  });
  out.executed = todo.size();
  out.complete = pending_runs(runs, options.runs_dir).empty();
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

std::string results_csv_path(const Cli& cli) { return cli.out_dir() + "/results.csv"; }

std::optional<ResultTable> finish_sweep(const SweepOutcome& done, const std::vector<RunSpec>& runs,
                                        const SweepOptions& options, const Cli& cli, const RunManifest& manifest,
                                        double iters_per_run) {
  std::printf("%zu runs in the sweep, %zu in shard %s: %zu already done, %zu run now in %.1f s", done.total,
              done.in_shard, options.shard.str().c_str(), done.already_done, done.executed, done.wall_seconds);
  if (iters_per_run >= 0.0 && done.executed)
    std::printf(" (%.0f training iterations/s)", done.executed * iters_per_run / done.wall_seconds);
  std::printf("\n");
  if (!done.complete) {
    write_manifest(manifest_path(cli), manifest);
    std::printf("other shards still pending: rerun without --shard (or after all shards) to merge\n");
    return std::nullopt;
  }
  const std::string results = results_csv_path(cli);
  merge_run_csvs(runs, options.runs_dir, results, options.settings);
  return read_result_csv(results);
}

void report_outputs(const Cli& cli, const RunManifest& manifest, const std::vector<std::string>& written) {
  write_manifest(manifest_path(cli), manifest);
  std::string line;
  for (const std::string& w : written)  // an empty entry: an optional output not written (no --log-every)
    if (!w.empty()) line += (line.empty() ? "wrote " : ", ") + w;
  std::printf("%s\n", line.c_str());
}

int guarded_main(const std::string& program, const std::function<int()>& body) {
  int code = 1;
  try {
    return body();
  } catch (const CliError& e) {
    std::cerr << program << ": " << e.what() << " (see --help)\n";
    code = 2;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
  } catch (...) {
    std::cerr << program << ": unknown exception\n";
  }
  remove_empty_folders_made();  // a failure leaves no empty output folder behind (demos/toolkit/atomic_file.h)
  return code;
}

}  // namespace rl
