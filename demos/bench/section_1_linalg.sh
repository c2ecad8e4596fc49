#!/usr/bin/env bash
# Bench section 1, linear algebra: our GEMM in double and float (and SVD / eigen solvers) beside OpenBLAS
# dgemm / sgemm and LAPACK dgesvj / dsyev / dgeev, one thread each, on the same matrices, in the same
# run; first, the portable build's time against the native one (demos/bench/portable_ratio.sh).
# Called by demos/bench/run_bench.sh with the build folder as $1 (after `make all`).
#
# The peer (demos/bench/peer_linalg.c) is built only when liblapack-dev and libopenblas-dev are
# installed.  Ratios are reported only when the peer really loads OpenBLAS (checked with ldd and
# readlink): against the reference BLAS (~6 GFLOP/s) a ratio would flatter us, so we refuse.
# Ratio = our speed / peer speed = peer best time / our best time (> 1: we are faster).
set -uo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/openblas_core.sh"
ours_bin=$build/bin/bench_linalg
budget=${BENCH_LINALG_BUDGET:-0.25}   # seconds per row and program ([TP]; 26 rows x 2 programs ~ 1 min)

if [ ! -x "$ours_bin" ]; then
  echo "missing $ours_bin: build it first (make all)"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The portable build's cost first (it needs no peer): docs/gemm.md#vector-width-from-the-instruction-set.
bash "$here/portable_ratio.sh" "$build" || echo "portable ratio failed"
echo
"$ours_bin" --budget "$budget" >"$tmp/ours.txt" || { echo "bench_linalg failed"; exit 1; }

ours_alone() {
  echo "$1; our numbers alone:"
  cat "$tmp/ours.txt"
  exit 0
}

# --- the peer: installed packages, build, which BLAS it really loads ---
missing=""
for pkg in liblapack-dev libopenblas-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] || ours_alone "peer skipped: not installed:$missing (apt-get install -y$missing)"

peer_bin=$build/bench/peer_linalg
mkdir -p "$(dirname "$peer_bin")"
cc -O2 -Wall "$here/peer_linalg.c" -o "$peer_bin" -llapack -lblas -lm -ldl 2>"$tmp/cc.txt" ||
  { cat "$tmp/cc.txt"; ours_alone "peer skipped: peer_linalg.c did not build"; }

blas_link=$(ldd "$peer_bin" | awk '$1 ~ /^libblas\.so/ {print $3}')
lapack_link=$(ldd "$peer_bin" | awk '$1 ~ /^liblapack\.so/ {print $3}')
blas_real=$(readlink -f "${blas_link:-/nonexistent}")
lapack_real=$(readlink -f "${lapack_link:-/nonexistent}")
echo "peer BLAS:   $blas_link -> $blas_real"
echo "peer LAPACK: $lapack_link -> $lapack_real"
case "$blas_real" in
  *openblas*) ;;
  *) ours_alone "peer loads the reference BLAS, not OpenBLAS (select it: update-alternatives --config libblas.so.3-x86_64-linux-gnu); refusing to report ratios against it" ;;
esac

OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$peer_bin" 1 "$budget" >"$tmp/peer.txt" ||
  { cat "$tmp/peer.txt"; ours_alone "peer_linalg failed"; }
grep '^#' "$tmp/ours.txt"
grep '^#' "$tmp/peer.txt"
if grep -q ' avx512f ' /proc/cpuinfo 2>/dev/null &&
   ! grep -qE 'SkylakeX|CooperLake|SapphireRapids' "$tmp/peer.txt"; then
  echo "WARNING: this CPU has AVX-512 but OpenBLAS runs a kernel without it (see the BLAS line above):"
  echo "         the ratios below flatter us; set OPENBLAS_CORETYPE=SkylakeX (demos/bench/openblas_core.sh)"
fi

# --- side by side, joined on the key (first column) ---
awk '
  FNR == 1 && FILENAME != prev { file++; prev = FILENAME }
  /^#/ || $1 == "key" { next }
  {
    acc = ""; for (f = 5; f <= NF; ++f) acc = acc (f > 5 ? " " : "") $f
    if (file == 1) { order[++rows] = $1; ms[$1] = $2; gf[$1] = $4; accu[$1] = acc }
    else { pms[$1] = $2; pgf[$1] = $4; paccu[$1] = acc }
  }
  END {
    printf "%-22s %9s %9s %8s %8s %7s  %-36s %s\n", "row", "ours_ms", "peer_ms", "ours_GF", "peer_GF", "ratio", "ours accuracy", "peer accuracy"
    for (r = 1; r <= rows; ++r) {
      key = order[r]
      if (!(key in pms)) { printf "%-22s %9.4f %9s %8s %8s %7s  %s\n", key, ms[key], "-", gf[key], "-", "-", accu[key]; continue }
      printf "%-22s %9.4f %9.4f %8s %8s %7.2f  %-36s %s\n", key, ms[key], pms[key], gf[key], pgf[key], pms[key] / ms[key], accu[key], paccu[key]
    }
  }' "$tmp/ours.txt" "$tmp/peer.txt"
echo "(best of repeated calls; ratio = peer_ms / ours_ms, our speed over the peer's, > 1 means ours is faster)"
