// The explorer's page (docs/explorer.md): forms, workers, live plots.  Hand-written, no framework.
// The numbers come from the WebAssembly library in workers (worker.js, bundled with the module into
// explorer_worker_bundle.js); this file only draws them.  Read top-down: plotting, then one block per panel.
"use strict";

const COLOURS = ["#1f5fa8", "#d0542b", "#2a8f3d", "#8a3fa0", "#b88a00", "#2aa0a8", "#a02a5a"];
const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- workers

// A worker made from the bundled source (a Blob, so the page also works opened from disk).
function startWorker() {
  const url = URL.createObjectURL(new Blob([EXPLORER_WORKER_SOURCE], { type: "text/javascript" }));
  return new Worker(url);
}

let nextId = 1;
// Runs one job in a fresh worker; onMessage sees its log/run messages; resolves with the "done" message.
function runJob(kind, params, onMessage) {
  const worker = startWorker();
  const id = nextId++;
  const promise = new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      const m = event.data;
      if (m.kind === "done") { worker.terminate(); resolve(m); }
      else if (m.kind === "error") { worker.terminate(); reject(new Error(m.message)); }
      else onMessage(m);
    };
    worker.onerror = (e) => { worker.terminate(); reject(new Error(e.message || "worker failed to start")); };
  });
  worker.postMessage({ id, kind, params });
  return { promise, cancel: () => worker.terminate() };
}

// ---------------------------------------------------------------- a small line/scatter plot on a canvas

// series: [{label, colour, x: [], y: [], style: "line" | "dots" | "rings", dash}]
function plot(canvas, { title, xLabel, logX = false, logY = false, series, yRange }) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height, L = 46, R = 8, T = 20, B = 32;
  ctx.clearRect(0, 0, W, H);
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillStyle = "#222";
  ctx.fillText(title, L, 13);
  const fx = (v) => (logX ? Math.log10(v) : v), fy = (v) => (logY ? Math.log10(v) : v);
  const ok = (x, y) => Number.isFinite(fx(x)) && Number.isFinite(fy(y)) && x !== null && y !== null;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of series)
    s.x.forEach((x, i) => {
      if (!ok(x, s.y[i])) return;
      x0 = Math.min(x0, fx(x)); x1 = Math.max(x1, fx(x));
      y0 = Math.min(y0, fy(s.y[i])); y1 = Math.max(y1, fy(s.y[i]));
    });
  if (yRange) { y0 = Math.min(y0, yRange[0]); y1 = Math.max(y1, yRange[1]); }
  if (!(x1 >= x0)) return;  // nothing to draw yet
  if (x1 === x0) { x0 -= 1; x1 += 1; }
  if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
  const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
  const px = (v) => L + ((fx(v) - x0) / (x1 - x0)) * (W - L - R);
  const py = (v) => H - B - ((fy(v) - y0) / (y1 - y0)) * (H - T - B);
  // Axes with three ticks each (logs: powers of ten).
  ctx.strokeStyle = "#888"; ctx.beginPath(); ctx.moveTo(L, T); ctx.lineTo(L, H - B); ctx.lineTo(W - R, H - B); ctx.stroke();
  ctx.fillStyle = "#555";
  const tick = (v, log) => (log ? "1e" + Math.round(v) : Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(0) : +v.toPrecision(3));
  for (let k = 0; k <= 2; k++) {
    const xv = x0 + ((x1 - x0) * k) / 2, yv = y0 + ((y1 - y0) * k) / 2;
    const xs = L + ((W - L - R) * k) / 2, ys = H - B - ((H - T - B) * k) / 2;
    ctx.fillText(String(tick(xv, logX)), xs - (k === 2 ? 24 : k === 1 ? 10 : 0), H - B + 13);
    ctx.fillText(String(tick(yv, logY)), 2, ys + 4);
  }
  ctx.fillText(xLabel, L + (W - L - R) / 2 - 20, H - 4);
  // Series, then the legend.
  series.forEach((s) => {
    ctx.strokeStyle = ctx.fillStyle = s.colour;
    ctx.setLineDash(s.dash || []);
    if ((s.style || "line") === "line") {
      ctx.beginPath();
      let pen = false;
      s.x.forEach((x, i) => {
        if (!ok(x, s.y[i])) { pen = false; return; }
        pen ? ctx.lineTo(px(x), py(s.y[i])) : ctx.moveTo(px(x), py(s.y[i]));
        pen = true;
      });
      ctx.lineWidth = 1.6; ctx.stroke(); ctx.lineWidth = 1;
    } else {
      s.x.forEach((x, i) => {
        if (!ok(x, s.y[i])) return;
        ctx.beginPath(); ctx.arc(px(x), py(s.y[i]), s.style === "rings" ? 4.5 : 2.6, 0, 2 * Math.PI);
        s.style === "rings" ? ctx.stroke() : ctx.fill();
      });
    }
    ctx.setLineDash([]);
  });
  let ly = T + 10;
  series.filter((s) => s.label).forEach((s) => {
    ctx.fillStyle = s.colour;
    ctx.fillText(s.label, W - R - 6 - ctx.measureText(s.label).width, ly);
    ly += 13;
  });
}

