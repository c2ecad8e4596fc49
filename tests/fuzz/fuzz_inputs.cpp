// fuzz_inputs: the bounded, in-repository fuzzer of `make fuzz` (tests/fuzz/README.md).
//
//   build/fuzz/fuzz_inputs [--n 100000] [--seed 1] [--targets idx_images,npy,...] [--work DIR]
//                          [--max-ms 2000] [--hang-s 20]
//
// For every target: --n inputs drawn from Rng(derive_seed(seed, target index)), each either accepted
// or rejected with a std::exception.  Anything else fails the run: a non-std exception or a broken
// promise of an accepted result (counted as a crash in the table), a sanitizer report or a signal (the
// process dies; the input is saved first), an input slower than --max-ms, or one running over --hang-s
// (a watchdog alarm).  Memory: under AddressSanitizer the Makefile sets max_allocation_size_mb=1024,
// so one allocation over 1 GiB is a fatal report; without it the driver caps its address space at
// 1 GiB above what it uses at start (setrlimit RLIMIT_AS).
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include <fcntl.h>

#include <chrono>
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
volatile std::size_t g_input_index = 0;

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
  double slowest_ms = 0.0, seconds = 0.0;
  std::size_t slowest_index = 0;
  std::string first_crash;
};

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "fuzz_inputs: " << problem
            << "\nusage: fuzz_inputs [--n N] [--seed S] [--targets a,b] [--work DIR] [--max-ms MS] [--hang-s S]\n";
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
  std::size_t n = 100000, seed = 1, max_ms = 2000, hang_s = 20;
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
  std::vector<Row> rows;
  bool ok = true;
  for (std::size_t t = 0; t < targets.size(); ++t) {
    if (!only.empty() && only.find("," + targets[t].name + ",") == std::string::npos) continue;
    Row row;
    row.name = targets[t].name;
    const auto target_start = std::chrono::steady_clock::now();
    rl::Rng rng(rl::derive_seed(seed, t));
    for (std::size_t k = 0; k < n; ++k) {
      g_input_index = k;
      ::alarm(static_cast<unsigned>(hang_s));
      const auto start = std::chrono::steady_clock::now();
      try {
        targets[t].run_one(rng);
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
    ok = ok && row.crashes == 0 && row.slowest_ms <= static_cast<double>(max_ms);
    rows.push_back(row);
    std::fprintf(stderr, "fuzz_inputs: %s done (%zu inputs)\n", row.name.c_str(), row.inputs);
  }
  if (rows.empty()) usage("no target matches --targets" + only);

  std::printf("%-18s %9s %9s %9s %8s %12s %9s %9s\n", "target", "inputs", "accepted", "rejected", "crashes",
              "slowest_ms", "at_input", "total_s");
  for (const Row& r : rows)
    std::printf("%-18s %9zu %9zu %9zu %8zu %12.2f %9zu %9.1f\n", r.name.c_str(), r.inputs, r.accepted, r.rejected,
                r.crashes, r.slowest_ms, r.slowest_index, r.seconds);
  for (const Row& r : rows) {
    if (r.crashes) std::printf("FAIL %s: %zu crashes, first: %s\n", r.name.c_str(), r.crashes, r.first_crash.c_str());
    if (r.slowest_ms > static_cast<double>(max_ms))
      std::printf("FAIL %s: input %zu took %.0f ms (limit --max-ms %zu)\n", r.name.c_str(), r.slowest_index,
                  r.slowest_ms, max_ms);
  }
  std::printf("%s (seed %zu, %zu inputs per target)\n", ok ? "fuzz: PASS" : "fuzz: FAIL", seed, n);
  return ok ? 0 : 1;
}
