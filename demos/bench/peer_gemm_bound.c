/* The floating-point bound of one training iteration: the same GEMMs our iteration performs (same
   shapes, same row-major transposes, in the same order), timed with the system's cblas_dgemm, or
   cblas_sgemm for the float32 iteration (OpenBLAS when installed), one thread.  Our iteration also does non-GEMM work (activations, loss,
   SGD step), so "our time / this time" is how far we are from a BLAS-bound implementation.

   Usage: peer_gemm_bound SHAPE [REPS [PRECISION]]
     SHAPE  neurogym  RNN N = 300, B = 32, T = 8, 3 inputs, 3 outputs (the 2AF / DMS shapes)
            smnist    RNN N = 300, B = 200, T = 28, 28 inputs, 10 outputs
            relu      two-layer ReLU network, B = 100, 784 -> 300 -> 10 (Fig. 4B, nn/two_layer_relu)
     REPS   iterations per timed block (default 50 for neurogym and relu, 5 for smnist); best of 5 blocks.
     PRECISION  f64 (default: cblas_dgemm) or f32 (cblas_sgemm, the float32 iteration's bound).
   Output: key=value lines: shape, gemm_macs (multiply-adds per iteration), blas_iter_ms (wall, best
   block), blas_cpu_ms_best_block (CPU time, best block), blas_gflops (from the wall time).
   The GEMM lists mirror nn/rnn.cpp (rnn_forward, rnn_backward) and nn/two_layer_relu.cpp; when those
   change, change the lists below.
   Build (demos/bench/section_2_rnn.sh): cc -O2 peer_gemm_bound.c -lblas */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>

/* cblas_dgemm as every CBLAS declares it (enums as int: RowMajor 101, NoTrans 111, Trans 112). */
void cblas_dgemm(int order, int ta, int tb, int m, int n, int k, double alpha, const double *A, int lda,
                 const double *B, int ldb, double beta, double *C, int ldc);
void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *A, int lda,
                 const float *B, int ldb, float beta, float *C, int ldc);
enum { kRowMajor = 101, N_ = 111, T_ = 112 };

static double clock_s(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}
static double now(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }  /* robust on a shared machine */

static double *bufA, *bufB, *bufC;
static float *fbufA, *fbufB, *fbufC;
static int use_float;
static double macs;

/* C (m x n) = op(A) (m x k) op(B) (k x n), row-major, on scratch buffers large enough for every shape. */
static void mm(int ta, int tb, int m, int n, int k) {
  const int lda = ta == N_ ? k : m, ldb = tb == N_ ? n : k;
  if (use_float) cblas_sgemm(kRowMajor, ta, tb, m, n, k, 1.0f, fbufA, lda, fbufB, ldb, 0.0f, fbufC, n);
  else cblas_dgemm(kRowMajor, ta, tb, m, n, k, 1.0, bufA, lda, bufB, ldb, 0.0, bufC, n);
  macs += (double)m * n * k;
}

/* nn/rnn.cpp: forward then backward (docs/bptt.md, Cost). */
static void rnn_iteration(int T, int B, int N, int nin, int K) {
  const int TB = T * B;
  mm(N_, T_, TB, N, nin);                                /* input drive U = X W_in^T, all steps */
  for (int t = 1; t < T; ++t) mm(N_, T_, B, N, N);       /* recurrent h_{t-1} W_h^T */
  mm(N_, T_, TB, K, N);                                  /* readout Y = H W_out^T, all steps */
  mm(T_, N_, K, N, TB);                                  /* dW_out = dY^T H */
  mm(N_, N_, TB, N, K);                                  /* D = dY W_out */
  for (int t = T - 1; t > 0; --t) mm(N_, N_, B, N, N);   /* g_{t-1} += delta_t W_h */
  mm(T_, N_, N, N, (T - 1) * B);                         /* dW_h = sum delta_t^T h_{t-1} */
  mm(T_, N_, N, nin, TB);                                /* dW_in = sum delta_t^T x_t */
}

/* nn/two_layer_relu.cpp: forward then backward. */
static void relu_iteration(int B, int d, int N, int K) {
  mm(N_, T_, B, N, d);   /* Z = X W1^T */
  mm(N_, T_, B, K, N);   /* Y = H W2^T */
  mm(T_, N_, K, N, B);   /* dW2 = dY^T H */
  mm(N_, N_, B, N, K);   /* dH = dY W2 */
  mm(T_, N_, N, d, B);   /* dW1 = dZ^T X */
}

static void iteration(const char *shape) {
  if (strcmp(shape, "neurogym") == 0) rnn_iteration(8, 32, 300, 3, 3);
  else if (strcmp(shape, "smnist") == 0) rnn_iteration(28, 200, 300, 28, 10);
  else relu_iteration(100, 784, 300, 10);
}

int main(int argc, char **argv) {
  if (argc < 2 || (strcmp(argv[1], "neurogym") && strcmp(argv[1], "smnist") && strcmp(argv[1], "relu"))) {
    fprintf(stderr, "usage: peer_gemm_bound neurogym|smnist|relu [REPS [f64|f32]]\n");
    return 2;
  }
  const char *shape = argv[1];
  int reps = strcmp(shape, "smnist") == 0 ? 5 : 50;
  if (argc > 2) {
    char *end;
    long r = strtol(argv[2], &end, 10);
    if (*end || r < 1 || r > 100000) { fprintf(stderr, "peer_gemm_bound: REPS '%s' is not in 1..100000\n", argv[2]); return 2; }
    reps = (int)r;
  }
  if (argc > 3) {
    if (strcmp(argv[3], "f32") && strcmp(argv[3], "f64")) {
      fprintf(stderr, "peer_gemm_bound: PRECISION '%s' is neither f64 nor f32\n", argv[3]);
      return 2;
    }
    use_float = strcmp(argv[3], "f32") == 0;
  }
  const size_t big = 5600 * 300;  /* the largest operand: sMNIST's (T*B, N) */
  bufA = malloc(big * sizeof(double)); bufB = malloc(big * sizeof(double)); bufC = malloc(big * sizeof(double));
  fbufA = malloc(big * sizeof(float)); fbufB = malloc(big * sizeof(float)); fbufC = malloc(big * sizeof(float));
  if (!bufA || !bufB || !bufC || !fbufA || !fbufB || !fbufC) { fprintf(stderr, "peer_gemm_bound: out of memory\n"); return 1; }
  for (size_t i = 0; i < big; ++i) {
    bufA[i] = 0.5 + 1e-6 * (double)(i % 977); bufB[i] = 0.25 - 1e-6 * (double)(i % 613); bufC[i] = 0;
    fbufA[i] = (float)bufA[i]; fbufB[i] = (float)bufB[i]; fbufC[i] = 0;
  }
  iteration(shape);  /* warm-up */
  macs = 0; iteration(shape);
  const double iter_macs = macs;
  double best = 1e30, cpu_best = 1e30;
  for (int blk = 0; blk < 5; ++blk) {
    const double t0 = now(), c0 = cpu();
    for (int i = 0; i < reps; ++i) iteration(shape);
    const double s = (now() - t0) / reps, c = (cpu() - c0) / reps;
    if (s < best) best = s;
    if (c < cpu_best) cpu_best = c;
  }
  printf("precision=%s\n", use_float ? "f32" : "f64");
  printf("shape=%s\ngemm_macs=%.0f\nblas_iter_ms=%.4f\nblas_cpu_ms_best_block=%.4f\nblas_gflops=%.2f\n", shape,
         iter_macs, best * 1e3, cpu_best * 1e3, 2.0 * iter_macs / best / 1e9);
  return 0;
}
