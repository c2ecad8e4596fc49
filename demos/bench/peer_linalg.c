/* Peer timings for demos/bench/bench_linalg.cpp: the same rows, timed with the BLAS / LAPACK the system
   provides (OpenBLAS dgemm and sgemm, LAPACK dgesvj, dsyev, dgeev), one thread, on the same matrices.

   Same matrices: entries are drawn with the project's generator (xoshiro256** seeded by splitmix64,
   Marsaglia polar normals; linalg/rng.cpp), re-implemented below in C, with the same seeds and draw
   order as bench_linalg, so both programs multiply and factor bit-identical inputs.

   Layout: our matrices are row-major; BLAS/LAPACK are column-major.  A row-major (m x n) array is
   the column-major (n x m) array A^T, so C = op(A) op(B) (row-major) is computed as
   C^T = op(B)^T op(A)^T (column-major), i.e. dgemm(tb, ta, n, m, k, B, A).  For the factorizations
   the peer factors A^T (same singular values and eigenvalues; the symmetric input is its own
   transpose).

   Output: the table format of bench_linalg (key, best_ms, median_ms, GFLOP/s, accuracy), which
   demos/bench/section_1_linalg.sh joins on the key.
   Build: cc -O2 peer_linalg.c -o peer_linalg -llapack -lblas -lm -ldl
   Usage: OPENBLAS_NUM_THREADS=1 peer_linalg [seed] [budget_seconds_per_row] */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*,
            const int*, const double*, const int*, const double*, double*, const int*);
void sgemm_(const char*, const char*, const int*, const int*, const int*, const float*, const float*,
            const int*, const float*, const int*, const float*, float*, const int*);
void dgesvj_(const char*, const char*, const char*, const int*, const int*, double*, const int*, double*,
             const int*, double*, const int*, double*, const int*, int*);
void dsyev_(const char*, const char*, const int*, double*, const int*, double*, double*, const int*, int*);
void dgeev_(const char*, const char*, const int*, double*, const int*, double*, double*, double*, const int*,
            double*, const int*, double*, const int*, int*);

/* ---- the project's generator (linalg/rng.cpp), for identical inputs ---- */
typedef struct { uint64_t s[4]; int has_spare; double spare; } Rng;
static uint64_t splitmix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static uint64_t derive_seed(uint64_t seed, uint64_t stream) {
  uint64_t s = seed ^ (0x6a09e667f3bcc909ULL * (stream + 1));
  splitmix64(&s);
  return splitmix64(&s);
}
static void rng_init(Rng* r, uint64_t seed) {
  uint64_t sm = seed;
  for (int i = 0; i < 4; ++i) r->s[i] = splitmix64(&sm);
  r->has_spare = 0;
  r->spare = 0.0;
}
static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t next_u64(Rng* r) { /* xoshiro256** 1.0 */
  uint64_t* s = r->s;
  const uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
  return result;
}
static double uniform01(Rng* r) { return (double)(next_u64(r) >> 11) * 0x1.0p-53; }
static double normal01(Rng* r) { /* Marsaglia polar, as Rng::normal */
  if (r->has_spare) { r->has_spare = 0; return r->spare; }
  double u, v, s;
  do {
    u = 2.0 * uniform01(r) - 1.0;
    v = 2.0 * uniform01(r) - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double f = sqrt(-2.0 * log(s) / s);
  r->spare = v * f;
  r->has_spare = 1;
  return u * f;
}
/* rows x cols iid N(0, 1), row-major, from Rng(derive_seed(seed, stream)) (bench_linalg's gaussian). */
static double* gaussian(int rows, int cols, uint64_t seed, uint64_t stream) {
  Rng r;
  rng_init(&r, derive_seed(seed, stream));
  double* a = malloc(sizeof(double) * (size_t)rows * cols);
  if (!a) { fprintf(stderr, "peer_linalg: out of memory\n"); exit(1); }
  for (size_t i = 0; i < (size_t)rows * cols; ++i) a[i] = normal01(&r);
  return a;
}

/* ---- timing: best and median over a time budget (at least 5 calls) ---- */
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}
static int cmp_double(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}
typedef void (*Call)(void* ctx);
static void time_calls(Call f, void* ctx, double budget, double* best, double* median) {
  enum { kMaxCalls = 100000 };
  static double times[kMaxCalls];
  int count = 0;
  f(ctx); /* warm-up */
  const double start = now();
  while (count < 5 || (count < kMaxCalls && now() - start < budget)) {
    const double t0 = now();
    f(ctx);
    times[count++] = now() - t0;
  }
  qsort(times, count, sizeof(double), cmp_double);
  *best = times[0];
  *median = times[count / 2];
}
static void print_row(const char* key, double best, double median, double flops, const char* accuracy) {
  if (flops > 0)
    printf("%-26s %10.4f %10.4f %9.1f  %s\n", key, best * 1e3, median * 1e3, flops / best / 1e9, accuracy);
  else
    printf("%-26s %10.4f %10.4f %9s  %s\n", key, best * 1e3, median * 1e3, "-", accuracy);
}
static double max_abs(const double* a, size_t count) {
  double m = 0;
  for (size_t i = 0; i < count; ++i) m = fabs(a[i]) > m ? fabs(a[i]) : m;
  return m;
}