// Numbers as the page shows them: 6 significant digits; the full value rides along in data-value.
const show = (v) => (v === null || v === undefined ? "nan" : Number.isInteger(v) ? String(v) : v.toPrecision(6));
function cell(row, value, tag = "td") {
  const c = document.createElement(tag);
  c.textContent = typeof value === "number" || value === null ? show(value) : value;
  if (typeof value === "number") c.dataset.value = String(value);
  row.appendChild(c);
  return c;
}

// ---------------------------------------------------------------- Fig. 1: the rank sweep

const fig1 = { jobs: [], runs: new Map() };

function fig1Params() {
  const f = new FormData($("fig1-form"));
  const p = {
    task: f.get("task"), N: +f.get("N"), gain: +f.get("gain"), lr: +f.get("lr"), momentum: 0.9,
    iters: +f.get("iters"), seed: +f.get("seed"), logEvery: +f.get("logEvery"), live: f.get("live") === "on",
  };
  p.ranks = String(f.get("ranks")).split(/[ ,]+/).filter((s) => s).map(Number);
  if (p.ranks.length < 1 || p.ranks.some((r) => !Number.isInteger(r) || r < 1 || r > p.N))
    throw new Error(`ranks: whole numbers from 1 to N = ${p.N}, comma-separated; got "${f.get("ranks")}"`);
  if (new Set(p.ranks).size !== p.ranks.length) throw new Error("ranks: each rank once");
  p.ranks.sort((a, b) => a - b);
  return p;
}

function fig1Command(p) {
  return `build/bin/fig1_rank_sweep --task ${p.task} --N ${p.N} --gain ${p.gain} --lr ${p.lr} --iters ${p.iters} ` +
    `--ranks ${p.ranks.join(",")} --seed ${p.seed} --seeds 1 --log-every ${p.logEvery}${p.live ? " --log-measures" : ""}`;
}

function fig1Draw(p) {
  const series = (key) => p.ranks.map((rank, k) => {
    const logs = fig1.runs.get(rank).logs;
    return { label: `rank ${rank}`, colour: COLOURS[k % COLOURS.length], x: logs.map((l) => l.step), y: logs.map((l) => l[key]) };
  });
  plot($("fig1-loss"), { title: "loss (100-step mean)", xLabel: "iteration", series: series("loss") });
  plot($("fig1-dw"), { title: "weight change ||W_h(t) - W_h(0)||", xLabel: "iteration", series: series("weight_change") });
  plot($("fig1-ka"), { title: "kernel alignment KA (1 = lazy)", xLabel: "iteration", series: series("kernel_alignment") });
  plot($("fig1-ra"), { title: "representation alignment RA", xLabel: "iteration", series: series("representation_alignment") });
  const sv = [];
  p.ranks.forEach((rank, k) => {
    const r = fig1.runs.get(rank).result;
    if (!r) return;
    const c = COLOURS[k % COLOURS.length];
    const idx = (v) => v.map((_, i) => i + 1);
    sv.push({ label: `rank ${rank} end`, colour: c, x: idx(r.singular_values_end), y: r.singular_values_end });
    sv.push({ colour: c, dash: [3, 3], x: idx(r.singular_values_start), y: r.singular_values_start.map((s) => Math.max(s, 1e-6)) });
  });
  plot($("fig1-sv"), { title: "singular values of W_h (dashed: start)", xLabel: "index", logX: true, logY: true, series: sv });
}

