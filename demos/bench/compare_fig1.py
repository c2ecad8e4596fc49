#!/usr/bin/env python3
"""Fig. 1 side by side: our results.csv against the PyTorch route's result lines (peer_torch_rnn.py fig1).

  python3 demos/bench/compare_fig1.py out/fig1_side_by_side/ours/results.csv out/fig1_side_by_side/peer.txt
  python3 demos/bench/compare_fig1.py OURS_F32/results.csv PEER.txt --labels "ours float32,PyTorch float32"
  python3 demos/bench/compare_fig1.py OURS/results.csv OURS_F32/results.csv --labels "float64,float32" --seeds-of-rank 1

The second table may be a peer.txt or another results.csv (ours at another precision, docs/precision.md).
--labels names the two columns; --seeds-of-rank R also lists, per task and seed, the runs of rank R side
by side (dW, KA, accuracy) and marks those whose weight change differs by more than 10 %.

Prints Markdown: per task, rank and measure, our mean +- sd over seeds, the peer's, and the agreement:
the paired difference of the two (same seeds, same inputs) against the spread over seeds (d = mean of the
per-seed differences / sd over seeds of ours; |d| < 1: the implementations differ by less than seeds
do).  Then, per task and implementation, the paper's Fig. 1 claims on the means (rank 1 against the
highest rank: larger weight change, lower RA, lower KA) and whether weight change falls monotonically
with rank.  Standard library only.
"""
import csv
import math
import sys

MEASURES = [('weight_change', 'dW', 3), ('representation_alignment', 'RA', 4),
            ('kernel_alignment', 'KA', 4), ('loss_final', 'final loss', 4), ('accuracy', 'accuracy', 3)]


def fail(msg):
    print(f'compare_fig1.py: {msg}', file=sys.stderr)
    sys.exit(2)


def read_ours(path):
    runs = {}
    try:
        with open(path, newline='') as f:
            for row in csv.DictReader(f):
                key = (row['task'].lower(), int(float(row['rank'])), int(float(row['seed'])))
                runs[key] = {m: float(row[m]) for m, _, _ in MEASURES}
    except (OSError, KeyError, ValueError) as e:
        fail(f'{path}: {e}')
    return runs


def read_peer(path):
    runs = {}
    try:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                if not line.startswith('mode=fig1'):
                    continue
                kv = dict(w.split('=', 1) for w in line.split())
                key = (kv['task'].lower(), int(kv['rank']), int(kv['seed']))
                runs[key] = {m: float(kv[m]) for m, _, _ in MEASURES}
    except (OSError, KeyError, ValueError) as e:
        fail(f'{path}: {e}')
    return runs


def mean_sd(v):
    m = sum(v) / len(v)
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else 0.0
    return m, sd


def parse_args(argv):
    files, labels, rank_rows = [], ('ours', 'PyTorch'), None
    i = 0
    while i < len(argv):
        if argv[i] == '--labels' and i + 1 < len(argv) and len(argv[i + 1].split(',')) == 2:
            labels = tuple(argv[i + 1].split(','))
            i += 2
        elif argv[i] == '--seeds-of-rank' and i + 1 < len(argv) and argv[i + 1].isdigit():
            rank_rows = int(argv[i + 1])
            i += 2
        elif argv[i].startswith('--'):
            fail(f'unknown or incomplete option {argv[i]}')
        else:
            files.append(argv[i])
            i += 1
    if len(files) != 2:
        fail('usage: compare_fig1.py OURS_RESULTS_CSV PEER_TXT|OTHER_RESULTS_CSV [--labels A,B] [--seeds-of-rank R]')
    return files, labels, rank_rows


