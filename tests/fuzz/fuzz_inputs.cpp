// fuzz_inputs: the bounded, in-repository fuzzer of `make fuzz` (tests/fuzz/README.md).
//
//   build/fuzz/fuzz_inputs [--n 100000] [--seed 1] [--targets idx_images,npy,...] [--work DIR]
//                          [--max-ms 2000] [--hang-s 20] [--jobs 2]
//
// --jobs J forks J workers that take the targets from a queue, costliest first (each target's inputs
// depend only on the seed and the target, so the table is the same for every J apart from timings).
// For every target: --n inputs drawn from Rng(derive_seed(seed, target index)), each either accepted
// or rejected with a std::exception.  Anything else fails the run: a non-std exception or a broken
// promise of an accepted result (counted as a crash in the table), a sanitizer report or a signal (the
// process dies; the input is saved first), an input slower than --max-ms, or one running over --hang-s
// (a watchdog alarm).  Memory: under AddressSanitizer the Makefile sets max_allocation_size_mb=1024,
// so one allocation over 1 GiB is a fatal report; without it the driver caps its address space at
// 1 GiB above what it uses at start (setrlimit RLIMIT_AS).
#include <signal.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "linalg/rng.h"
#include "tests/fuzz/targets.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define RL_FUZZ_ASAN 1
#endif

namespace {

using rl::fuzz::current_input;

char g_save_path[4096] = "fuzz_failing_input.bin";

// Async-signal-safe: writes the current input to g_save_path and a note to stderr.
void save_current_input() {
  const rl::fuzz::CurrentInput& c = current_input();
  const int fd = ::open(g_save_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    ssize_t ignored = ::write(fd, c.bytes.data(), c.bytes.size());
    (void)ignored;
    ::close(fd);
  }
  const char* parts[] = {"fuzz_inputs: failing input of target ", c.target, " (", c.label.c_str(), ") saved to ",
                         g_save_path, "\n"};
  for (const char* p : parts) {
    ssize_t ignored = ::write(2, p, std::strlen(p));
    (void)ignored;
  }
}

void on_alarm(int) {
  const char msg[] = "fuzz_inputs: HANG: one input ran past the --hang-s watchdog\n";
  ssize_t ignored = ::write(2, msg, sizeof msg - 1);
  (void)ignored;
  save_current_input();
  ::_exit(3);
}

void on_fatal_signal(int sig) {
  save_current_input();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void cap_address_space() {
#ifndef RL_FUZZ_ASAN
  long pages = 0, resident = 0;
  std::ifstream statm("/proc/self/statm");
  statm >> pages >> resident;
  const rlim_t cap = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE)) + (rlim_t{1} << 30);
  const struct rlimit lim = {cap, cap};
  if (::setrlimit(RLIMIT_AS, &lim) != 0) std::perror("fuzz_inputs: setrlimit");
#endif
}

struct Row {
  std::string name;
  std::size_t inputs = 0, accepted = 0, rejected = 0, crashes = 0;
  double slowest_ms = 0.0, seconds = 0.0, cpu_seconds = 0.0;
  std::size_t slowest_index = 0;
  std::string first_crash;
};

double cpu_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Feeds n inputs of one target, timing each under the watchdog.
Row run_target(const rl::fuzz::Target& target, std::size_t index, std::size_t seed, std::size_t n, std::size_t hang_s) {
  Row row;
  row.name = target.name;
  const auto target_start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_now();
  rl::Rng rng(rl::derive_seed(seed, index));
  for (std::size_t k = 0; k < n; ++k) {
    ::alarm(static_cast<unsigned>(hang_s));
    const auto start = std::chrono::steady_clock::now();
    try {
      target.run_one(rng);
      ++row.accepted;
    } catch (const std::exception&) {
      ++row.rejected;
    } catch (const rl::fuzz::Violation& v) {
      if (row.crashes++ == 0) {
        row.first_crash = v.what + " (input " + std::to_string(k) + ")";
        save_current_input();
      }
    } catch (...) {
      if (row.crashes++ == 0) {
        row.first_crash = "an exception not derived from std::exception (input " + std::to_string(k) + ")";
        save_current_input();
      }
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (ms > row.slowest_ms) {
      row.slowest_ms = ms;
      row.slowest_index = k;
    }
    ++row.inputs;
  }
  ::alarm(0);
  row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - target_start).count();
  row.cpu_seconds = cpu_now() - cpu_start;
  std::fprintf(stderr, "fuzz_inputs: %s done (%zu inputs, %.1f s)\n", row.name.c_str(), row.inputs, row.seconds);
  return row;
}

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "fuzz_inputs: " << problem
            << "\nusage: fuzz_inputs [--n N] [--seed S] [--targets a,b] [--work DIR] [--max-ms MS] [--hang-s S] [--jobs J]\n";
  std::exit(2);
}