function fig1Table(p) {
  const table = $("fig1-table");
  table.innerHTML = "";
  const head = table.insertRow();
  ["rank", "weight change", "RA", "KA", "loss first", "loss final", "accuracy", "seconds"].forEach((h) => cell(head, h, "th"));
  for (const rank of p.ranks) {
    const r = fig1.runs.get(rank).result;
    if (!r) continue;
    const row = table.insertRow();
    row.dataset.rank = String(rank);
    cell(row, rank);
    for (const k of ["weight_change", "representation_alignment", "kernel_alignment", "loss_first", "loss_final", "accuracy"])
      cell(row, r[k]).dataset.column = k;
    cell(row, fig1.runs.get(rank).seconds).dataset.column = "wall_seconds";
  }
}

// The paper's Fig. 1 claim, on this run: the lowest rank moved further and its kernel and
// representation turned over more (lower KA and RA) than the highest rank.
function fig1Verdict(p) {
  if (p.ranks.length < 2) return "Pick two or more ranks to compare.";
  const lo = fig1.runs.get(p.ranks[0]).result, hi = fig1.runs.get(p.ranks[p.ranks.length - 1]).result;
  const richer = lo.weight_change > hi.weight_change && lo.kernel_alignment < hi.kernel_alignment &&
    lo.representation_alignment < hi.representation_alignment;
  const nums = `dW ${show(lo.weight_change)} vs ${show(hi.weight_change)}, KA ${show(lo.kernel_alignment)} vs ` +
    `${show(hi.kernel_alignment)}, RA ${show(lo.representation_alignment)} vs ${show(hi.representation_alignment)}`;
  return richer
    ? `Yes: in this run rank ${p.ranks[0]} learned more richly than rank ${hi.rank} (${nums}), as in the paper's Fig. 1.`
    : `Not in this run: rank ${p.ranks[0]} did not learn more richly than rank ${hi.rank} on all three measures (${nums}).`;
}

function fig1Run(event) {
  event.preventDefault();
  fig1.jobs.forEach((j) => j.cancel());
  let p;
  try { p = fig1Params(); } catch (e) { $("fig1-status").textContent = e.message; $("fig1-status").className = "status error"; return; }
  $("fig1-status").className = "status";
  $("fig1-cmd").textContent = fig1Command(p);
  $("fig1-verdict").textContent = "";
  document.body.dataset.fig1 = "running";
  // Every run starts lazy by definition: dW = 0, KA = RA = 1 at step 0.
  const start = { step: 0, weight_change: 0, kernel_alignment: 1, representation_alignment: 1 };
  fig1.runs = new Map(p.ranks.map((r) => [r, { logs: [start], result: null, seconds: null }]));
  fig1Table(p);
  fig1Draw(p);
  const total = p.iters * p.ranks.length;
  let drawPending = false;
  const progress = () => {
    let done = 0;
    fig1.runs.forEach((run) => { done += run.result ? p.iters : run.logs.length ? run.logs[run.logs.length - 1].step : 0; });
    $("fig1-bar").style.width = `${(100 * done) / total}%`;
    if (!drawPending) { drawPending = true; requestAnimationFrame(() => { drawPending = false; fig1Draw(p); }); }
  };
  $("fig1-status").textContent = p.ranks.length > 1 ? `Training ${p.ranks.length} networks side by side, one worker each...` : "Training one network...";
  const t0 = performance.now();
  // One worker per rank: the ranks train side by side (in parallel on a multi-core machine).
  fig1.jobs = p.ranks.map((rank) => runJob("rnn", { ...p, rank }, (m) => { fig1.runs.get(rank).logs.push(m.data); progress(); }));
  fig1.jobs.forEach((job, k) => job.promise.then((m) => {
    const run = fig1.runs.get(p.ranks[k]);
    run.result = m.result;
    run.seconds = m.seconds;
    if (!p.live) {  // the measures at the end only: a straight line from the start
      const r = m.result;
      run.logs.push({ step: r.iters, weight_change: r.weight_change, kernel_alignment: r.kernel_alignment,
        representation_alignment: r.representation_alignment });
    }
    progress();
    fig1Table(p);
  }));
  Promise.all(fig1.jobs.map((j) => j.promise)).then(() => {
    $("fig1-verdict").textContent = fig1Verdict(p);
    $("fig1-status").textContent = `Done in ${((performance.now() - t0) / 1000).toFixed(2)} s (seconds per network in the table).`;
    fig1Draw(p);
    document.body.dataset.fig1 = "done";
  }, (e) => {
    $("fig1-status").textContent = `Stopped: ${e.message}`;
    $("fig1-status").className = "status error";
    document.body.dataset.fig1 = "error";
  });
}

