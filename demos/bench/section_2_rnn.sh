#!/usr/bin/env bash
# Bench section 2, RNN (nn/rnn, nn/ntk_rnn): ours (build/bin/bench_rnn) beside the PyTorch peer
# ../shared/bench/peer/rnn_peer.py (path relative to the repo root), one thread each, in the same run:
#   (1) one training iteration at the paper's setting (N=300, B=32, T=8, n_in=3, K=3), float64, vs
#       `rnn_peer.py 2AF 1000 --threads 1 --double` (float32 printed beside it), and the floating-point
#       bound: the same iteration's GEMM shapes timed with OpenBLAS dgemm (tiny C program below);
#   (2) the 768 x 768 kernel w.r.t. W_h vs `--ntk --ntk_fast --double` and the released loop `--ntk`
#       (float32, as released);
#   (3) the sMNIST 2000 x 2000 kernel (last step, B=200, T=28) vs `sMNIST 0 --ntk --ntk_fast --double`,
#       with our peak RSS (target < 1 GiB).
# Ratio = peer time / our time (> 1: we are faster).  The peer's per-iteration time includes drawing a
# Neurogym batch; ours uses pre-drawn random batches (data generation is not the RNN's cost).
# BENCH_RNN_SKIP_SLOW=1 skips the two slow peers (released NTK loop ~47 s, sMNIST ~70 s and 3.3 GB).
# Usage (from `make bench`): section_2_rnn.sh BUILD_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/openblas_core.sh"
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
build=${1:-build}
ours_bin=$build/bin/bench_rnn
[ -x "$ours_bin" ] || { echo "missing $ours_bin: build it first (make all)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
val() { sed -n "s/^$2=//p" "$1" | head -n1; }           # key=value lines (ours)
pval() { tr ' ' '\n' <"$1" | sed -n "s/^$2=//p" | head -n1; }  # key=value words (peer)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else printf "n/a" }'; }

# ---- ours: one process per part, so each peak RSS is its own ----
for part in train ntk2af ntksmnist; do
  "$ours_bin" --part "$part" >"$tmp/$part.txt" || { echo "bench_rnn --part $part failed"; exit 1; }
done
our_iter=$(val "$tmp/train.txt" train_ms_per_iter)
our_macs=$(val "$tmp/train.txt" train_macs_per_iter)
our_k2=$(val "$tmp/ntk2af.txt" ntk2af_s)
our_ks=$(val "$tmp/ntksmnist.txt" ntksmnist_s)
our_rss=$(val "$tmp/ntksmnist.txt" ntksmnist_peak_rss_mib)
echo "ours (float64, 1 thread, seed $(val "$tmp/train.txt" seed)):"
echo "  training iteration        ${our_iter} ms  (${our_macs} multiply-adds, $(val "$tmp/train.txt" train_our_gflops) GFLOP/s)"
echo "  our GEMM at (32,300,300): $(val "$tmp/train.txt" gemm_ours_gflops_B_N_N) GFLOP/s; at (300,300,224): $(val "$tmp/train.txt" gemm_ours_gflops_N_N_7B) GFLOP/s"
echo "  2AF kernel 768x768 (W_h)  ${our_k2} s  path $(val "$tmp/ntk2af.txt" ntk2af_path), cost model $(val "$tmp/ntk2af.txt" ntk2af_cost_error_gram_gmac) vs $(val "$tmp/ntk2af.txt" ntk2af_cost_jacobian_gmac) GMAC"
echo "  sMNIST kernel 2000x2000   ${our_ks} s  path $(val "$tmp/ntksmnist.txt" ntksmnist_path), peak RSS ${our_rss} MiB (target < 1024)"

# ---- floating-point bound: the iteration's GEMMs with OpenBLAS dgemm ----
cat >"$tmp/bound.c" <<'CEOF'
/* One training iteration's GEMM shapes (docs/bptt.md, Cost) timed with dgemm; best of 5 x 50 reps. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*,
            const int*, const double*, const int*, const double*, double*, const int*);
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static double *A, *B, *C;
static void mm(int m, int n, int k) { const double one = 1, zero = 0; dgemm_("N", "N", &m, &n, &k, &one, A, &m, B, &k, &zero, C, &m); }
int main(void) {
  const int T = 8, Bt = 32, N = 300, nin = 3, K = 3, TB = T * Bt;
  A = calloc(300 * 300, 8); B = calloc(300 * 300, 8); C = calloc(300 * 300, 8);
  for (int i = 0; i < 90000; ++i) { A[i] = 0.5; B[i] = 0.25; }
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    double t0 = now();
    for (int it = 0; it < 50; ++it) {
      mm(TB, N, nin);                                   /* input drive, all steps */
      for (int t = 1; t < T; ++t) mm(Bt, N, N);          /* recurrent forward */
      mm(TB, K, N);                                     /* readout */
      mm(K, N, TB); mm(TB, N, K);                       /* dW_out, dH */
      for (int t = 1; t < T; ++t) mm(Bt, N, N);          /* backprop through W_h */
      mm(N, N, (T - 1) * Bt); mm(N, nin, TB);           /* dW_h, dW_in */
    }
    double s = (now() - t0) / 50; if (s < best) best = s;
  }
  printf("blas_iter_ms=%.4f\n", best * 1e3);
  return 0;
}
CEOF
bound_ms=""
if cc -O2 "$tmp/bound.c" -o "$tmp/bound" -lblas 2>"$tmp/cc.txt"; then
  blas_real=$(readlink -f "$(ldd "$tmp/bound" | awk '$1 ~ /^libblas\.so/ {print $3}')")
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$tmp/bound" >"$tmp/bound.txt" && bound_ms=$(val "$tmp/bound.txt" blas_iter_ms)
  echo "floating-point bound: the iteration's GEMMs with dgemm from $blas_real: ${bound_ms} ms" \
       "($(awk -v m="$our_macs" -v b="$bound_ms" 'BEGIN { printf "%.2f", 2 * m / (b * 1e6) }') GFLOP/s);" \
       "our iteration takes $(ratio "$our_iter" "$bound_ms") the bound's time"
  case "$blas_real" in *openblas*) ;; *) echo "  (warning: libblas is not OpenBLAS; the bound is loose)";; esac
