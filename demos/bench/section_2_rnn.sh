#!/usr/bin/env bash
# Bench section 2, training iterations and the RNN tangent kernels: ours (build/bin/bench_rnn) beside the
# PyTorch peers in this folder (peer_torch_rnn.py, peer_torch_relu.py) and beside the floating-point
# bound (peer_gemm_bound.c: the same GEMMs through OpenBLAS cblas_dgemm), one thread each, in one run:
#   (1) training iterations, float64 ours against the bound and PyTorch float64 (float32 beside it),
#       and (1b) the float32 steps as the programs take them (--precision f32, docs/precision.md) against
#       the cblas_sgemm bound and PyTorch float32:
#       Neurogym (N=300, B=32, T=8, n_in=3, K=3, CE at every step),
#       sequential MNIST (N=300, B=200, T=28, n_in=28, K=10, CE at the last step),
#       Fig. 4B ReLU network (784 -> 300 -> 10, batch 100),
#       the linearised RNN iteration beside the plain one (Neurogym shapes, target <= 2.5x) and the
#       cost-of-plasticity meter's overhead (target <= 5 %), both ours only (no peer: torch.func.jvp is
#       not in the Debian PyTorch 1.13);
#   (2) the 768 x 768 kernel w.r.t. W_h vs `peer_torch_rnn.py ntk --kernel stacked --double` and the
#       released loop `--kernel loop` (float32, as released);
#   (3) the sMNIST 2000 x 2000 kernel (last step, B=200, T=28) vs `ntk --task sMNIST --kernel stacked
#       --double`, with our peak RSS (target < 1 GiB).
# Ratios: "x bound" = our time / the bound's time (target <= 1.1); "vs f64" = peer time / our time
# (> 1: we are faster).  The table compares CPU times of the best block (every program runs one thread):
# on a shared machine wall times include the time other jobs held the core, unevenly.  Both sides time pre-drawn random batches of the same shapes (data generation is
# not the network's cost).  Our RNN iterations are timed twice: with a fresh trace per iteration (as the
# figure programs' loop, nn/rnn_experiment.cpp) and with one reused trace (no allocation); the ReLU
# iteration as the Fig. 4B loop runs it (zero_grads + backward) and with two_layer_relu_gradients (the
# same bits in one pass over the gradients), in the "reuse" column.
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
for part in train smnist relu f32 linrnn ntk2af ntksmnist; do
  "$ours_bin" --part "$part" >"$tmp/$part.txt" || { echo "bench_rnn --part $part failed"; exit 1; }
done
our_k2=$(val "$tmp/ntk2af.txt" ntk2af_s)
our_ks=$(val "$tmp/ntksmnist.txt" ntksmnist_s)
our_rss=$(val "$tmp/ntksmnist.txt" ntksmnist_peak_rss_mib)
echo "ours (float64, 1 thread, seed $(val "$tmp/train.txt" seed)):"
echo "  Neurogym iteration        $(val "$tmp/train.txt" train_ms_per_iter) ms (reused trace $(val "$tmp/train.txt" train_reused_ms_per_iter) ms)," \
     "$(val "$tmp/train.txt" train_macs_per_iter) multiply-adds, $(val "$tmp/train.txt" train_our_gflops) GFLOP/s"
echo "  sMNIST iteration          $(val "$tmp/smnist.txt" smnist_ms_per_iter) ms (reused trace $(val "$tmp/smnist.txt" smnist_reused_ms_per_iter) ms)," \
     "$(val "$tmp/smnist.txt" smnist_macs_per_iter) multiply-adds, $(val "$tmp/smnist.txt" smnist_our_gflops) GFLOP/s"
echo "  ReLU (Fig. 4B) iteration  $(val "$tmp/relu.txt" relu_ms_per_iter) ms (fused step, as Fig. 4B trains: $(val "$tmp/relu.txt" relu_reused_ms_per_iter) ms)," \
     "$(val "$tmp/relu.txt" relu_macs_per_iter) multiply-adds, $(val "$tmp/relu.txt" relu_our_gflops) GFLOP/s"