// ---------------------------------------------------------------- Fig. 4A: Theorem 1

let fig4aJob = null, fig4aTimer = null;

function fig4aParams() {
  const f = new FormData($("fig4a-form"));
  const p = { d: +f.get("d"), h: +f.get("h"), n: 100, sigma: +f.get("sigma"), lr: 0.05, maxSteps: 20000,
    lossTol: 1e-12, teacherNorm: 3.0, seeds: [] };
  const m = Math.min(p.d, p.h);
  p.n = Math.max(100, p.d);
  p.ranks = [...new Set([1, 2, 5, 10, 20, 50, 100, m].filter((r) => r <= m))].sort((a, b) => a - b);
  for (let s = 1; s <= +f.get("seeds"); s++) p.seeds.push(s);
  return p;
}

function fig4aRun() {
  if (fig4aJob) fig4aJob.cancel();
  const p = fig4aParams();
  $("fig4a-cmd").textContent = `build/bin/fig4a_linear_rank --d ${p.d} --h ${p.h} --n ${p.n} --sigma ${p.sigma} ` +
    `--seed 1 --seeds ${p.seeds.length} --ranks ${p.ranks.join(",")}`;
  const runs = [];
  const total = p.seeds.length * p.ranks.length;
  const draw = (curve) => {
    const series = [
      { label: "trained (dots)", colour: COLOURS[0], style: "dots", x: runs.map((r) => r.rank), y: runs.map((r) => r.ka) },
      { label: "prediction (D4)", colour: COLOURS[1], style: "rings", x: runs.map((r) => r.rank), y: runs.map((r) => r.ka_pred_D4) },
    ];
    if (curve) series.push({ label: "E[KA] (D5), PR = r", colour: "#444", x: curve.pr, y: curve.ka });
    plot($("fig4a-plot"), { title: `KA after training vs rank of W1(0)  (d=${p.d}, h=${p.h}, sigma=${p.sigma})`,
      xLabel: "rank of W1(0)", logX: true, series });
    const feat = [
      { label: "trained (dots)", colour: COLOURS[0], style: "dots", x: runs.map((r) => r.rank), y: runs.map((r) => r.ka_feat) },
      { label: "prediction (D6)", colour: COLOURS[1], style: "rings", x: runs.map((r) => r.rank), y: runs.map((r) => r.ka_feat_pred_D6) },
    ];
    if (curve) feat.push({ label: "E = sqrt(PR)/d (D6)", colour: "#444", x: curve.pr, y: curve.ka_feat });
    plot($("fig4a-feat"), { title: "feature kernel KA_feat (W2-gradient part)", xLabel: "rank of W1(0)", logX: true,
      series: feat, yRange: [0, 0] });
  };
  $("fig4a-status").textContent = "Training...";
  $("fig4a-bar").style.width = "0%";
  document.body.dataset.fig4a = "running";
  fig4aJob = runJob("linear", p, (m) => {
    runs.push(m.result);
    $("fig4a-bar").style.width = `${(100 * runs.length) / total}%`;
    draw(null);
  });
  fig4aJob.promise.then((m) => {
    draw(m.result.curve);
    const worst = Math.max(...runs.map((r) => Math.abs(r.ka - r.ka_pred_D4)));
    const slow = runs.filter((r) => !r.converged).length;
    $("fig4a-status").textContent = `${runs.length} networks in ${m.seconds.toFixed(2)} s; largest |KA - (D4)| = ` +
      `${worst.toExponential(2)}${slow ? `; ${slow} did not reach loss 1e-12 in 20,000 steps` : ""}. ` +
      "Low rank: KA far below 1 (rich); full rank: near 1 (lazy). Raise sigma and watch (D4) fail.";
    document.body.dataset.fig4a = "done";
  }, (e) => {
    if (e.message) { $("fig4a-status").textContent = `Stopped: ${e.message}`; document.body.dataset.fig4a = "error"; }
  });
}

