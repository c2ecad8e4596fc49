// The explorer's WebAssembly module against the native programs' output (docs/explorer.md#same-numbers).
//   node --no-experimental-fetch test_node.js <explorer_wasm.js> <folder of native runs>
// (demos/explorer/test_node.sh makes the native runs and calls this.)
//
// Not bit for bit, and why: the native build is g++ -O3 -march=native, which fuses a*b + c into one
// FMA instruction (one rounding instead of two) wherever it can; WebAssembly has no FMA, and its
// libm (musl's exp/log/tanh) differs from glibc's in the last bit.  So the two differ by rounding,
// about 1e-16 per operation, grown by training over a few hundred steps.  Every number must agree to
// a relative 1e-9 (plus 1e-12 absolute for values near zero); the largest difference seen is printed.
"use strict";
const fs = require("fs");
const path = require("path");

const [modulePath, runs] = process.argv.slice(2);
if (!modulePath || !runs) {
  console.error("usage: test_node.js <explorer_wasm.js> <folder of native runs>");
  process.exit(2);
}
const REL = 1e-9, ABS = 1e-12;

function readCsv(file) {
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  const head = lines[0].split(",");
  return lines.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [head[i], v])));
}

let failures = 0, worst = { diff: 0, what: "" };
function compare(what, native, wasm) {
  const a = Number(native), b = wasm === null ? NaN : Number(wasm);
  if (Number.isNaN(a) && Number.isNaN(b)) return;
  const diff = Math.abs(a - b), scale = Math.max(Math.abs(a), Math.abs(b));
  const rel = scale > 0 ? diff / scale : 0;
  // The worst relative difference among values not near zero (a final loss of 5e-13 is rounding noise).
  if (scale > 1e-9 && rel > worst.diff) worst = { diff: rel, what: `${what}: native ${native}, wasm ${wasm}` };
  if (!(diff <= REL * scale + ABS)) {
    failures++;
    console.log(`MISMATCH ${what}: native ${native}, wasm ${wasm} (relative ${rel.toExponential(2)})`);
  }
}

const SKIP = new Set(["task", "norm", "train_seconds", "measure_seconds"]);  // strings and timing

function checkFig1(M, folder, label) {
  for (const row of readCsv(path.join(runs, folder, "results.csv"))) {
    const r = call(M, "explorer_rnn_run", [row.task, +row.N, +row.gain, 0.003, 0.9, +row.iters, +row.rank, +row.seed, 0, 0]);
    let n = 0;
    for (const [k, v] of Object.entries(row)) {
      if (SKIP.has(k)) continue;
      if (!(k in r)) throw new Error(`${label}: the explorer does not report results.csv's column ${k}`);
      compare(`${label} rank ${row.rank} ${k}`, v, r[k]);
      n++;
    }
    console.log(`${label} rank ${row.rank}: ${n} columns compared (KA ${r.kernel_alignment}, dW ${r.weight_change})`);
  }
}

function checkFig4a(M) {
  for (const row of readCsv(path.join(runs, "fig4a", "runs.csv"))) {
    const r = call(M, "explorer_linear_run", [20, 100, 100, 1e-3, 0.05, 20000, 1e-12, 3.0, +row.seed, +row.rank]);
    for (const k of ["pr", "ka", "ka_pred_D4", "ka_expected_D5", "ka_feat", "ka_feat_pred_D6", "ka_feat_expected_D6",
                     "steps", "final_loss", "converged"])
      compare(`fig4a seed ${row.seed} rank ${row.rank} ${k}`, row[k], r[k]);
  }
  console.log("fig4a: runs.csv compared");
}

function checkFig2(M) {
  const r = call(M, "explorer_fig2_spectra", [300, 1.25, 1]);
  const rows = readCsv(path.join(runs, "fig2", "ranks.csv"));
  for (const e of r.entries) {
    const row = rows.find((x) => x.entry === e.name);
    if (!row) throw new Error(`fig2: ${e.name} not in the native ranks.csv`);
    compare(`fig2 ${e.name} relative_rank_eigen`, row.relative_rank_eigen, e.relative_rank_eigen);
    compare(`fig2 ${e.name} relative_rank_singular`, row.relative_rank_singular, e.relative_rank_singular);
  }
  console.log(`fig2: ${r.entries.length} entries compared`);
}

function call(M, name, args) {
  const types = args.map((a) => (typeof a === "string" ? "string" : "number"));
  const answer = JSON.parse(M.ccall(name, "string", types, args));
  if (answer.error) throw new Error(`${name}: ${answer.error}`);
  return answer;
}

require(path.resolve(modulePath))().then((M) => {
  checkFig1(M, "fig1", "fig1 2af");
  checkFig1(M, "fig1_dms", "fig1 dms");
  checkFig4a(M);
  checkFig2(M);
  console.log(`largest relative difference (values above 1e-9): ${worst.diff.toExponential(2)} (${worst.what})`);
  // The timing run: 2AF, N = 100, 500 iterations, as the native program's default (KA at the
  // start and the end, loss every 50 steps) and with the page's live measures (KA every 50 steps).
  for (const live of [0, 1]) {
    let logs = 0;
    M.onLog = () => logs++;
    const t0 = process.hrtime.bigint();
    const r = call(M, "explorer_rnn_run", ["2af", 100, 1.25, 0.003, 0.9, 500, 100, 1, 50, live]);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`timing: 2AF N=100 500 iterations, ${live ? "live KA/RA/dW" : "loss only"} every 50 steps: ` +
      `${seconds.toFixed(2)} s under node (training ${r.train_seconds.toFixed(2)} s, measures ${r.measure_seconds.toFixed(2)} s)`);
    if (logs !== 10) { console.log(`MISMATCH: expected 10 log points, saw ${logs}`); failures++; }
  }
  if (failures) {
    console.log(`FAILED: ${failures} numbers differ beyond relative ${REL}`);
    process.exit(1);
  }
  console.log(`PASSED: the WebAssembly build agrees with the native programs to relative ${REL}`);
}).catch((e) => { console.error(`FAILED: ${e.message || e}`); process.exit(1); });
