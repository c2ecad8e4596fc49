#!/usr/bin/env python3
"""The state and cost of every paper-scale record, as a Markdown table (docs/records/README.md).

    python3 demos/records_table.py            # from the repository's top folder

For each line of docs/records/records.tsv: the command, whether it is finished (its merged table
written), the runs recorded, the precision and results revision its manifests name, the worker time
summed over its run files (each run's train and measure seconds: the time one worker spent on it,
which is its CPU time on an idle machine and more on a shared one), and the CPU and wall time its
manifests recorded (the last session of each shard only: a record made over several sessions took
more).  Standard library only.
"""
import csv
import glob
import json
import os
import sys

REGISTRY = "docs/records/records.tsv"
# precision_study: its float64 side sets the pace of the lockstep (the float32 twin runs beside it on a
# second thread and waits for it), so seconds_f64 is the run's time.
TIME_COLUMNS = ("train_seconds", "measure_seconds", "net_seconds", "lin_seconds", "seconds_f64")


def registry():
    with open(REGISTRY) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, program, flags = (line.split("\t") + ["", ""])[:3]
            yield name, program, flags.strip()


def run_file_seconds(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    total = 0.0
    for row in rows:
        for column in TIME_COLUMNS:
            try:
                total += float(row.get(column) or 0.0)
            except ValueError:
                pass
    return total


def single_table_rows(path):
    """fig4a and fig3b run in seconds and write one runs.csv, a row per run, instead of runs/."""
    if not os.path.exists(path):
        return 0
    with open(path, newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def manifests(folder):
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "manifest*.json"))):
        with open(path) as f:
            out.append(json.load(f))
    return out


def hours(seconds):
    if seconds < 60:
        return "%.1f s" % seconds
    minutes = int(round(seconds / 60))
    return "%d:%02d h" % (minutes // 60, minutes % 60)


def main():
    if not os.path.exists(REGISTRY):
        sys.exit("records_table: %s not found (run from the repository's top folder)" % REGISTRY)
    print("| record | command | state | runs | precision | results revision | worker time (sum over runs) | CPU, last session | wall, last session |")
    print("|---|---|---|---|---|---|---|---|---|")
    total_cpu = 0.0
    for name, program, flags in registry():
        folder = os.path.join("docs/records", name)
        # run files only: not the per-run measure logs that --log-every writes beside them (runs/*_log.csv)
        runs = sorted(p for p in glob.glob(os.path.join(folder, "runs", "*.csv")) if not p.endswith("_log.csv"))
        finished = os.path.exists(os.path.join(folder, "results.csv")) or os.path.exists(os.path.join(folder, "runs.csv"))
        found = manifests(folder)
        manifest_cpu = sum(m.get("cpu_seconds", 0.0) for m in found)
        worker = sum(run_file_seconds(p) for p in runs) if runs else manifest_cpu  # fig4a, fig3b: no run files
        run_count = len(runs) if runs else single_table_rows(os.path.join(folder, "runs.csv"))
        wall = sum(m.get("wall_seconds", 0.0) for m in found)
        total_cpu += worker
        precision = ", ".join(sorted({m.get("precision", "f64") for m in found})) or "-"
        revision = ", ".join(sorted({m.get("results_revision", "?") for m in found})) or "-"
        state = "finished" if finished else ("in progress" if runs else "not started")
        command = "`%s%s`" % (program, " " + flags if flags else "")
        link = "[%s](records/%s/)" % (name, name) if os.path.isdir(folder) else name
        print("| %s | %s | %s | %d | %s | %s | %s | %s | %s |" % (
            link, command, state, run_count, precision, revision, hours(worker) if worker else "-",
            hours(manifest_cpu) if found else "-", hours(wall) if found else "-"))
    print("\nWorker time recorded so far, all records: %s" % hours(total_cpu))


if __name__ == "__main__":
    main()
