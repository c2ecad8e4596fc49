// Linear-algebra timings: rl::gemm at the RNN's shapes (N = 300 hidden units, B = 32 batch), for
// side-by-side comparison with OpenBLAS dgemm printed by demos/bench/peer_linalg.c in the same run
// (demos/bench/section_1_linalg.sh joins the two tables on the first column).
//
// Then rl::svd_jacobi, rl::eig_sym and rl::eig_general at n = 100 and 300 beside LAPACK dgesvj,
// dsyev and dgeev, each with its accuracy (scale-free residuals; see the functions below).
//
// Usage: bench_linalg [--seed S] [--budget SECONDS_PER_ROW] [--threads T] [--help]
//
// Output: one header line, then one row per measurement:
//   key  best_ms  median_ms  GFLOP/s(best)  accuracy
// key is op:variant:shape, e.g. gemm:NT:300x300x32 (m x n x k of C = op(A) op(B)); sgemm:... rows are
// the same products in float (beside OpenBLAS sgemm).  GEMM accuracy is max |C - C_ref| / (k eps
// max|A| max|B|) against the reference triple loop in double, eps of the row's type: an O(1) ratio.
// The machine is shared: each row repeats the call for a fixed time budget and reports the best
// and the median; compare ratios measured in the same run, not absolute numbers across runs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "demos/toolkit/cli.h"
#include "linalg/eig_general.h"
#include "linalg/eig_sym.h"
#include "linalg/gemm.h"
#include "linalg/matrix.h"
#include "linalg/rng.h"
#include "linalg/svd.h"