/* ---- GEMM rows: dgemm ("gemm:" keys) and sgemm ("sgemm:" keys, the same values rounded to float) ---- */
typedef struct { char ta, tb; int m, n, k, single; const double *A, *B; double* C; const float *Af, *Bf; float* Cf; } GemmCtx;
static void call_gemm(void* p) {
  GemmCtx* g = p;
  const int lda = g->ta == 'N' ? g->k : g->m, ldb = g->tb == 'N' ? g->n : g->k, ldc = g->n;
  if (g->single) {
    const float one = 1.0f, zero = 0.0f;
    sgemm_(&g->tb, &g->ta, &g->n, &g->m, &g->k, &one, g->Bf, &ldb, g->Af, &lda, &zero, g->Cf, &ldc);
  } else {
    const double one = 1.0, zero = 0.0;
    dgemm_(&g->tb, &g->ta, &g->n, &g->m, &g->k, &one, g->B, &ldb, g->A, &lda, &zero, g->C, &ldc);
  }
}
static float* to_float(double* a, size_t count) { /* rounds a in place too, so both see the same values */
  float* f = malloc(sizeof(float) * (count ? count : 1));
  if (!f) { fprintf(stderr, "peer_linalg: out of memory\n"); exit(1); }
  for (size_t i = 0; i < count; ++i) a[i] = f[i] = (float)a[i];
  return f;
}
static void bench_gemm(char ta, char tb, int m, int n, int k, int single, uint64_t seed, double budget) {
  /* Stored shapes (row-major): A is (m x k), or (k x m) when ta == 'T'; likewise B. */
  double* A = ta == 'N' ? gaussian(m, k, seed, 1) : gaussian(k, m, seed, 1);
  double* B = tb == 'N' ? gaussian(k, n, seed, 2) : gaussian(n, k, seed, 2);
  double* C = calloc((size_t)m * n, sizeof(double));
  float *Af = NULL, *Bf = NULL, *Cf = NULL;
  if (single) {
    Af = to_float(A, (size_t)m * k);
    Bf = to_float(B, (size_t)k * n);
    Cf = calloc((size_t)m * n, sizeof(float));
  }
  GemmCtx g = {ta, tb, m, n, k, single, A, B, C, Af, Bf, Cf};
  double best, median;
  time_calls(call_gemm, &g, budget, &best, &median);
  double err = 0; /* against a plain triple loop in double, row-major */
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int p = 0; p < k; ++p)
        s += (ta == 'N' ? A[(size_t)i * k + p] : A[(size_t)p * m + i]) *
             (tb == 'N' ? B[(size_t)p * n + j] : B[(size_t)j * k + p]);
      const double c = single ? Cf[(size_t)i * n + j] : C[(size_t)i * n + j];
      const double d = fabs(c - s);
      err = d > err ? d : err;
    }
  const double eps = single ? FLT_EPSILON : DBL_EPSILON;
  const double scale = k * eps * max_abs(A, (size_t)m * k) * max_abs(B, (size_t)k * n);
  char key[64], acc[64];
  snprintf(key, sizeof key, "%s:%c%c:%dx%dx%d", single ? "sgemm" : "gemm", ta, tb, m, n, k);
  snprintf(acc, sizeof acc, "err/(k eps |A||B|) %.2g", err / scale);
  print_row(key, best, median, 2.0 * m * n * k, acc);
  free(A); free(B); free(C); free(Af); free(Bf); free(Cf);
}

