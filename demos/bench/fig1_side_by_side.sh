#!/usr/bin/env bash
# Fig. 1 side by side: our fig1_rank_sweep and the PyTorch route (demos/bench/peer_torch_rnn.py fig1) on
# the same initial weights, training batches and probe (build/bin/fig1_dump writes them per task and seed),
# then demos/bench/compare_fig1.py puts the two tables together (docs/reproducing.md, "Fig. 1 against
# PyTorch").  Resumable: a peer run whose line is already in peer.txt is skipped.
#
#   bash demos/bench/fig1_side_by_side.sh [build-dir]
# Environment (defaults = Fig. 1's settings): TASKS="2af dms cxt" SEEDS=3 ITERS=10000 RANKS="1 30 100 300"
#   PEER_DTYPE=float32|float64 (float32: the released default) OUT=out/fig1_side_by_side
#   OURS_PRECISION=f64|f32: ours in float64 (into $OUT/ours) or float32 (into $OUT/ours_f32,
#     docs/precision.md); the peer's lines are shared.  With both present the script also compares
#     our two precisions (comparison_precisions.md).
#   PEER_ONLY=1: run only the peer (ours already in $OUT/ours/results.csv, e.g. from another machine)
# Wall time at the defaults on 2 cores: about 40 min for the peer (one process), 10-20 min for ours.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
TASKS=${TASKS:-2af dms cxt}
SEEDS=${SEEDS:-3}
FIRST_SEED=${FIRST_SEED:-1}   # the peer runs seeds FIRST_SEED..SEEDS (split the peer over processes)
ITERS=${ITERS:-10000}
RANKS=${RANKS:-1 30 100 300}
PEER_DTYPE=${PEER_DTYPE:-float32}
OURS_PRECISION=${OURS_PRECISION:-f64}
case "$OURS_PRECISION" in f64) ours_dir=ours ;; f32) ours_dir=ours_f32 ;;
  *) echo "fig1_side_by_side: OURS_PRECISION must be f64 or f32, not '$OURS_PRECISION'" >&2; exit 2 ;; esac
OUT=${OUT:-out/fig1_side_by_side}
# One BLAS thread, and OpenBLAS's real vector kernel (openblas_core.sh says why it must be chosen).
export OPENBLAS_NUM_THREADS=1
# shellcheck source=openblas_core.sh
source demos/bench/openblas_core.sh
# shellcheck source=find_torch.sh
source demos/bench/find_torch.sh   # sets $torch_py and prints which Python, torch and BLAS it found
PY=$torch_py
[ -n "$PY" ] || { echo "fig1_side_by_side: no Python with torch (apt-get install python3-torch python3-numpy)" >&2; exit 2; }
double=""; [ "$PEER_DTYPE" = float64 ] && double=--double
mkdir -p "$OUT"

# Ours: one sweep over every task, rank and seed (resumable like every figure program).
ranks_csv=$(echo "$RANKS" | tr ' ' ',')
tasks_csv=$(echo "$TASKS" | tr ' ' ',')
if [ "${PEER_ONLY:-0}" != 1 ]; then
  "$BUILD/bin/fig1_rank_sweep" --task "$tasks_csv" --ranks "$ranks_csv" --seeds "$SEEDS" --iters "$ITERS" \
    --precision "$OURS_PRECISION" --out "$OUT/$ours_dir" > "$OUT/$ours_dir.log"
fi

# The peer: one dump per task and seed, one run per rank; one result line per run in peer.txt.
touch "$OUT/peer.txt"
for task in $TASKS; do
  for seed in $(seq "$FIRST_SEED" "$SEEDS"); do
    dump="$OUT/dump_${task}_s$seed"
    for rank in $RANKS; do
      if grep -q "task=$(echo "$task" | tr a-z A-Z) seed=$seed rank=$rank " "$OUT/peer.txt" 2>/dev/null; then continue; fi
      [ -f "$dump/meta.json" ] || "$BUILD/bin/fig1_dump" --task "$task" --seed "$seed" --iters "$ITERS" \
                                     --ranks "$ranks_csv" --out "$dump" > /dev/null
      "$PY" demos/bench/peer_torch_rnn.py fig1 --data "$dump" --rank "$rank" --iters "$ITERS" \
        --kernel stacked --threads 1 $double >> "$OUT/peer.txt"
    done
    rm -rf "$dump"   # 60-180 MB of batches per dump
  done
done
[ -f "$OUT/$ours_dir/results.csv" ] || { echo "fig1_side_by_side: $OUT/$ours_dir/results.csv is missing (run without PEER_ONLY)" >&2; exit 1; }
peer_label="PyTorch $PEER_DTYPE"
if [ "$OURS_PRECISION" = f32 ]; then
  "$PY" demos/bench/compare_fig1.py "$OUT/ours_f32/results.csv" "$OUT/peer.txt" --labels "ours float32,$peer_label" \
    | tee "$OUT/comparison_f32.md"
else
  "$PY" demos/bench/compare_fig1.py "$OUT/ours/results.csv" "$OUT/peer.txt" --labels "ours float64,$peer_label" \
    | tee "$OUT/comparison.md"
fi
if [ -f "$OUT/ours/results.csv" ] && [ -f "$OUT/ours_f32/results.csv" ]; then
  "$PY" demos/bench/compare_fig1.py "$OUT/ours/results.csv" "$OUT/ours_f32/results.csv" --labels "float64,float32" \
    --seeds-of-rank 1 > "$OUT/comparison_precisions.md"
  echo "our two precisions: $OUT/comparison_precisions.md"
fi