echo "  linearised RNN iteration  $(val "$tmp/linrnn.txt" linrnn_cpu_ms) CPU ms against the plain $(val "$tmp/linrnn.txt" linrnn_plain_cpu_ms) ms" \
     "(median rounds): $(val "$tmp/linrnn.txt" linrnn_ratio_cpu)x (best rounds, wall: $(val "$tmp/linrnn.txt" linrnn_ratio_best_wall)x; target <= 2.5x)"
echo "  plasticity meter          record() $(val "$tmp/linrnn.txt" meter_alone_ms) ms: $(val "$tmp/linrnn.txt" meter_overhead_isolated_pct) % of an iteration" \
     "(with vs without it, CPU: $(val "$tmp/linrnn.txt" meter_overhead_cpu_pct) %, noise-limited; target <= 5 %)"
echo "  our GEMM at (32,300,300): $(val "$tmp/train.txt" gemm_ours_gflops_B_N_N) GFLOP/s; at (300,300,224): $(val "$tmp/train.txt" gemm_ours_gflops_N_N_7B) GFLOP/s"
echo "  2AF kernel 768x768 (W_h)  ${our_k2} s  path $(val "$tmp/ntk2af.txt" ntk2af_path), cost model $(val "$tmp/ntk2af.txt" ntk2af_cost_error_gram_gmac) vs $(val "$tmp/ntk2af.txt" ntk2af_cost_jacobian_gmac) GMAC"
echo "  sMNIST kernel 2000x2000   ${our_ks} s  path $(val "$tmp/ntksmnist.txt" ntksmnist_path), peak RSS ${our_rss} MiB (target < 1024)"

# ---- floating-point bound: each iteration's GEMMs with OpenBLAS (peer_gemm_bound.c) ----
declare -A bound bound32
if cc -O2 "$here/peer_gemm_bound.c" -o "$tmp/bound" -lblas 2>"$tmp/cc.txt"; then
  blas_real=$(readlink -f "$(ldd "$tmp/bound" | awk '$1 ~ /^libblas\.so/ {print $3}')")
  echo "floating-point bound: the same GEMMs through cblas_dgemm from $blas_real, one thread:"
  case "$blas_real" in *openblas*) ;; *) echo "  (warning: libblas is not OpenBLAS; the bound is loose)";; esac
  for shape in neurogym smnist relu; do
    if OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$tmp/bound" "$shape" >"$tmp/bound_$shape.txt"; then
      bound[$shape]=$(val "$tmp/bound_$shape.txt" blas_cpu_ms_best_block)
      echo "  $shape: wall $(val "$tmp/bound_$shape.txt" blas_iter_ms) ms ($(val "$tmp/bound_$shape.txt" blas_gflops) GFLOP/s), CPU ${bound[$shape]} ms"
    fi
    reps=50; [ "$shape" = smnist ] && reps=5
    if OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$tmp/bound" "$shape" "$reps" f32 >"$tmp/bound32_$shape.txt"; then
      bound32[$shape]=$(val "$tmp/bound32_$shape.txt" blas_cpu_ms_best_block)
      echo "  $shape float32 (cblas_sgemm): CPU ${bound32[$shape]} ms"
    fi
  done
else
  echo "floating-point bound skipped: no libblas to link (apt-get install libopenblas-dev)"
fi

