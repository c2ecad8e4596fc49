#!/usr/bin/env python3
"""The PyTorch route of the paper's RNN experiment, our own peer for `make bench` and for running Fig. 1
side by side (docs/paper.md#rnn-model, #training, #measures, #fig-1).

It follows what the released script does [REL]: a continuous-time RNN with alpha = 1, ReLU, no biases,
nn.Linear layers (W_in, W_h, W_out), cross-entropy, SGD momentum 0.9 lr 0.003, float32 by default
(--double: float64, the precision our C++ code computes in), and the W_h tangent kernel as the released
code computes it: one torch.autograd.grad call per network output, gradients concatenated with torch.cat
in a loop (--kernel loop), or the same gradients stacked once (--kernel stacked).

Modes (every result is printed as key=value words on one line):

  train   time training iterations on pre-drawn random batches of the paper's shapes, as
          build/bin/bench_rnn does (data generation is not the network's cost):
            --task 2AF|DMS|CXT  Neurogym shapes: B = 32, T = 8, 3 (CXT: 7) inputs, 3 outputs, the loss
                                over all 8 steps, labels 0 (fixate) before the decision step, 1 or 2 at it
            --task sMNIST       sequential MNIST shapes: B = 200, T = 28, 28 inputs, 10 classes, the loss
                                at the last step only
  ntk     time the W_h tangent kernel once (2AF: 768 x 768, all steps; sMNIST: 2000 x 2000, last step)
  fig1    one whole Fig. 1 training run on the inputs that build/bin/fig1_dump wrote (--data DIR, --rank R):
          the same initial weights, training batches and probe as build/bin/fig1_rank_sweep; trains
          --iters iterations (at most as many as were dumped) and prints weight change, RA, KA, sign
          similarity, loss_first / loss_final (means of the first / last 100 losses), probe accuracy.

Why fig1 reads our dump instead of generating the tasks in Python: the comparison then isolates the
training engine and the measures (float32 PyTorch autograd against our float64 BPTT) on bit-identical
inputs, so a difference in the table cannot come from a different random stream or a different trial
generator.  It does not check our trial generators; tests/test_*task* and docs/tasks.md do that.

Examples:
  python3 demos/bench/peer_torch_rnn.py train --task 2AF --iters 1000 --threads 1 --double
  python3 demos/bench/peer_torch_rnn.py ntk --task 2AF --kernel stacked --double --threads 1
  build/bin/fig1_dump --task 2af --seed 1 --iters 10000 --out /tmp/fig1_2af_s1
  python3 demos/bench/peer_torch_rnn.py fig1 --data /tmp/fig1_2af_s1 --rank 30 --iters 10000 [--double]

Errors (a missing file, a rank that was not dumped, more iterations than dumped) print one line and exit 2.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch


class CtRnn(torch.nn.Module):
    """h_t = relu(W_in x_t + W_h h_{t-1}), h_{-1} = 0, y_t = W_out h_t (alpha = 1, no biases) [REL]."""

    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.w_in = torch.nn.Linear(n_in, n_hidden, bias=False)
        self.w_h = torch.nn.Linear(n_hidden, n_hidden, bias=False)
        self.w_out = torch.nn.Linear(n_hidden, n_out, bias=False)
        self.n_hidden = n_hidden

    def forward(self, x):  # x (T, B, n_in) -> logits (T, B, K), hidden (T, B, N)
        h = torch.zeros(x.shape[1], self.n_hidden, dtype=x.dtype)
        hs = []
        for t in range(x.shape[0]):
            h = torch.relu(self.w_in(x[t]) + self.w_h(h))
            hs.append(h)
        hs = torch.stack(hs)
        return self.w_out(hs), hs


def loss_of(logits, labels, last_step):
    if last_step:
        return torch.nn.functional.cross_entropy(logits[-1], labels[-1])
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1))


def tangent_kernel(net, x, last_step, how):
    """K = J J^T with J = d(outputs)/d(W_h), one autograd call per output as the released code."""
    out, _ = net(x)
    steps = [out.shape[0] - 1] if last_step else range(out.shape[0])
    grads = []
    for t in steps:
        for b in range(out.shape[1]):
            for k in range(out.shape[2]):
                grads.append(torch.autograd.grad(out[t, b, k], net.w_h.weight, retain_graph=True)[0])
    if how == 'stacked':
        jac = torch.stack(grads)
    else:  # the released pattern: torch.cat in a loop (quadratic copying)
        jac = grads[0].unsqueeze(0)
        for g in grads[1:]:
            jac = torch.cat((jac, g.unsqueeze(0)), 0)
    jac = jac.reshape(jac.shape[0], -1)
    return jac @ jac.T


def cosine(a, b):
    return float((a * b).sum() / (a.norm() * b.norm()))


# ---- shapes of the paper's tasks (random data for timing) ----------------------------------------
SHAPES = {'2AF': (8, 32, 3, 3, False), 'DMS': (8, 32, 3, 3, False), 'CXT': (8, 32, 7, 3, False),
          'sMNIST': (28, 200, 28, 10, True)}  # T, B, n_in, K, loss at the last step only


def random_batch(task, rng, dtype):
    T, B, n_in, K, last = SHAPES[task]
    x = torch.from_numpy(rng.random((T, B, n_in))).to(dtype)
    y = np.zeros((T, B), dtype=np.int64)
    y[-1] = rng.integers(0, K, B) if last else rng.integers(1, K, B)
    return x, torch.from_numpy(y)


def paper_like_net(task, n_hidden, rng, dtype):
    T, B, n_in, K, last = SHAPES[task]
    net = CtRnn(n_in, n_hidden, K).to(dtype)
    with torch.no_grad():  # W_h = 1.25 G / sqrt(N) (full rank); W_in, W_out keep nn.Linear's uniform draw
        net.w_h.weight.copy_(torch.from_numpy(1.25 * rng.standard_normal((n_hidden, n_hidden)) / np.sqrt(n_hidden)))
    return net


def mode_train(a, dtype):
    rng = np.random.default_rng(a.seed)
    T, B, n_in, K, last = SHAPES[a.task]
    net = paper_like_net(a.task, a.hidden, rng, dtype)
    opt = torch.optim.SGD(net.parameters(), lr=0.003, momentum=0.9)
    batches = [random_batch(a.task, rng, dtype) for _ in range(16)]

    def step(i):
        x, y = batches[i % 16]
        opt.zero_grad()
        out, _ = net(x)
        loss = loss_of(out, y, last)
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(min(20, a.iters)):  # warm-up
        step(i)
    blocks = 5
    per_block = max(1, a.iters // blocks)
    times, cpu_times = [], []  # wall, and CPU time of this process (robust on a shared machine)
    for _ in range(blocks):
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(per_block):
            last_loss = step(i)
        times.append((time.perf_counter() - t0) / per_block)
        cpu_times.append((time.process_time() - c0) / per_block)
    print(f'mode=train task={a.task} dtype={str(dtype)[6:]} N={a.hidden} T={T} B={B} threads={a.threads} '
          f'iters={per_block * blocks} per_iter_ms={np.mean(times) * 1e3:.4f} '
          f'best_block_ms={min(times) * 1e3:.4f} cpu_best_block_ms={min(cpu_times) * 1e3:.4f} loss_last={last_loss:.4f}')


def mode_ntk(a, dtype):
    rng = np.random.default_rng(a.seed)
    T, B, n_in, K, last = SHAPES[a.task]
    net = paper_like_net(a.task, a.hidden, rng, dtype)
    x, _ = random_batch(a.task, rng, dtype)
    t0 = time.perf_counter()
    Km = tangent_kernel(net, x, last, a.kernel)
    secs = time.perf_counter() - t0
    print(f'mode=ntk task={a.task} dtype={str(dtype)[6:]} kernel={a.kernel} rows={Km.shape[0]} '
          f'threads={a.threads} ntk_s={secs:.3f} trace={float(torch.trace(Km)):.6e}')


# ---- one Fig. 1 run on the dumped inputs ------------------------------------------------------------
def usage_error(msg):
    print(f'peer_torch_rnn.py: {msg}', file=sys.stderr)
    sys.exit(2)


def load(folder, name):
    path = os.path.join(folder, name)
    if not os.path.isfile(path):
        usage_error(f'--data: {path} is missing (write the folder with build/bin/fig1_dump)')
    return np.load(path)


def mode_fig1(a, dtype):
    if not a.data:
        usage_error('fig1 needs --data DIR (written by build/bin/fig1_dump)')
    meta_path = os.path.join(a.data, 'meta.json')
    if not os.path.isfile(meta_path):
        usage_error(f'--data: {meta_path} is missing: not a complete fig1_dump folder')
    with open(meta_path) as f:
        meta = json.load(f)
    if a.rank not in meta['ranks']:
        usage_error(f'--rank: {a.rank} was not dumped (ranks in {a.data}: {meta["ranks"]})')
    iters = meta['iters'] if a.iters is None else a.iters
    if not 1 <= iters <= meta['iters']:
        usage_error(f'--iters: {iters} outside 1..{meta["iters"]} (the iterations dumped in {a.data})')
    T, B, P, N, n_in, K = meta['T'], meta['B'], meta['P'], meta['N'], meta['n_in'], meta['K']

    def time_major(x, rows, cols):  # rows t*cols + b  ->  (T, cols, ...)
        return x.reshape((rows, cols) + x.shape[1:])

    net = CtRnn(n_in, N, K).to(dtype)
    with torch.no_grad():
        net.w_in.weight.copy_(torch.from_numpy(load(a.data, 'W_in.npy')))
        net.w_out.weight.copy_(torch.from_numpy(load(a.data, 'W_out.npy')))
        net.w_h.weight.copy_(torch.from_numpy(load(a.data, f'W_h_r{a.rank}.npy')))
    W0 = net.w_h.weight.detach().clone()
    probe_x = torch.from_numpy(time_major(load(a.data, 'probe_x.npy'), T, P)).to(dtype)
    probe_y = torch.from_numpy(time_major(load(a.data, 'probe_labels.npy'), T, P).astype(np.int64))
    kernel_x = probe_x[:, :meta['kernel_trials']]
    train_x = load(a.data, 'train_x.npy').reshape(meta['iters'], T, B, n_in)
    train_y = load(a.data, 'train_labels.npy').reshape(meta['iters'], T, B).astype(np.int64)

    def probe_state():
        with torch.no_grad():
            out, hs = net(probe_x)
        return out, hs[-1].clone()

    t0 = time.perf_counter()
    _, H0 = probe_state()
    K0 = tangent_kernel(net, kernel_x, False, a.kernel).detach()
    measure_s = time.perf_counter() - t0

    opt = torch.optim.SGD(net.parameters(), lr=0.003, momentum=0.9)
    losses = []
    t0 = time.perf_counter()
    for i in range(iters):
        x = torch.from_numpy(train_x[i]).to(dtype)
        y = torch.from_numpy(train_y[i])
        opt.zero_grad()
        out, _ = net(x)
        loss = loss_of(out, y, False)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    train_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    out, Hf = probe_state()
    Kf = tangent_kernel(net, kernel_x, False, a.kernel).detach()
    measure_s += time.perf_counter() - t0
    dW = net.w_h.weight.detach() - W0
    ra = cosine(H0 @ H0.T, Hf @ Hf.T)
    ka = cosine(K0, Kf)
    sign = float((torch.sign(H0) == torch.sign(Hf)).double().mean())
    acc = float((out[-1].argmax(dim=1) == probe_y[-1]).double().mean())
    n = min(100, len(losses))
    print(f'mode=fig1 task={meta["task"]} seed={meta["seed"]} rank={a.rank} dtype={str(dtype)[6:]} '
          f'kernel={a.kernel} threads={a.threads} iters={iters} '
          f'weight_change={float(dW.norm()):.6f} relative_weight_change={float(dW.norm() / W0.norm()):.6f} '
          f'representation_alignment={ra:.6f} kernel_alignment={ka:.6f} sign_similarity={sign:.6f} '
          f'loss_first={np.mean(losses[:n]):.6f} loss_final={np.mean(losses[-n:]):.6f} accuracy={acc:.4f} '
          f'train_s={train_s:.2f} measure_s={measure_s:.2f}')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('mode', choices=['train', 'ntk', 'fig1'])
    p.add_argument('--task', choices=sorted(SHAPES), default='2AF', help='shapes for train / ntk (default 2AF)')
    p.add_argument('--iters', type=int, default=None,
                   help='train: iterations timed (default 1000); fig1: iterations trained (default: all dumped)')
    p.add_argument('--double', action='store_true', help='float64 throughout (default float32, as released)')
    p.add_argument('--kernel', choices=['loop', 'stacked'], default='loop',
                   help='tangent kernel: the released per-output loop with torch.cat, or stacked once')
    p.add_argument('--threads', type=int, default=1, help='torch.set_num_threads (default 1)')
    p.add_argument('--hidden', type=int, default=300, help='hidden units N for train / ntk (default 300)')
    p.add_argument('--seed', type=int, default=0, help='seed of the random weights and data (train / ntk)')
    p.add_argument('--data', help='fig1: folder written by build/bin/fig1_dump')
    p.add_argument('--rank', type=int, default=300, help='fig1: initial rank of W_h (a dumped one)')
    a = p.parse_args()
    if a.threads < 1:
        usage_error(f'--threads: {a.threads} must be >= 1')
    if a.hidden < 1:
        usage_error(f'--hidden: {a.hidden} must be >= 1')
    if a.iters is not None and a.iters < 1:
        usage_error(f'--iters: {a.iters} must be >= 1')
    if a.mode == 'train' and a.iters is None:
        a.iters = 1000
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    dtype = torch.float64 if a.double else torch.float32
    {'train': mode_train, 'ntk': mode_ntk, 'fig1': mode_fig1}[a.mode](a, dtype)


if __name__ == '__main__':
    main()
