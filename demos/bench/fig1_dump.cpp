// Writes one Fig. 1 run's inputs as NumPy files, so the PyTorch route (demos/bench/peer_torch_rnn.py
// fig1) trains on exactly what build/bin/fig1_rank_sweep trains on: the same initial weights, the
// same training batches in the same order, the same probe set (docs/paper.md#fig-1).
//
//   fig1_dump --task 2af --seed 1 --ranks 1,30,100,300 --iters 10000 --out /tmp/fig1_2af_s1
//
// Randomness as fig1_rank_sweep (demos/fig1_rank_sweep.cpp, header comment), for run seed S:
//   derive_seed(S, 1)  base Gaussian W0 = g G / sqrt(N); W_h(0) = its rank-r truncation, Frobenius
//                      norm restored (nn/init.h low_rank_init)
//   derive_seed(S, 2)  W_in, W_out (PyTorch uniform), shared by every rank
//   derive_seed(S, 3)  the Neurogym stream: the probe (its first 10 batches, 320 trials) and then the
//                      training batches (docs/tasks.md#dataset)
// so `fig1_rank_sweep --task T --seed S --seeds 1 --ranks R --iters I` and
// `peer_torch_rnn.py fig1 --data DIR --rank R --double` train the same network on the same data.
//
// Files in --out (float64 .npy, row-major, time-major rows t*B + b as nn/sequence.h):
//   W_in.npy (N, n_in)  W_out.npy (K, N)  W_h_r<rank>.npy (N, N) for every rank
//   probe_x.npy (T*P, n_in)  probe_labels.npy (T*P)        P = 320 probe trials
//   train_x.npy (I*T*B, n_in)  train_labels.npy (I*T*B)     batch i is rows [i*T*B, (i+1)*T*B)
//   meta.json  task, seed, gain, N, n_in, K, T, B, P, iters, ranks; written LAST, so a folder without
//              it is incomplete (each .npy is itself written atomically by nn/npy.h).
// Size: I * 256 * (n_in + 1) * 8 bytes of training data: 82 MB for 2AF / DMS at I = 10,000, 164 MB
// for CXT.  sMNIST is not supported (its stream would be 12 GB; use bench_rnn for its timing).
#include <cstdio>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "demos/toolkit/atomic_file.h"
#include "demos/toolkit/cli.h"
#include "nn/rnn_experiment.h"
#include "tasks/paper_probe.h"
#include "linalg/rng.h"
#include "nn/init.h"
#include "nn/npy.h"

namespace {

constexpr std::uint64_t kStreamBaseW = 1, kStreamIo = 2, kStreamData = 3;  // as demos/fig1_rank_sweep.cpp

std::vector<double> labels_as_doubles(const std::vector<int>& labels) {
  return std::vector<double>(labels.begin(), labels.end());
}

void dump(const std::string& task_name, std::uint64_t seed, const std::vector<std::int64_t>& ranks,
          std::size_t iters, double gain, std::size_t N, const std::string& out) {
  rl::RnnTaskSetup setup = rl::neurogym_setup(task_name, rl::derive_seed(seed, kStreamData));
  rl::Rng w_rng(rl::derive_seed(seed, kStreamBaseW));
  const rl::Matrix W0 = rl::gaussian_init(N, N, gain, w_rng);
  rl::Rng io_rng(rl::derive_seed(seed, kStreamIo));
  const rl::RnnParams io = rl::paper_io_init(setup.n_in, N, setup.n_out, io_rng);

  rl::make_dirs(out);
  rl::save_npy(out + "/W_in.npy", io.W_in);
  rl::save_npy(out + "/W_out.npy", io.W_out);
  for (std::int64_t r : ranks)
    rl::save_npy(out + "/W_h_r" + std::to_string(r) + ".npy", rl::low_rank_init(W0, static_cast<std::size_t>(r)));
  rl::save_npy(out + "/probe_x.npy", setup.probe.x);
  rl::save_npy(out + "/probe_labels.npy", labels_as_doubles(setup.probe.labels));

  std::size_t T = 0, B = 0;
  rl::Matrix x;
  std::vector<double> labels;
  for (std::size_t i = 0; i < iters; ++i) {
    const rl::SeqBatch b = setup.next_batch();
    if (i == 0) {
      T = b.T;
      B = b.B;
      x = rl::Matrix(iters * T * B, b.n_in());
      labels.reserve(iters * T * B);
    }
    std::copy(b.x.values().begin(), b.x.values().end(), x.row(i * T * B));
    labels.insert(labels.end(), b.labels.begin(), b.labels.end());
  }
  rl::save_npy(out + "/train_x.npy", x);
  rl::save_npy(out + "/train_labels.npy", labels);

  std::ostringstream meta;
  meta.precision(17);
  meta << "{\"task\": \"" << setup.name << "\", \"seed\": " << seed << ", \"gain\": " << gain << ", \"N\": " << N
       << ", \"n_in\": " << setup.n_in << ", \"K\": " << setup.n_out << ", \"T\": " << setup.probe.T
       << ", \"B\": " << B << ", \"P\": " << setup.probe.B << ", \"kernel_trials\": " << setup.kernel_probe.B
       << ", \"iters\": " << iters << ", \"ranks\": [";
  for (std::size_t i = 0; i < ranks.size(); ++i) meta << (i ? ", " : "") << ranks[i];
  meta << "]}\n";
  rl::write_text_atomic(out + "/meta.json", meta.str());
  std::printf("fig1_dump: %s seed %llu, %zu iterations of %zu x %zu, ranks", setup.name.c_str(),
              static_cast<unsigned long long>(seed), iters, T, B);
  for (std::int64_t r : ranks) std::printf(" %lld", static_cast<long long>(r));
  std::printf(" -> %s\n", out.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    rl::Cli cli("fig1_dump", "Write one Fig. 1 run's initial weights, training batches and probe as .npy files "
                             "(for demos/bench/peer_torch_rnn.py fig1).");
    cli.add_string("task", "2af", "Neurogym task", {"2af", "dms", "cxt"});
    cli.add_int("seed", 1, "run seed, as fig1_rank_sweep's", 0);
    cli.add_int_list("ranks", {1, 30, 100, 300}, "initial ranks of W_h (one W_h_r<rank>.npy each)", 1, 100000);
    cli.add_int("iters", 10000, "training batches to write", 1, 1000000);
    cli.add_double("gain", 1.25, "gain g of the base Gaussian (fig1_rank_sweep's default)", 0.0, 100.0);
    cli.add_int("N", 300, "hidden units", 1, 100000);
    cli.add_string("out", "", "output folder (required)");
    if (!cli.parse_or_exit(argc, argv)) return 0;
    if (cli.get_string("out").empty()) {
      std::fprintf(stderr, "fig1_dump: --out: an output folder is required (see --help)\n");
      return 2;
    }
    const std::size_t N = static_cast<std::size_t>(cli.get_int("N"));
    for (std::int64_t r : cli.get_int_list("ranks"))
      if (static_cast<std::size_t>(r) > N) {
        std::fprintf(stderr, "fig1_dump: --ranks: %lld is larger than N = %zu (see --help)\n",
                     static_cast<long long>(r), N);
        return 2;
      }
    dump(cli.get_string("task"), static_cast<std::uint64_t>(cli.get_int("seed")), cli.get_int_list("ranks"),
         static_cast<std::size_t>(cli.get_int("iters")), cli.get_double("gain"), N, cli.get_string("out"));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fig1_dump: %s\n", e.what());
    return 1;
  }
}