# ---- the PyTorch peers ----
. "$here/find_torch.sh"
declare -A t64 t32
run_peer() {  # name, script, args...: output in $tmp/peer_<name>.txt, peak RSS (MiB) in $tmp/peer_<name>.rss
  local name=$1 script=$2; shift 2
  if [ -x /usr/bin/time ]; then
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/time -f "%M" -o "$tmp/peer_$name.time" \
      "$torch_py" "$here/$script" "$@" >"$tmp/peer_$name.txt" 2>"$tmp/peer_$name.err"
  else
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$torch_py" "$here/$script" "$@" >"$tmp/peer_$name.txt" 2>"$tmp/peer_$name.err"
  fi || { echo "  peer $script $* failed: $(tail -n1 "$tmp/peer_$name.err")"; return 1; }
  [ -f "$tmp/peer_$name.time" ] && awk '{ printf "%.0f", $1 / 1024 }' "$tmp/peer_$name.time" >"$tmp/peer_$name.rss"
  return 0
}
if [ -n "$torch_py" ]; then
  # The machine may be shared: time our Neurogym iteration again right before and after the peer.
  "$ours_bin" --part train >"$tmp/train_before.txt" || true
  run_peer train64 peer_torch_rnn.py train --task 2AF --iters 1000 --threads 1 --double &&
    t64[neurogym]=$(pval "$tmp/peer_train64.txt" cpu_best_block_ms)
  "$ours_bin" --part train >"$tmp/train_after.txt" || true
  run_peer train32 peer_torch_rnn.py train --task 2AF --iters 1000 --threads 1 && t32[neurogym]=$(pval "$tmp/peer_train32.txt" cpu_best_block_ms)
  run_peer smnist64 peer_torch_rnn.py train --task sMNIST --iters 50 --threads 1 --double &&
    t64[smnist]=$(pval "$tmp/peer_smnist64.txt" cpu_best_block_ms)
  run_peer smnist32 peer_torch_rnn.py train --task sMNIST --iters 50 --threads 1 && t32[smnist]=$(pval "$tmp/peer_smnist32.txt" cpu_best_block_ms)
  run_peer relu64 peer_torch_relu.py --iters 1000 --threads 1 --double && t64[relu]=$(pval "$tmp/peer_relu64.txt" cpu_best_block_ms)
  run_peer relu32 peer_torch_relu.py --iters 1000 --threads 1 && t32[relu]=$(pval "$tmp/peer_relu32.txt" cpu_best_block_ms)
  if [ -n "${t64[neurogym]:-}" ]; then
    p=$(pval "$tmp/peer_train64.txt" per_iter_ms)
    before=$(val "$tmp/train_before.txt" train_ms_per_iter)
    after=$(val "$tmp/train_after.txt" train_ms_per_iter)
    echo "  Neurogym iteration float64, wall: peer ${p} ms; ours just before ${before} ms, just after ${after} ms" \
         "-> ours $(ratio "$p" "$before") / $(ratio "$p" "$after") faster (target >= 1.5x)"
  fi
fi

# ---- (1) the training iterations side by side ----
echo "(1) training iterations, CPU ms per iteration, best of 5 blocks (one thread each; CPU time, so that a shared"
echo "    machine's load does not enter the ratios; x bound = ours / bound, target <= 1.1x; vs f64 = torch f64 / ours):"
printf "  %-10s %9s %9s %9s %9s %9s %10s %10s %10s\n" iteration ours ours_reuse bound "x bound" "x reuse" torch_f64 torch_f32 "vs f64"
row() {  # label, our ms, our reused ms, bound key
  local label=$1 o=$2 r=$3 k=$4
  local b=${bound[$k]:-} p64=${t64[$k]:-} p32=${t32[$k]:-}
  printf "  %-10s %9s %9s %9s %9s %9s %10s %10s %10s\n" "$label" "$o" "${r:--}" "${b:--}" \
    "$( [ -n "$b" ] && ratio "$o" "$b" || echo -)" "$( [ -n "$b" ] && [ -n "$r" ] && ratio "$r" "$b" || echo -)" \
    "${p64:--}" "${p32:--}" "$( [ -n "$p64" ] && ratio "$p64" "$o" || echo -)"
}
row neurogym "$(val "$tmp/train.txt" train_cpu_ms_per_iter_best_block)" "$(val "$tmp/train.txt" train_reused_cpu_ms_per_iter_best_block)" neurogym
row smnist "$(val "$tmp/smnist.txt" smnist_cpu_ms_per_iter_best_block)" "$(val "$tmp/smnist.txt" smnist_reused_cpu_ms_per_iter_best_block)" smnist
row relu "$(val "$tmp/relu.txt" relu_cpu_ms_per_iter_best_block)" "$(val "$tmp/relu.txt" relu_reused_cpu_ms_per_iter_best_block)" relu
echo "  linrnn     $(val "$tmp/linrnn.txt" linrnn_ratio_cpu)x the plain iteration (target <= 2.5x; no peer: torch.func.jvp is not in torch 1.13)"

