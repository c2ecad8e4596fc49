#!/usr/bin/env bash
# The explorer's WebAssembly build under node against the native programs (docs/explorer.md#same-numbers):
# a small fixed run of each panel, natively and in WASM, every number compared (test_node.js says the
# tolerance and why the two are not bit for bit), then the timing of the issue's 2AF run.
#   usage: test_node.sh <native build dir> <wasm build dir>
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
WASM=${2:-build/wasm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Node from another source than Debian's: emscripten 3.1.6's output runs under node 20 only without its fetch.
NODE=(node)
node --no-experimental-fetch -e 0 2>/dev/null && NODE=(node --no-experimental-fetch)

# The same runs the page's defaults and the node script ask for (seed 1, one thread: same numbers anyway).
"$BUILD/bin/fig1_rank_sweep" --task 2af --N 100 --gain 1.25 --lr 0.003 --iters 300 --ranks 1,100 \
  --seed 1 --seeds 1 --threads 1 --out "$tmp/fig1" >"$tmp/fig1.log"
"$BUILD/bin/fig1_rank_sweep" --task dms --N 40 --gain 1.25 --lr 0.003 --iters 100 --ranks 2,40 \
  --seed 5 --seeds 1 --threads 1 --out "$tmp/fig1_dms" >"$tmp/fig1_dms.log"
"$BUILD/bin/fig4a_linear_rank" --d 20 --h 100 --sigma 1e-3 --seed 1 --seeds 2 --ranks 1,5,20 \
  --out "$tmp/fig4a" >"$tmp/fig4a.log"
"$BUILD/bin/fig2_biological" --no-train --no-controls --N 300 --gain 1.25 --seed 1 --seeds 1 --threads 1 \
  --out "$tmp/fig2" >"$tmp/fig2.log"
"${NODE[@]}" demos/explorer/test_node.js "$WASM/explorer_wasm.js" "$tmp"