def print_seed_rows(ours, peer, common, rank, labels):
    a, b = labels
    print(f'\nRank {rank}, seed by seed ({a} against {b}; * = weight change differs by more than 10 %):\n')
    print(f'| task | seed | dW {a} | dW {b} | KA {a} | KA {b} | accuracy {a} | accuracy {b} |')
    print('|---|---|---|---|---|---|---|---|')
    for key in (k for k in common if k[1] == rank):
        o, q = ours[key], peer[key]
        star = ' *' if abs(q['weight_change'] - o['weight_change']) > 0.1 * abs(o['weight_change']) else ''
        print(f'| {key[0]} | {key[2]}{star} | {o["weight_change"]:.3f} | {q["weight_change"]:.3f} '
              f'| {o["kernel_alignment"]:.4f} | {q["kernel_alignment"]:.4f} | {o["accuracy"]:.3f} | {q["accuracy"]:.3f} |')


def main():
    (ours_path, peer_path), labels, rank_rows = parse_args(sys.argv[1:])
    ours = read_ours(ours_path)
    peer = read_ours(peer_path) if peer_path.endswith('.csv') else read_peer(peer_path)
    common = sorted(set(ours) & set(peer))
    if not common:
        fail('no run is in both tables (same task, rank and seed)')
    tasks = sorted({k[0] for k in common}, key=['2af', 'dms', 'cxt'].index)
    print(f'{len(common)} runs in both tables ({len(ours)} {labels[0]}, {len(peer)} {labels[1]}).\n')
    print(f'| task | rank | measure | {labels[0]} (mean ± sd) | {labels[1]} (mean ± sd) | paired diff | '
          f'd = diff / sd({labels[0]}) |')
    print('|---|---|---|---|---|---|---|')
    worst = {}
    for task in tasks:
        for rank in sorted({k[1] for k in common if k[0] == task}):
            seeds = sorted(k[2] for k in common if k[0] == task and k[1] == rank)
            for m, label, p in MEASURES:
                o = [ours[(task, rank, s)][m] for s in seeds]
                q = [peer[(task, rank, s)][m] for s in seeds]
                mo, so = mean_sd(o)
                mq, sq = mean_sd(q)
                diff = sum(b - a for a, b in zip(o, q)) / len(seeds)
                if len(seeds) < 2:  # no spread over seeds to compare with
                    d_text = 'n/a (1 seed)'
                else:
                    d = diff / so if so > 0 else (0.0 if diff == 0 else math.inf)
                    worst[m] = max(worst.get(m, 0.0), abs(d))
                    d_text = f'{d:+.2f}'
                print(f'| {task} | {rank} | {label} | {mo:.{p}f} ± {so:.{p}f} | {mq:.{p}f} ± {sq:.{p}f} '
                      f'| {diff:+.{p + 1}f} | {d_text} |')
    print('\nLargest |d| per measure: ' + ', '.join(f'{l} {worst.get(m, math.nan):.2f}' for m, l, _ in MEASURES))
    print('\n| task | implementation | rank 1 vs highest: larger dW | lower RA | lower KA | dW falls with every rank step |')
    print('|---|---|---|---|---|---|')
    for task in tasks:
        ranks = sorted({k[1] for k in common if k[0] == task})
        for name, runs in ((labels[0], ours), (labels[1], peer)):
            def mean(rank, m):
                return mean_sd([runs[k][m] for k in common if k[0] == task and k[1] == rank])[0]
            lo, hi = ranks[0], ranks[-1]
            yes = lambda b: 'yes' if b else 'NO'
            dws = [mean(r, 'weight_change') for r in ranks]
            mono = all(a > b for a, b in zip(dws, dws[1:]))
            print(f'| {task} | {name} | {yes(mean(lo, "weight_change") > mean(hi, "weight_change"))} '
                  f'| {yes(mean(lo, "representation_alignment") < mean(hi, "representation_alignment"))} '
                  f'| {yes(mean(lo, "kernel_alignment") < mean(hi, "kernel_alignment"))} '
                  f'| {yes(mono)} ({", ".join(f"{x:.3f}" for x in dws)}) |')
    if rank_rows is not None:
        print_seed_rows(ours, peer, common, rank_rows, labels)


if __name__ == '__main__':
    main()