# ---- (1b) the float32 training steps (docs/precision.md), as the programs take them ----
echo "(1b) float32 training steps as the programs take them (RnnSgdTrainer; the ReLU loop's float path), CPU ms,"
echo "    best of 5 blocks; x bound = ours / the same GEMMs through cblas_sgemm (target <= 1.1x);"
echo "    vs torch f32 = PyTorch float32 / ours (target > 1, aim 1.2); ours f64 = the same step in float64:"
printf "  %-10s %9s %9s %9s %9s %12s %9s\n" iteration ours_f32 ours_f64 bound32 "x bound" torch_f32 "vs f32"
row32() {  # label, our f32 ms, our f64 ms, key
  local label=$1 o=$2 d=$3 k=$4
  local b=${bound32[$k]:-} p32=${t32[$k]:-}
  printf "  %-10s %9s %9s %9s %9s %12s %9s\n" "$label" "$o" "${d:--}" "${b:--}" \
    "$( [ -n "$b" ] && ratio "$o" "$b" || echo -)" "${p32:--}" "$( [ -n "$p32" ] && ratio "$p32" "$o" || echo -)"
}
row32 neurogym "$(val "$tmp/f32.txt" trainer_f32_cpu_ms_per_iter_best_block)" "$(val "$tmp/f32.txt" trainer_f64_cpu_ms_per_iter_best_block)" neurogym
row32 smnist "$(val "$tmp/f32.txt" smnist_trainer_f32_cpu_ms_per_iter_best_block)" "$(val "$tmp/f32.txt" smnist_trainer_f64_cpu_ms_per_iter_best_block)" smnist
row32 relu "$(val "$tmp/f32.txt" relu_f32_cpu_ms_per_iter_best_block)" "$(val "$tmp/relu.txt" relu_reused_cpu_ms_per_iter_best_block)" relu
[ -n "$torch_py" ] || exit 0

# ---- (2), (3) the tangent kernels ----
if run_peer ntkfast peer_torch_rnn.py ntk --task 2AF --kernel stacked --double --threads 1; then
  p=$(pval "$tmp/peer_ntkfast.txt" ntk_s)
  echo "(2) 768x768 kernel: peer stacked float64 ${p} s, ours ${our_k2} s -> ours $(ratio "$p" "$our_k2") faster (target >= 25x)"
fi
if [ "${BENCH_RNN_SKIP_SLOW:-0}" = 1 ]; then
  echo "    released loop and sMNIST peers skipped (BENCH_RNN_SKIP_SLOW=1)"; exit 0
fi
# The released loop as released: float32, one autograd call per output with torch.cat.
if run_peer ntkloop peer_torch_rnn.py ntk --task 2AF --kernel loop --threads 1; then
  p=$(pval "$tmp/peer_ntkloop.txt" ntk_s)
  echo "    768x768 kernel: released loop (float32) ${p} s -> ours (float64) $(ratio "$p" "$our_k2") faster"
fi
avail_mib=$(awk '/MemAvailable/ { printf "%.0f", $2 / 1024 }' /proc/meminfo)
if [ "${avail_mib:-0}" -lt 4500 ]; then
  echo "(3) sMNIST peer skipped: it needs ~3.3 GB, only ${avail_mib} MiB available"; exit 0
fi
if run_peer smnistntk peer_torch_rnn.py ntk --task sMNIST --kernel stacked --double --threads 1; then
  p=$(pval "$tmp/peer_smnistntk.txt" ntk_s)
  echo "(3) 2000x2000 sMNIST kernel: peer ${p} s (peak RSS $(cat "$tmp/peer_smnistntk.rss" 2>/dev/null || echo '?') MiB)," \
       "ours ${our_ks} s (peak RSS ${our_rss} MiB) -> ours $(ratio "$p" "$our_ks") faster (target >= 8x)"
fi
exit 0
