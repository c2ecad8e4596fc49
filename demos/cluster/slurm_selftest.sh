#!/usr/bin/env bash
# Slurm self-test (`make slurm-selftest`): run the documented array job on a one-node Slurm cluster on
# this machine and check that sharding, resuming and merging give the serial result.
#
#   1. install Debian's slurm-wlm and munge when missing (needs root and apt-get);
#   2. start munged, slurmctld and slurmd with demos/cluster/slurm.conf.in (a temporary folder, own ports);
#   3. sbatch demos/cluster/fig1_rank_sweep.sbatch as a 4-task array on a small sweep, and wait;
#   4. rerun the program without --shard (it finds every run done and merges);
#   5. run the same flags serially into another folder and compare results.csv, timing columns aside;
#   6. stop the daemons (also on failure).
# When it cannot run (not root, no package) it prints "slurm-selftest: SKIPPED: <why>" and exits 0.
# Usage: demos/cluster/slurm_selftest.sh [build-dir]   (default build; the program must be built)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
PROGRAM=$BUILD/bin/fig1_rank_sweep
SCRIPT=demos/cluster/fig1_rank_sweep.sbatch
FLAGS="--task 2af --N 40 --ranks 1,10,40 --seeds 2 --iters 60"
SHARDS=4
say() { echo "slurm-selftest: $*"; }
skip() { say "SKIPPED: $*"; exit 0; }

[ -x "$PROGRAM" ] || { say "$PROGRAM is not built (make $PROGRAM)"; exit 1; }

# 0. docs/scaling.md shows the script verbatim: the block after its marker line must equal the file.
doc_block=$(awk '/^<!-- the file demos\/cluster\/fig1_rank_sweep.sbatch, verbatim -->$/ { on = 1; next }
                 on == 1 && /^```bash$/ { on = 2; next }  on == 2 && /^```$/ { exit }  on == 2 { print }' docs/scaling.md)
if [ "$doc_block" != "$(cat "$SCRIPT")" ]; then
  say "docs/scaling.md's Slurm block differs from $SCRIPT: copy the file into the block under the marker"
  diff <(echo "$doc_block") "$SCRIPT" || true
  exit 1
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  [ "$(id -u)" = 0 ] || skip "Slurm is not installed and this is not root (apt-get install slurm-wlm munge)"
  command -v apt-get >/dev/null || skip "Slurm is not installed and there is no apt-get"
  say "installing slurm-wlm and munge with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq slurm-wlm munge >/dev/null; }; then
    skip "apt-get could not install slurm-wlm and munge"
  fi
fi
[ "$(id -u)" = 0 ] || skip "the daemons are started as root here, and this is not root"

TMP=$(mktemp -d /tmp/richlazy-slurm.XXXXXX)
OUT=out/slurm_selftest
started_munge=0
cleanup() {
  local rc=$?
  local d pid
  for d in slurmd slurmctld; do
    pid=$(cat "$TMP/$d.pid" 2>/dev/null || true)
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  done
  [ "$started_munge" = 1 ] && pkill -u munge -x munged 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    say "FAILED (exit $rc); daemon logs:"
    tail -n 20 "$TMP"/slurmctld.log "$TMP"/slurmd.log 2>/dev/null || true
    tail -n 20 out/slurm/fig1_rank_sweep_*.log 2>/dev/null || true
  fi
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT

# 2. munge (the Debian package made /etc/munge/munge.key) and the two Slurm daemons.
if ! pgrep -x munged >/dev/null; then
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  [ -s /etc/munge/munge.key ] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=128 count=1 2>/dev/null;
                                   chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  runuser -u munge -- /usr/sbin/munged
  started_munge=1
fi
munge -n | unmunge >/dev/null || { say "munge does not work"; exit 1; }

mkdir -p "$TMP/state" "$TMP/spool"
host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2 / 1024 / 2)}' /proc/meminfo)
sed -e "s|@HOST@|$host|g" -e "s|@DIR@|$TMP|g" -e "s|@CPUS@|$cpus|g" -e "s|@MEM@|$mem|g" \
    -e "s|@CTLD_PORT@|16817|g" -e "s|@D_PORT@|16818|g" demos/cluster/slurm.conf.in > "$TMP/slurm.conf"
export SLURM_CONF=$TMP/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
  state=$(sinfo -h -o %T 2>/dev/null | head -n 1 || true)
  [ "$state" = idle ] && break
  sleep 1
done
[ "$state" = idle ] || { say "the node did not come up (state '$state')"; exit 1; }
say "cluster up: node $host, $cpus CPUs"

# 3. The documented array script, 4 shards of a small sweep; --wait returns when every task ended.
rm -rf "$OUT" "$OUT.serial"
mkdir -p out/slurm
started=$(date +%s)
N_SHARDS=$SHARDS SWEEP_FLAGS="$FLAGS" SWEEP_OUT=$OUT \
  sbatch --wait --array=0-$((SHARDS - 1)) --cpus-per-task=1 --job-name=fig1_rank_sweep "$SCRIPT"
say "array of $SHARDS shards finished in $(( $(date +%s) - started )) s"
n_runs=$(find "$OUT/runs" -name '*.csv' | wc -l)
say "$n_runs run files written by the shards"

# 4. Merge: every run is done, so this computes nothing.
# shellcheck disable=SC2086
"$PROGRAM" $FLAGS --out "$OUT" --threads 1 > "$TMP/merge.log" 2>&1
grep -q "already done, 0 run now" "$TMP/merge.log" || { say "the merge rerun computed runs:"; cat "$TMP/merge.log"; exit 1; }

# 5. The serial reference, and the comparison without the timing columns.
# shellcheck disable=SC2086
"$PROGRAM" $FLAGS --out "$OUT.serial" --threads 1 > "$TMP/serial.log" 2>&1
strip_timing() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) keep[i] = ($i !~ /_seconds$/) }
           { line = ""; for (i = 1; i <= NF; i++) if (keep[i]) line = line (line == "" ? "" : ",") $i; print line }' "$1"
}
if diff <(strip_timing "$OUT/results.csv") <(strip_timing "$OUT.serial/results.csv") > "$TMP/diff"; then
  say "PASSED: the Slurm array's merged results.csv equals the serial run's ($(($(wc -l < "$OUT/results.csv") - 1)) rows, timing columns aside)"
else
  say "the sharded and serial tables differ:"; cat "$TMP/diff"; exit 1
fi
