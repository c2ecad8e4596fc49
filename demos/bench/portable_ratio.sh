#!/usr/bin/env bash
# The cost of a build without -march=native (make PORTABLE=1): one small 2AF program
# (fig1_rank_sweep, N 100, 300 iterations, 1 seed, ranks 1 and 100, one thread) timed in the native
# build and in a portable build of the same source, best CPU time (user + sys) of 3 alternating runs
# each.  The GEMM micro-kernel takes its vector width from the instruction set the compiler targets
# (linalg/simd_width.h; docs/gemm.md#vector-width-from-the-instruction-set): target ratio <= 4x.
# Called by demos/bench/section_1_linalg.sh with the native build folder as $1; the portable build
# goes to $1/portable (make PORTABLE=1 BUILD=$1/portable, incremental after the first time).
set -uo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
native=$build/bin/fig1_rank_sweep
portable_build=$build/portable
portable=$portable_build/bin/fig1_rank_sweep
[ -x "$native" ] || { echo "portable ratio: missing $native (make all)"; exit 1; }
if ! make -s -C "$root" PORTABLE=1 BUILD="$portable_build" "$portable" >/dev/null 2>"$portable_build.log"; then
  echo "portable ratio: make PORTABLE=1 BUILD=$portable_build failed:"; tail -5 "$portable_build.log"; exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# CPU seconds (user + sys) of one run of program $1 (its output folder is thrown away).
cpu_seconds() {
  local out=$tmp/run TIMEFORMAT='%3U %3S'
  rm -rf "$out"
  { time "$1" --task 2af --N 100 --iters 300 --seeds 1 --ranks 1,100 --threads 1 --out "$out" \
      >/dev/null 2>"$tmp/err"; } 2>"$tmp/time" || return 1
  awk '{ printf "%.3f", $1 + $2 }' "$tmp/time"
}

best_native="" best_portable=""
for round in 1 2 3; do
  n=$(cpu_seconds "$native") || { echo "portable ratio: $native failed"; exit 1; }
  p=$(cpu_seconds "$portable") || { echo "portable ratio: $portable failed"; exit 1; }
  best_native=$(awk -v a="$n" -v b="$best_native" 'BEGIN { print (b == "" || a < b) ? a : b }')
  best_portable=$(awk -v a="$p" -v b="$best_portable" 'BEGIN { print (b == "" || a < b) ? a : b }')
done
echo "portable build (make PORTABLE=1) against native, fig1_rank_sweep 2AF N 100, 300 iterations, ranks 1,100, 1 thread, best CPU of 3:"
awk -v n="$best_native" -v p="$best_portable" 'BEGIN {
  printf "  native %.2f s, portable %.2f s: portable/native %.2fx (target <= 4x)\n", n, p, (n > 0 ? p / n : 0) }'
