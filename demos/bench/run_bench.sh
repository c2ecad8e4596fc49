#!/usr/bin/env bash
# `make bench`: run every benchmark section (demos/bench/section_*.sh) in name order.
# Each section times our code and, in the same run, the peer programs (LAPACK/OpenBLAS, PyTorch)
# when they are installed; when a peer is missing the section says so and prints our numbers alone.
# Usage: run_bench.sh BUILD_DIR
set -uo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
echo "richlazy benchmarks on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
status=0
for section in "$here"/section_*.sh; do
  [ -e "$section" ] || continue
  echo
  echo "=== $(basename "$section" .sh | sed 's/^section_//') ==="
  bash "$section" "$build" || { echo "section $(basename "$section") failed"; status=1; }
done
exit $status