/* ---- factorizations: n x n Gaussian A (stream 3), factored as the column-major array A^T ---- */
static double frob(const double* a, size_t count) {
  double s = 0;
  for (size_t i = 0; i < count; ++i) s += a[i] * a[i];
  return sqrt(s);
}
/* ||Q^T Q - I||_F for a column-major n x n Q. */
static double orthogonality_error(const double* Q, int n) {
  double* G = malloc(sizeof(double) * (size_t)n * n);
  const double one = 1.0, zero = 0.0;
  dgemm_("T", "N", &n, &n, &n, &one, Q, &n, Q, &n, &zero, G, &n);
  for (int i = 0; i < n; ++i) G[(size_t)i * n + i] -= 1.0;
  const double e = frob(G, (size_t)n * n);
  free(G);
  return e;
}
/* E = Q diag(d) (column j scaled by d[j]), column-major n x n. */
static void scale_columns(const double* Q, const double* d, int n, double* E) {
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) E[(size_t)j * n + i] = Q[(size_t)j * n + i] * d[j];
}

typedef struct { int n, lwork, info; const double* input; double *W, *S, *V, *wr, *wi, *work; } SolverCtx;
static void call_dgesvj(void* p) {
  SolverCtx* c = p;
  const int mv = 0;
  memcpy(c->W, c->input, sizeof(double) * (size_t)c->n * c->n);
  dgesvj_("G", "U", "V", &c->n, &c->n, c->W, &c->n, c->S, &mv, c->V, &c->n, c->work, &c->lwork, &c->info);
}
static void call_dsyev(void* p) {
  SolverCtx* c = p;
  memcpy(c->W, c->input, sizeof(double) * (size_t)c->n * c->n);
  dsyev_("V", "U", &c->n, c->W, &c->n, c->S, c->work, &c->lwork, &c->info);
}
static void call_dgeev(void* p) {
  SolverCtx* c = p;
  const int one = 1;
  double dummy;
  memcpy(c->W, c->input, sizeof(double) * (size_t)c->n * c->n);
  dgeev_("N", "N", &c->n, c->W, &c->n, c->wr, c->wi, &dummy, &one, &dummy, &one, c->work, &c->lwork, &c->info);
}

