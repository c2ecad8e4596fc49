#!/usr/bin/env python3
"""PyTorch timing peer of one Fig. 4B training iteration (docs/paper.md#two-layer-relu): the two-layer
ReLU network 784 -> 300 -> 10 without biases, softmax cross-entropy over a batch of 100, SGD momentum 0.9
lr 0.01 -- the shapes and settings of nn/two_layer_relu.h and demos/fig4b_relu_mnist.cpp -- on
pre-drawn random batches (pixels in [0, 1), random labels), as build/bin/bench_rnn --part relu.

  python3 demos/bench/peer_torch_relu.py [--iters 1000] [--threads 1] [--double]

Prints one line of key=value words (per_iter_ms: mean over 5 blocks; best_block_ms; cpu_best_block_ms: CPU time of the best block).
"""
import argparse
import sys
import time

import numpy as np
import torch


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--iters', type=int, default=1000, help='iterations timed (default 1000)')
    p.add_argument('--threads', type=int, default=1, help='torch.set_num_threads (default 1)')
    p.add_argument('--double', action='store_true', help='float64 (default float32)')
    p.add_argument('--hidden', type=int, default=300, help='hidden units (default 300)')
    p.add_argument('--batch', type=int, default=100, help='batch size (default 100)')
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    for name in ('iters', 'threads', 'hidden', 'batch'):
        if getattr(a, name) < 1:
            print(f'peer_torch_relu.py: --{name}: {getattr(a, name)} must be >= 1', file=sys.stderr)
            sys.exit(2)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    dtype = torch.float64 if a.double else torch.float32
    rng = np.random.default_rng(a.seed)
    net = torch.nn.Sequential(torch.nn.Linear(784, a.hidden, bias=False), torch.nn.ReLU(),
                              torch.nn.Linear(a.hidden, 10, bias=False)).to(dtype)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    batches = [(torch.from_numpy(rng.random((a.batch, 784))).to(dtype),
                torch.from_numpy(rng.integers(0, 10, a.batch))) for _ in range(16)]

    def step(i):
        x, y = batches[i % 16]
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(min(20, a.iters)):
        step(i)
    blocks = 5
    per_block = max(1, a.iters // blocks)
    times, cpu_times = [], []  # wall, and CPU time of this process (robust on a shared machine)
    for _ in range(blocks):
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(per_block):
            last = step(i)
        times.append((time.perf_counter() - t0) / per_block)
        cpu_times.append((time.process_time() - c0) / per_block)
    print(f'mode=relu dtype={str(dtype)[6:]} N={a.hidden} B={a.batch} threads={a.threads} iters={per_block * blocks} '
          f'per_iter_ms={np.mean(times) * 1e3:.4f} best_block_ms={min(times) * 1e3:.4f} cpu_best_block_ms={min(cpu_times) * 1e3:.4f} loss_last={last:.4f}')


if __name__ == '__main__':
    main()