namespace {

struct Options {
  std::uint64_t seed = 1;
  double budget_s = 0.25;  // [TP] wall time spent on each row
  int threads = 1;
};

// Strict command line through the toolkit's Cli (demos/toolkit/cli.h): `--help` exits 0; an unknown flag,
// a malformed or out-of-range number (`--seed -5`, `--seed 12x`, `--budget inf`) prints one line
// naming the flag and exits 2.
bool parse_args(int argc, char** argv, Options& o) {
  rl::Cli cli("bench_linalg", "Time rl::gemm at the RNN's shapes and the SVD / eigen solvers (one row per call).");
  cli.add_int("seed", 1, "seed of the random matrices (streams 1-3, as peer_linalg.c)", 0);
  cli.add_double("budget", 0.25, "seconds spent on each row [TP]", 1e-3, 60.0);
  cli.add_int("threads", 1, "threads of rl::gemm", 1, 256);
  if (!cli.parse_or_exit(argc, argv)) return false;
  o.seed = static_cast<std::uint64_t>(cli.get_int("seed"));
  o.budget_s = cli.get_double("budget");
  o.threads = static_cast<int>(cli.get_int("threads"));
  return true;
}

// rows x cols iid N(0, 1) from Rng(derive_seed(seed, stream)); demos/bench/peer_linalg.c draws the
// same matrices (A is stream 1, B stream 2, solver inputs stream 3).
rl::Matrix gaussian(std::size_t rows, std::size_t cols, std::uint64_t seed, std::uint64_t stream) {
  rl::Rng rng(rl::derive_seed(seed, stream));
  rl::Matrix m(rows, cols);
  for (double& v : m.values()) v = rng.normal();
  return m;
}

struct Timing {
  double best_s;
  double median_s;
};

// Calls `f` once to warm up, then repeatedly until `budget_s` has passed (at least 5 and at most
// 100000 calls); returns the best and the median single-call time.
Timing time_calls(const std::function<void()>& f, double budget_s) {
  using Clock = std::chrono::steady_clock;
  f();
  std::vector<double> times;
  const auto start = Clock::now();
  while (times.size() < 5 ||
         (times.size() < 100000 && std::chrono::duration<double>(Clock::now() - start).count() < budget_s)) {
    const auto t0 = Clock::now();
    f();
    times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return {times.front(), times[times.size() / 2]};
}

void print_row(const std::string& key, const Timing& t, double flops, const std::string& accuracy) {
  if (flops > 0.0)
    std::printf("%-26s %10.4f %10.4f %9.1f  %s\n", key.c_str(), t.best_s * 1e3, t.median_s * 1e3,
                flops / t.best_s / 1e9, accuracy.c_str());
  else
    std::printf("%-26s %10.4f %10.4f %9s  %s\n", key.c_str(), t.best_s * 1e3, t.median_s * 1e3, "-",
                accuracy.c_str());
}

struct GemmShape {
  rl::Trans ta, tb;
  std::size_t m, n, k;
};

// "gemm:NT:300x300x32" for double, "sgemm:NT:300x300x32" for float (the BLAS names' prefixes).
template <class T>
std::string gemm_key(const GemmShape& s) {
  return std::string(sizeof(T) == sizeof(float) ? "sgemm:" : "gemm:") + (s.ta == rl::Trans::kYes ? "T" : "N") +
         (s.tb == rl::Trans::kYes ? "T" : "N") + ":" + std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
         std::to_string(s.k);
}

// One product in scalar type T on the Gaussian matrices rounded to T; its accuracy against the reference
// loop in double on the same (rounded) values, with eps of T.
template <class T>
void bench_gemm(const GemmShape& s, const Options& o) {
  using rl::Trans;
  const rl::Matrix A0 = s.ta == Trans::kNo ? gaussian(s.m, s.k, o.seed, 1) : gaussian(s.k, s.m, o.seed, 1);  // op(A) (m, k)
  const rl::Matrix B0 = s.tb == Trans::kNo ? gaussian(s.k, s.n, o.seed, 2) : gaussian(s.n, s.k, o.seed, 2);  // op(B) (k, n)
  const std::vector<T> a(A0.values().begin(), A0.values().end()), b(B0.values().begin(), B0.values().end());
  std::vector<T> c(s.m * s.n);                                                                     // (m, n)
  const Timing t = time_calls([&] {
    rl::gemm_raw(s.ta, s.tb, s.m, s.n, s.k, 1.0, a.data(), A0.cols(), b.data(), B0.cols(), 0.0, c.data(), s.n,
                 o.threads);
  }, o.budget_s);
  const rl::Matrix A = rl::Matrix::from_vector(A0.rows(), A0.cols(), {a.begin(), a.end()});
  const rl::Matrix B = rl::Matrix::from_vector(B0.rows(), B0.cols(), {b.begin(), b.end()});
  rl::Matrix R(s.m, s.n);
  rl::gemm_reference(s.ta, s.tb, s.m, s.n, s.k, 1.0, A.data(), A.cols(), B.data(), B.cols(), 0.0, R.data(),
                     R.cols());
  const rl::Matrix C = rl::Matrix::from_vector(s.m, s.n, {c.begin(), c.end()});
  const double scale = double(s.k) * std::numeric_limits<T>::epsilon() * rl::max_abs(A) * rl::max_abs(B);
  char acc[64];
  std::snprintf(acc, sizeof acc, "err/(k eps |A||B|) %.2g", rl::max_abs_diff(C, R) / scale);
  print_row(gemm_key<T>(s), t, 2.0 * double(s.m) * double(s.n) * double(s.k), acc);
}

// The RNN's products (N = 300, B = 32): W_h H (N x N)(N x B), the weight gradient D H^T
// (N x B)(B x N), and a square N x N product; each also as A^T B and A B^T.
std::vector<GemmShape> rnn_shapes() {
  using rl::Trans;
  std::vector<GemmShape> shapes;
  const std::size_t mnk[][3] = {{300, 32, 300}, {300, 300, 32}, {300, 300, 300}};
  for (const auto& d : mnk)
    for (auto [ta, tb] : {std::pair{Trans::kNo, Trans::kNo}, std::pair{Trans::kYes, Trans::kNo},
                          std::pair{Trans::kNo, Trans::kYes}})
      shapes.push_back({ta, tb, d[0], d[1], d[2]});
  return shapes;
}

double frobenius(const rl::Matrix& A) {
  double s = 0.0;
  for (double v : A.values()) s += v * v;
  return std::sqrt(s);
}

// ||Q^T Q - I||_F: departure of the columns of Q from orthonormality.
double orthogonality_error(const rl::Matrix& Q) {
  rl::Matrix G(Q.cols(), Q.cols());  // (k, k)
  rl::gemm(rl::Trans::kYes, rl::Trans::kNo, 1.0, Q, Q, 0.0, G);
  for (std::size_t i = 0; i < G.rows(); ++i) G(i, i) -= 1.0;
  return frobenius(G);
}

// Q diag(d): column j of Q scaled by d[j].
rl::Matrix scale_columns(rl::Matrix Q, const std::vector<double>& d) {
  for (std::size_t i = 0; i < Q.rows(); ++i)
    for (std::size_t j = 0; j < Q.cols(); ++j) Q(i, j) *= d[j];
  return Q;
}

// SVD: backward error ||A - U S V^T||_F / ||A||_F and max(||U^T U - I||_F, ||V^T V - I||_F).
void bench_svd(std::size_t n, const Options& o) {
  const rl::Matrix A = gaussian(n, n, o.seed, 3);  // (n, n)
  rl::SvdResult r;
  const Timing t = time_calls([&] { r = rl::svd_jacobi(A); }, o.budget_s);
  rl::Matrix E = A;
  rl::gemm(rl::Trans::kNo, rl::Trans::kYes, -1.0, scale_columns(r.U, r.s), r.V, 1.0, E);
  const double orth = std::max(orthogonality_error(r.U), orthogonality_error(r.V));
  char acc[128];
  std::snprintf(acc, sizeof acc, "res %.1e orth %.1e sweeps %d", frobenius(E) / frobenius(A), orth, r.sweeps);
  print_row("svd:" + std::to_string(n), t, 0.0, acc);
}

// Symmetric eigen on S = A + A^T: ||S V - V diag(w)||_F / ||S||_F and ||V^T V - I||_F.
void bench_eig_sym(std::size_t n, const Options& o) {
  const rl::Matrix A = gaussian(n, n, o.seed, 3);
  const rl::Matrix S = A + rl::transpose(A);  // (n, n)
  rl::EigSymResult r;
  const Timing t = time_calls([&] { r = rl::eig_sym(S); }, o.budget_s);
  rl::Matrix E = scale_columns(r.vectors, r.values);
  rl::gemm(rl::Trans::kNo, rl::Trans::kNo, 1.0, S, r.vectors, -1.0, E);
  char acc[128];
  std::snprintf(acc, sizeof acc, "res %.1e orth %.1e sweeps %d", frobenius(E) / frobenius(S),
                orthogonality_error(r.vectors), r.sweeps);
  print_row("eig_sym:" + std::to_string(n), t, 0.0, acc);
}

// General eigenvalues (no vectors): the invariants sum(lambda) = tr(A) and sum(lambda^2) = tr(A^2),
// as |error| / ||A||_F and / ||A||_F^2 (|tr(A^2)| <= ||A||_F^2).
void bench_eig_general(std::size_t n, const Options& o) {
  const rl::Matrix A = gaussian(n, n, o.seed, 3);
  rl::EigGeneralResult r;
  const Timing t = time_calls([&] { r = rl::eig_general(A); }, o.budget_s);
  std::complex<double> sum = 0.0, sum_sq = 0.0;
  for (const auto& lambda : r.values) {
    sum += lambda;
    sum_sq += lambda * lambda;
  }
  double trace = 0.0, trace_sq = 0.0;  // tr(A), tr(A^2) = sum_ij a_ij a_ji
  for (std::size_t i = 0; i < n; ++i) {
    trace += A(i, i);
    for (std::size_t j = 0; j < n; ++j) trace_sq += A(i, j) * A(j, i);
  }
  const double f = frobenius(A);
  char acc[128];
  std::snprintf(acc, sizeof acc, "tr err %.1e tr(A^2) err %.1e", std::abs(sum - trace) / f,
                std::abs(sum_sq - trace_sq) / (f * f));
  print_row("eig_general:" + std::to_string(n), t, 0.0, acc);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options o;
    if (!parse_args(argc, argv, o)) return 0;  // --help printed
    std::printf("# bench_linalg seed %llu, threads %d, budget %.2f s per row\n",
                static_cast<unsigned long long>(o.seed), o.threads, o.budget_s);
    std::printf("%-26s %10s %10s %9s  %s\n", "key", "best_ms", "median_ms", "GFLOP/s", "accuracy");
    for (const GemmShape& s : rnn_shapes()) bench_gemm<double>(s, o);
    for (const GemmShape& s : rnn_shapes()) bench_gemm<float>(s, o);
    for (std::size_t n : {100, 300}) bench_svd(n, o);
    for (std::size_t n : {100, 300}) bench_eig_sym(n, o);
    for (std::size_t n : {100, 300}) bench_eig_general(n, o);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_linalg: %s\n", e.what());
    return 1;
  }
}