std::size_t parse_count(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || v[0] == '-') usage(flag + ": '" + v + "' is not a non-negative integer");
  return static_cast<std::size_t>(n);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 100000, seed = 1, max_ms = 2000, hang_s = 20, jobs = 1;
  std::string only, work = "build/fuzz/work";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") usage("bounded fuzzer of the input readers and connectivity builders");
    if (i + 1 >= argc) usage(a + " needs a value");
    const std::string v = argv[++i];
    if (a == "--n") n = parse_count(a, v);
    else if (a == "--seed") seed = parse_count(a, v);
    else if (a == "--max-ms") max_ms = parse_count(a, v);
    else if (a == "--hang-s") hang_s = parse_count(a, v);
    else if (a == "--jobs") jobs = parse_count(a, v);
    else if (a == "--targets") only = "," + v + ",";
    else if (a == "--work") work = v;
    else usage("unknown flag " + a);
  }
  std::snprintf(g_save_path, sizeof g_save_path, "%s/failing_input.bin", work.c_str());
  ::signal(SIGALRM, on_alarm);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::signal(sig, on_fatal_signal);
#ifdef RL_FUZZ_ASAN
  __sanitizer_set_death_callback(save_current_input);
#endif

  const std::vector<rl::fuzz::Target> targets = rl::fuzz::make_targets(work);
  cap_address_space();
  std::vector<std::size_t> chosen;
  for (std::size_t t = 0; t < targets.size(); ++t)
    if (only.empty() || only.find("," + targets[t].name + ",") != std::string::npos) chosen.push_back(t);
  if (chosen.empty()) usage("no target matches --targets" + only);
  jobs = std::max<std::size_t>(1, std::min(jobs, chosen.size()));
  // A queue of target indices, costliest first, that the workers take from one at a time.
  std::stable_sort(chosen.begin(), chosen.end(),
                   [&](std::size_t a, std::size_t b) { return targets[a].cost > targets[b].cost; });
  int queue[2];
  if (::pipe(queue) != 0) {
    std::perror("fuzz_inputs: pipe");
    return 1;
  }
  for (std::size_t t : chosen) {
    const std::uint64_t record = t;
    if (::write(queue[1], &record, sizeof record) != static_cast<ssize_t>(sizeof record)) return 1;
  }
  ::close(queue[1]);
  std::vector<pid_t> workers;
  for (std::size_t w = 0; w < jobs; ++w) {
    const pid_t pid = ::fork();
    if (pid < 0) {
      std::perror("fuzz_inputs: fork");
      return 1;
    }
    if (pid > 0) {
      workers.push_back(pid);
      continue;
    }
    std::snprintf(g_save_path, sizeof g_save_path, "%s/failing_input.%zu.bin", work.c_str(), w);
    std::ofstream out(work + "/rows." + std::to_string(w), std::ios::trunc);
    std::uint64_t t = 0;
    while (::read(queue[0], &t, sizeof t) == static_cast<ssize_t>(sizeof t)) {  // 8-byte reads are atomic
      const Row r = run_target(targets[t], t, seed, n, hang_s);
      out << t << '\t' << r.name << '\t' << r.inputs << '\t' << r.accepted << '\t' << r.rejected << '\t'
          << r.crashes << '\t' << r.slowest_ms << '\t' << r.slowest_index << '\t' << r.seconds << '\t'
          << r.cpu_seconds << '\t' << r.first_crash << '\n' << std::flush;
    }
    std::_Exit(out ? 0 : 1);
  }
  ::close(queue[0]);
  bool ok = true;
  for (std::size_t w = 0; w < workers.size(); ++w) {
    int status = 0;
    ::waitpid(workers[w], &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::printf("FAIL worker %zu died (%s %d): see its report above\n", w,
                  WIFSIGNALED(status) ? "signal" : "exit status", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
      ok = false;
    }
  }
  std::vector<std::pair<std::size_t, Row>> indexed;
  for (std::size_t w = 0; w < workers.size(); ++w) {
    std::ifstream in(work + "/rows." + std::to_string(w));
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::size_t t = 0;
      Row r;
      f >> t >> r.name >> r.inputs >> r.accepted >> r.rejected >> r.crashes >> r.slowest_ms >> r.slowest_index >>
          r.seconds >> r.cpu_seconds;
      std::getline(f >> std::ws, r.first_crash);
      indexed.push_back({t, r});
    }
  }
  std::sort(indexed.begin(), indexed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Row> rows;
  for (const auto& [t, r] : indexed) {
    rows.push_back(r);
    ok = ok && r.crashes == 0 && r.slowest_ms <= static_cast<double>(max_ms);
  }
  if (rows.size() != chosen.size()) ok = false;

  std::printf("%-18s %9s %9s %9s %8s %11s %9s %8s %8s\n", "target", "inputs", "accepted", "rejected", "crashes",
              "slowest_ms", "at_input", "wall_s", "cpu_s");
  for (const Row& r : rows)
    std::printf("%-18s %9zu %9zu %9zu %8zu %11.2f %9zu %8.1f %8.1f\n", r.name.c_str(), r.inputs, r.accepted,
                r.rejected, r.crashes, r.slowest_ms, r.slowest_index, r.seconds, r.cpu_seconds);
  for (const Row& r : rows) {
    if (r.crashes) std::printf("FAIL %s: %zu crashes, first: %s\n", r.name.c_str(), r.crashes, r.first_crash.c_str());
    if (r.slowest_ms > static_cast<double>(max_ms))
      std::printf("FAIL %s: input %zu took %.0f ms (limit --max-ms %zu)\n", r.name.c_str(), r.slowest_index,
                  r.slowest_ms, max_ms);
  }
  std::printf("%s (seed %zu, %zu inputs per target)\n", ok ? "fuzz: PASS" : "fuzz: FAIL", seed, n);
  return ok ? 0 : 1;
}