// ---------------------------------------------------------------- Fig. 2: spectra

function fig2Run(event) {
  if (event) event.preventDefault();
  const f = new FormData($("fig2-form"));
  const p = { N: +f.get("N"), gain: +f.get("gain"), seed: +f.get("seed") };
  $("fig2-cmd").textContent = `build/bin/fig2_biological --no-train --no-controls --N ${p.N} --gain ${p.gain} --seed ${p.seed} --seeds 1`;
  $("fig2-status").textContent = "Computing eigenvalues...";
  $("fig2-bar").style.width = "30%";
  document.body.dataset.fig2 = "running";
  runJob("fig2", p, () => {}).promise.then((m) => {
    const entries = m.result.entries, plots = $("fig2-plots");
    plots.innerHTML = "";
    entries.filter((e) => e.role === "structure").forEach((e, k) => {
      const g = entries.find((x) => x.name === e.gaussian);
      const canvas = document.createElement("canvas");
      canvas.width = 236; canvas.height = 190;
      canvas.dataset.entry = e.name;
      canvas.dataset.relativeRank = String(e.relative_rank_eigen);
      plots.appendChild(canvas);
      plot(canvas, { title: `${e.name} (N=${e.N})`, xLabel: "index / N", yRange: [0, 1], series: [
        { label: `rel. rank ${e.relative_rank_eigen.toFixed(3)}`, colour: COLOURS[k % COLOURS.length], x: e.index_over_N, y: e.modulus_rel },
        { label: `Gaussian ${g.relative_rank_eigen.toFixed(3)}`, colour: "#999", x: g.index_over_N, y: g.modulus_rel }] });
    });
    $("fig2-bar").style.width = "100%";
    $("fig2-status").textContent = `Done in ${m.seconds.toFixed(2)} s: every structure has a lower relative rank than its Gaussian.`;
    if (entries.some((e) => e.role === "structure" && !(e.relative_rank_eigen < entries.find((x) => x.name === e.gaussian).relative_rank_eigen)))
      $("fig2-status").textContent = `Done in ${m.seconds.toFixed(2)} s (not every structure is below its Gaussian at these settings).`;
    document.body.dataset.fig2 = "done";
  }, (e) => { $("fig2-status").textContent = `Stopped: ${e.message}`; document.body.dataset.fig2 = "error"; });
}

// ---------------------------------------------------------------- wiring

$("fig1-form").addEventListener("submit", fig1Run);
$("fig1-cmd").textContent = fig1Command({ task: "2af", N: 100, gain: 1.25, lr: 0.003, iters: 300, ranks: [1, 10, 100], seed: 1, logEvery: 50, live: true });
$("fig4a-form").addEventListener("input", () => { clearTimeout(fig4aTimer); fig4aTimer = setTimeout(fig4aRun, 300); });
$("fig2-form").addEventListener("submit", fig2Run);
fig4aRun();