else
  echo "floating-point bound skipped: no libblas to link (apt-get install libopenblas-dev)"
fi

# ---- the PyTorch peer ----
peer=$root/../shared/bench/peer/rnn_peer.py
py=$(command -v /usr/bin/python3 || command -v python3 || true)
if [ ! -d "$root/../shared" ]; then echo "peer skipped: ../shared (relative to $root) is missing"; exit 0; fi
if [ ! -f "$peer" ]; then echo "peer skipped: $peer is missing"; exit 0; fi
if [ -z "$py" ] || ! "$py" -c 'import torch, numpy' 2>/dev/null; then
  echo "peer skipped: python3 with torch and numpy not found"; exit 0
fi
run_peer() {  # name, args...: output in $tmp/peer_<name>.txt, peak RSS (MiB) in $tmp/peer_<name>.rss
  local name=$1; shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$tmp/peer_$name.time" "$py" "$peer" "$@" >"$tmp/peer_$name.txt" 2>"$tmp/peer_$name.err"
  else
    "$py" "$peer" "$@" >"$tmp/peer_$name.txt" 2>"$tmp/peer_$name.err"
  fi || { echo "  peer $* failed: $(tail -n1 "$tmp/peer_$name.err")"; return 1; }
  [ -f "$tmp/peer_$name.time" ] && awk '{ printf "%.0f", $1 / 1024 }' "$tmp/peer_$name.time" >"$tmp/peer_$name.rss"
  return 0
}
echo "PyTorch peer $("$py" -c 'import torch; print(torch.__version__)'), one thread:"
# The machine may be shared: time ours again right before and after the peer, and compare with both.
"$ours_bin" --part train >"$tmp/train_before.txt" || true
if run_peer train64 2AF 1000 --threads 1 --double; then
  "$ours_bin" --part train >"$tmp/train_after.txt" || true
  p=$(pval "$tmp/peer_train64.txt" per_iter_ms)
  before=$(val "$tmp/train_before.txt" train_ms_per_iter)
  after=$(val "$tmp/train_after.txt" train_ms_per_iter)
  echo "  (1) training iteration float64: peer ${p} ms; ours just before ${before} ms, just after ${after} ms" \
       "-> ours $(ratio "$p" "$before") / $(ratio "$p" "$after") faster (target >= 1.5x)"
fi
if run_peer train32 2AF 1000 --threads 1; then
  p=$(pval "$tmp/peer_train32.txt" per_iter_ms)
  echo "      training iteration float32: peer ${p} ms (ours in float64: $(ratio "$p" "$our_iter"))"
fi
if run_peer ntkfast 2AF 0 --ntk --ntk_fast --double --threads 1; then
  p=$(pval "$tmp/peer_ntkfast.txt" ntk_s)
  echo "  (2) 768x768 kernel: peer --ntk_fast ${p} s, ours ${our_k2} s -> ours $(ratio "$p" "$our_k2") faster (target >= 25x)"
fi
if [ "${BENCH_RNN_SKIP_SLOW:-0}" = 1 ]; then
  echo "  released loop and sMNIST peers skipped (BENCH_RNN_SKIP_SLOW=1)"; exit 0
fi
# The released loop as released: float32 (no --double), one autograd call per output with torch.cat.
if run_peer ntkloop 2AF 0 --ntk --threads 1; then
  p=$(pval "$tmp/peer_ntkloop.txt" ntk_s)
  echo "      768x768 kernel: released loop (--ntk, float32) ${p} s -> ours (float64) $(ratio "$p" "$our_k2") faster"
fi
avail_mib=$(awk '/MemAvailable/ { printf "%.0f", $2 / 1024 }' /proc/meminfo)
if [ "${avail_mib:-0}" -lt 4500 ]; then
  echo "  (3) sMNIST peer skipped: it needs ~3.3 GB, only ${avail_mib} MiB available"; exit 0
fi
if run_peer smnist sMNIST 0 --ntk --ntk_fast --double --threads 1; then
  p=$(pval "$tmp/peer_smnist.txt" ntk_s)
  echo "  (3) 2000x2000 sMNIST kernel: peer ${p} s (peak RSS $(cat "$tmp/peer_smnist.rss" 2>/dev/null || echo '?') MiB)," \
       "ours ${our_ks} s (peak RSS ${our_rss} MiB) -> ours $(ratio "$p" "$our_ks") faster (target >= 8x)"
fi
exit 0
