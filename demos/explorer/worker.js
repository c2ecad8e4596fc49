// The explorer's worker (docs/explorer.md): runs the WebAssembly library off the page's thread, so the
// page stays responsive, and posts every log point and every finished run back to it.
// Bundled after emscripten's module factory createExplorer (demos/explorer/bundle_worker.py).
//
// Messages in:  {id, kind: "rnn", params: {task, N, gain, lr, momentum, iters, rank, seed, logEvery, live}}
//               {id, kind: "linear", params: {d, h, n, sigma, lr, maxSteps, lossTol, teacherNorm, seeds, ranks}}
//               {id, kind: "fig2", params: {N, gain, seed}}
// Messages out: {id, kind: "log", data}        one log point of an RNN run (live curves)
//               {id, kind: "run", result}      one finished run (Fig. 4A: one per seed x rank)
//               {id, kind: "done", result, seconds}
//               {id, kind: "error", message}
"use strict";
const explorerModule = createExplorer();

function call(M, name, types, args) {
  const answer = JSON.parse(M.ccall(name, "string", types, args));
  if (answer.error) throw new Error(answer.error);
  return answer;
}

function runRnn(M, id, p) {
  M.onLog = (json) => postMessage({ id, kind: "log", data: JSON.parse(json) });
  return call(M, "explorer_rnn_run",
    ["string", "number", "number", "number", "number", "number", "number", "number", "number", "number"],
    [p.task, p.N, p.gain, p.lr, p.momentum, p.iters, p.rank, p.seed, p.logEvery, p.live ? 1 : 0]);
}

// The fig4a_linear_rank loop: every seed, every rank (each run posted as it finishes), then (D5).
function runLinear(M, id, p) {
  const runs = [];
  for (const seed of p.seeds) {
    for (const rank of p.ranks) {
      const r = call(M, "explorer_linear_run",
        ["number", "number", "number", "number", "number", "number", "number", "number", "number", "number"],
        [p.d, p.h, p.n, p.sigma, p.lr, p.maxSteps, p.lossTol, p.teacherNorm, seed, rank]);
      runs.push(r);
      postMessage({ id, kind: "run", result: r });
    }
  }
  return { runs, curve: call(M, "explorer_linear_curve", ["number"], [p.d]) };
}

function runFig2(M, id, p) {
  return call(M, "explorer_fig2_spectra", ["number", "number", "number"], [p.N, p.gain, p.seed]);
}

const handlers = { rnn: runRnn, linear: runLinear, fig2: runFig2 };

self.onmessage = async (event) => {
  const { id, kind, params } = event.data;
  try {
    const M = await explorerModule;
    const t0 = performance.now();
    const result = handlers[kind](M, id, params);
    postMessage({ id, kind: "done", result, seconds: (performance.now() - t0) / 1000 });
  } catch (e) {
    postMessage({ id, kind: "error", message: String(e && e.message ? e.message : e) });
  }
};