static void bench_solvers(int n, uint64_t seed, double budget) {
  const size_t nn = (size_t)n * n;
  double* A = gaussian(n, n, seed, 3); /* row-major A = column-major A^T */
  double* Sym = malloc(sizeof(double) * nn);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) Sym[(size_t)i * n + j] = A[(size_t)i * n + j] + A[(size_t)j * n + i];
  SolverCtx c = {n, 6 * n * n + 10 * n + 100, 0, A, malloc(sizeof(double) * nn), malloc(sizeof(double) * n),
                 malloc(sizeof(double) * nn), malloc(sizeof(double) * n), malloc(sizeof(double) * n), NULL};
  c.work = malloc(sizeof(double) * c.lwork);
  double* E = malloc(sizeof(double) * nn);
  const double one = 1.0, minus_one = -1.0;
  double best, median;
  char key[64], acc[128];

  /* dgesvj: A^T = U diag(scale * sva) V^T; U overwrites W, scale in work[0], sweeps in work[3]. */
  time_calls(call_dgesvj, &c, budget, &best, &median);
  for (int j = 0; j < n; ++j) c.S[j] *= c.work[0];
  scale_columns(c.W, c.S, n, E);
  double* R = malloc(sizeof(double) * nn);
  memcpy(R, A, sizeof(double) * nn); /* the row-major array of A is the column-major A^T */
  dgemm_("N", "T", &n, &n, &n, &minus_one, E, &n, c.V, &n, &one, R, &n);
  const double orth_u = orthogonality_error(c.W, n), orth_v = orthogonality_error(c.V, n);
  snprintf(key, sizeof key, "svd:%d", n);
  snprintf(acc, sizeof acc, "res %.1e orth %.1e sweeps %d%s", frob(R, nn) / frob(A, nn),
           orth_u > orth_v ? orth_u : orth_v, (int)c.work[3], c.info ? " (info != 0)" : "");
  print_row(key, best, median, 0, acc);

  /* dsyev on Sym (its own transpose): ||S V - V diag(w)||_F / ||S||_F. */
  c.input = Sym;
  time_calls(call_dsyev, &c, budget, &best, &median);
  scale_columns(c.W, c.S, n, E);
  dgemm_("N", "N", &n, &n, &n, &one, Sym, &n, c.W, &n, &minus_one, E, &n);
  snprintf(key, sizeof key, "eig_sym:%d", n);
  snprintf(acc, sizeof acc, "res %.1e orth %.1e%s", frob(E, nn) / frob(Sym, nn), orthogonality_error(c.W, n),
           c.info ? " (info != 0)" : "");
  print_row(key, best, median, 0, acc);

  /* dgeev, values only: sum(lambda) = tr(A), sum(lambda^2) = tr(A^2). */
  c.input = A;
  time_calls(call_dgeev, &c, budget, &best, &median);
  double sum_re = 0, sum_im = 0, sq_re = 0, sq_im = 0, trace = 0, trace_sq = 0;
  for (int i = 0; i < n; ++i) {
    sum_re += c.wr[i];
    sum_im += c.wi[i];
    sq_re += c.wr[i] * c.wr[i] - c.wi[i] * c.wi[i];
    sq_im += 2 * c.wr[i] * c.wi[i];
    trace += A[(size_t)i * n + i];
    for (int j = 0; j < n; ++j) trace_sq += A[(size_t)i * n + j] * A[(size_t)j * n + i];
  }
  const double f = frob(A, nn);
  snprintf(key, sizeof key, "eig_general:%d", n);
  snprintf(acc, sizeof acc, "tr err %.1e tr(A^2) err %.1e%s", hypot(sum_re - trace, sum_im) / f,
           hypot(sq_re - trace_sq, sq_im) / (f * f), c.info ? " (info != 0)" : "");
  print_row(key, best, median, 0, acc);

  free(A); free(Sym); free(c.W); free(c.S); free(c.V); free(c.wr); free(c.wi); free(c.work); free(E); free(R);
}

int main(int argc, char** argv) {
  const uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
  const double budget = argc > 2 ? atof(argv[2]) : 0.25;
  /* Report which BLAS answered (OpenBLAS exports openblas_get_config; the reference BLAS does not). */
  char* (*config)(void) = (char* (*)(void))dlsym(RTLD_DEFAULT, "openblas_get_config");
  int (*nthreads)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "openblas_get_num_threads");
  printf("# peer_linalg seed %llu, budget %.2f s per row, BLAS: %s, threads %d\n", (unsigned long long)seed,
         budget, config ? config() : "not OpenBLAS (no openblas_get_config)", nthreads ? nthreads() : 1);
  printf("%-26s %10s %10s %9s  %s\n", "key", "best_ms", "median_ms", "GFLOP/s", "accuracy");
  const int mnk[3][3] = {{300, 32, 300}, {300, 300, 32}, {300, 300, 300}};
  const char trans[3][2] = {{'N', 'N'}, {'T', 'N'}, {'N', 'T'}};
  for (int single = 0; single <= 1; ++single)
    for (int s = 0; s < 3; ++s)
      for (int t = 0; t < 3; ++t)
        bench_gemm(trans[t][0], trans[t][1], mnk[s][0], mnk[s][1], mnk[s][2], single, seed, budget);
  bench_solvers(100, seed, budget);
  bench_solvers(300, seed, budget);
  return 0;
}
