// The Train view: the engine trains (its Trainer) and sends snapshots; this file draws them. Play/pause as
// in TensorFlow Playground: start runs until paused, at a pace one can watch; start again goes on from there;
// reset brings the network back to its starting weights at epoch 0.
import { call, post, stopTraining, train as trainRun } from './api.js';
import { exact, short } from './format.js';

const $ = (id) => document.getElementById(id);
/** Classes (and layers in the norm chart): Okabe-Ito, blue and vermillion first, told apart by colour-blind viewers. */
const CLASS_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#882255'];
let app = null;
let running = null;
let curves = { train: [], test: [], norms: [] };
let epoch = 0;
/** The snapshots the charts show: the latest, and the latest that had a boundary and weights (every third has weights). */
let shown = {};
/** The snapshots whose boundary and weights the canvases hold. */
let drawn = {};
/** The newest snapshot not yet drawn: snapshots can come faster than frames, so at most one is drawn per frame. */
let unseen = null;
let frame = 0;
/** The snapshot whose weights chart is due in a task after the other charts' frame (see drawPendingWeights). */
let pendingWeights = null;

export function initTrain(hooks) {
  app = hooks;
  $('train-start').addEventListener('click', () => {
    const target = $('epochs').value.trim();
    if (target === '') { train(0); return; }
    const n = Number(target);
    if (!Number.isInteger(n) || n < 1) { app.showError(`stop at epoch: '${target}' is not a whole number of epochs (leave it empty to train until paused)`); return; }
    if (n <= epoch) { app.showError(`already at epoch ${epoch}: raise "stop at epoch" or empty it`); return; }
    train(n - epoch);
  });
  $('train-one').addEventListener('click', () => train(1));
  $('train-stop').addEventListener('click', () => app.guarded(stopTraining));
  $('train-reset').addEventListener('click', () => app.reset());
  $('optimizer').addEventListener('change', () => { $('lr').value = $('optimizer').value === 'adam' ? '0.01' : '0.1'; });
  window.addEventListener('pagehide', () => running?.abort());
  resetTraining();
}

/** True once a run has sent a snapshot for the current network (history.csv has something to give). */
export const hasHistory = () => curves.train.length > 0;

/** Stops a run in progress without waiting for its end (a new problem replaces the network it trains). */
export function abortTraining() {
  running?.abort();
}

/** A new network (loaded, edited, reset): epoch 0, empty curves and charts. */
export function resetTraining() {
  dropUnseen();
  curves = { train: [], test: [], norms: [] };
  shown = {};
  drawn = {};
  pendingWeights = null;
  epoch = 0;
  $('train-epoch').textContent = '0';
  $('train-epoch').dataset.value = '0';
  for (const id of ['train-loss', 'train-accuracy', 'test-accuracy']) setNumber(id, null);
  $('speed').textContent = '';
  for (const id of ['boundary', 'weights-chart']) {
    const c = $(id);
    c.getContext('2d').clearRect(0, 0, c.width, c.height);
  }
  boundaryGrid.getContext('2d'); // made now rather than in the run's first frame, where it took 8 ms
  for (const id of ['loss-chart', 'norm-chart']) drawCurves($(id), []);
}

/** A run of `epochs` epochs (0: until paused), going on from the epochs already trained. */
async function train(epochs) {
  if (running) return;
  const controller = new AbortController();
  running = controller;
  $('train-start').disabled = $('train-one').disabled = $('train-reset').disabled = true;
  $('train-stop').disabled = false;
  const q = new URLSearchParams({
    optimizer: $('optimizer').value, lr: $('lr').value, batch: $('train-batch').value, epochs: String(epochs),
    pace: epochs === 1 ? '0' : $('train-pace').value,
  });
  let finished = false;
  try {
    const done = await trainRun(q, progress, controller.signal);
    if (done.error) app.showError(done.error);
    finished = true;
  } catch (e) {
    if (e.name !== 'AbortError') app.showError(e.message);
  } finally {
    drawUnseen(); // the run's last numbers on screen before start is enabled again
    drawPendingWeights();
    running = null;
    $('train-start').disabled = $('train-one').disabled = $('train-reset').disabled = false;
    $('train-stop').disabled = true;
  }
  if (finished) {
    // The trained network, ready to walk through; the link holds its values where it is small.
    await app.guarded(async () => { app.render(await call('state')); });
  }
}

function progress(p) {
  if (p.epoch === 0) curves = { train: [], test: [], norms: [] };
  epoch = p.epoch;
  curves.train.push([p.epoch, p.train_loss]);
  curves.test.push([p.epoch, p.test_loss]);
  curves.norms.push([p.epoch, p.grad_norms]);
  unseen = p;
  if (!frame) frame = requestAnimationFrame(drawUnseen);
}

function dropUnseen() {
  if (frame) cancelAnimationFrame(frame);
  frame = 0;
  unseen = null;
}

/** Draws the newest snapshot (its numbers, curves, boundary and weights together, so they always agree). */
function drawUnseen() {
  const p = unseen;
  dropUnseen();
  if (!p) return;
  $('train-epoch').textContent = `${p.epoch}`;
  $('train-epoch').dataset.value = exact(p.epoch);
  setNumber('train-loss', p.train_loss);
  if (p.classification === false) {
    for (const id of ['train-accuracy', 'test-accuracy']) {
      $(id).textContent = 'n/a (no classes: a regression)';
      delete $(id).dataset.value;
    }
  } else {
    setNumber('train-accuracy', p.train_accuracy);
    setNumber('test-accuracy', p.test_accuracy);
  }
  $('speed').textContent = p.samples_per_second ? `${Math.round(p.samples_per_second).toLocaleString('en')} examples/s` : '';
  if (p.boundary) shown.boundary = p;
  if (p.weights) shown.weights = p;
  shown.norms = p;
  // The charts only where they can be seen: in the other views the run goes on, and the page answers presses.
  if (document.documentElement.dataset.view === 'train') drawCharts();
}

let chartsSent = true; // the engine's default: a run computes its charts

/**
 * Tells the engine whether the charts are seen: while they are not, a run leaves the decision boundary and the
 * weights out of its snapshots but the last (the costliest part of a slice in the browser's worker, which an
 * edit or a step in the Walk view would otherwise wait for).
 */
export function chartsSeen(seen) {
  if (seen === chartsSent) return;
  chartsSent = seen;
  call(`train/charts?shown=${seen ? 1 : 0}`, post({})).catch((e) => {
    chartsSent = !seen;
    console.error(`train/charts: ${e.message}`);
  });
}

/** The latest snapshot's charts, in the Train view. */
export function drawCharts() {
  const p = shown.norms;
  if (!p) return;
  drawCurves($('loss-chart'), [
    { points: curves.train, colour: '#0072b2' },
    { points: curves.test, colour: '#d55e00', dash: [5, 4] },
  ]);
  // The epochs the curves span, from the first drawn (0 for a new network) to the latest.
  $('loss-chart').dataset.epochs = curves.train.length ? `${curves.train[0][0]}-${curves.train.at(-1)[0]}` : '';
  drawCurves($('norm-chart'), p.grad_norms.map((_, k) => ({
    points: curves.norms.map(([e, n]) => [e, n[k]]),
    colour: CLASS_COLOURS[k % CLASS_COLOURS.length],
    label: `W${k + 1}`,
  })));
  // The boundary and the weights come in some snapshots only: each is drawn once.
  if (shown.boundary && shown.boundary !== drawn.boundary) drawBoundary($('boundary'), shown.boundary.boundary, shown.boundary.epoch);
  if (shown.weights && shown.weights !== drawn.weights) {
    // In a task of its own: 2-64-64-2's 4,352 lines beside the other charts made the frame's task too long.
    pendingWeights = shown.weights;
    setTimeout(drawPendingWeights);
  }
  drawn = { boundary: shown.boundary, weights: shown.weights };
}

/** The weights chart due after the other charts (see drawCharts), drawn now if it still is; else nothing. */
function drawPendingWeights() {
  const p = pendingWeights;
  pendingWeights = null;
  if (p) drawWeights($('weights-chart'), p.weights, p.epoch);
}

/** The network as columns of units joined by one line per weight, coloured by sign (colour-blind safe) and weighted by |w|. */
function drawWeights(canvas, layers, at) {
  const g = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, pad = 14;
  g.clearRect(0, 0, w, h);
  const sizes = [layers[0].length, ...layers.map((m) => m[0].length)];
  // Each column's x and its units' y, computed once: 2-64-64-2 has 4,352 lines to place.
  const xs = sizes.map((_, k) => pad + (w - 2 * pad) * (k / (sizes.length - 1)));
  const ys = sizes.map((n) => Array.from({ length: n }, (_, i) => n === 1 ? h / 2 : pad + (h - 2 * pad) * (i / (n - 1))));
  let max = 1e-12;
  for (const m of layers) for (const row of m) for (const v of row) max = Math.max(max, Math.abs(v));
  // Lines grouped by sign and 8 strength levels: 16 strokes instead of one per weight keep the redraw cheap
  // while the trainer shares the CPU.
  const LEVELS = 8;
  const paths = Array.from({ length: 2 * LEVELS }, () => new Path2D());
  let drawn = 0;
  for (let k = 0; k < layers.length; k++) {
    const m = layers[k], x0 = xs[k], x1 = xs[k + 1], y0 = ys[k], y1 = ys[k + 1];
    for (let i = 0; i < m.length; i++) {
      const row = m[i];
      for (let j = 0; j < row.length; j++) {
        const v = row[j];
        const path = paths[(v >= 0 ? 0 : LEVELS) + Math.min(LEVELS - 1, Math.floor((Math.abs(v) / max) * LEVELS))];
        path.moveTo(x0, y0[i]);
        path.lineTo(x1, y1[j]);
      }
      drawn += row.length;
    }
  }
  paths.forEach((path, index) => {
    const s = ((index % LEVELS) + 1) / LEVELS;
    g.strokeStyle = index < LEVELS ? `rgba(0, 114, 178, ${0.1 + 0.9 * s})` : `rgba(213, 94, 0, ${0.1 + 0.9 * s})`;
    g.lineWidth = 0.3 + 2.7 * s;
    g.stroke(path);
  });
  const units = new Path2D();
  sizes.forEach((n, k) => {
    const r = n > 32 ? 1.5 : 3;
    for (const y of ys[k]) { units.moveTo(xs[k] + r, y); units.arc(xs[k], y, r, 0, 2 * Math.PI); }
  });
  g.fillStyle = '#333';
  g.fill(units);
  canvas.dataset.weights = String(drawn);
  canvas.dataset.epoch = String(at);
}

function setNumber(id, v) {
  $(id).textContent = v === null || v === undefined ? '–' : short(v);
  if (v === null || v === undefined) delete $(id).dataset.value;
  else $(id).dataset.value = exact(v);
}

/** A chart's margin below its frame (the epoch axis) and, at least, left of it (the log axis). */
const CHART_PAD = 30;

/** Lines on a log scale over the epochs, from epoch 0. */
function drawCurves(canvas, series) {
  const g = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, pad = CHART_PAD;
  g.clearRect(0, 0, w, h);
  const all = series.flatMap((s) => s.points).filter(([, v]) => v > 0 && Number.isFinite(v));
  g.strokeStyle = '#bbb';
  g.fillStyle = '#444';
  g.font = '12px sans-serif';
  if (all.length === 0) {
    // The empty chart's frame: drawn at reset, it also readies the canvas's text before the first snapshot
    // (the first text drawn on a canvas costs tens of milliseconds).
    drawFrame(g, pad, 'epoch');
    g.measureText('0'); // likewise the first measure (6 ms), which the drawn chart needs
    return;
  }
  const maxE = Math.max(...all.map(([e]) => e), 1);
  let lo = Math.log10(Math.min(...all.map(([, v]) => v))), hi = Math.log10(Math.max(...all.map(([, v]) => v)));
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  // The ends of the log axis as numbers a class reads (0.63, 0.005), not as exponents (1e-0.2, 1e-2.3); the
  // frame starts right of the wider one.
  const tick = (exponent) => String(Number((10 ** exponent).toPrecision(2)));
  const top = tick(hi), bottom = tick(lo);
  const left = Math.max(pad, Math.ceil(Math.max(g.measureText(top).width, g.measureText(bottom).width)) + 6);
  const X = (e) => left + (w - left - 8) * (e / maxE), Y = (v) => h - pad + (pad + 8 - h) * ((Math.log10(v) - lo) / (hi - lo));
  drawFrame(g, left, `epoch ${maxE}`);
  g.fillText(top, 2, 18);
  g.fillText(bottom, 2, h - pad);
  series.forEach((s, index) => {
    g.strokeStyle = s.colour;
    g.setLineDash(s.dash ?? []);
    g.lineWidth = 2;
    g.beginPath();
    let first = true;
    for (const [e, v] of s.points) {
      if (!(v > 0 && Number.isFinite(v))) continue;
      if (first) g.moveTo(X(e), Y(v)); else g.lineTo(X(e), Y(v));
      first = false;
    }
    g.stroke();
    if (s.label) { g.fillStyle = s.colour; g.fillText(s.label, left + 26 + 30 * index, h - 10); }
  });
  g.setLineDash([]);
}

/** A chart's frame from x = left, with its epoch axis's two ends written below it. */
function drawFrame(g, left, last) {
  const { width: w, height: h } = g.canvas;
  g.strokeRect(left, 8, w - left - 8, h - CHART_PAD - 8);
  g.fillText('0', left, h - 10);
  g.fillText(last, w - 86, h - 10);
}

/** The predicted class of each grid cell, pale, with the training points on top: cleared and drawn whole each time. */
function drawBoundary(canvas, b, at) {
  const g = canvas.getContext('2d');
  const size = canvas.width;
  // The grid as an n×n image scaled up without smoothing, and the points as one path per class: a few draw
  // calls instead of thousands (2,304 cells and 400 points took 20-70 ms on a canvas drawn by the CPU).
  const cells = new ImageData(b.n, b.n);
  for (let k = 0; k < b.n * b.n; k++) cells.data.set(PALE[b.cells[k] % PALE.length], 4 * k);
  if (boundaryGrid.width !== b.n) boundaryGrid.width = boundaryGrid.height = b.n; // a new size clears it: only when it changes
  boundaryGrid.getContext('2d').putImageData(cells, 0, 0);
  g.globalAlpha = 1;
  g.imageSmoothingEnabled = false;
  g.drawImage(boundaryGrid, 0, 0, size, size);
  const byClass = new Map();
  for (const [x, y, label] of b.points) {
    const px = ((x - b.x0) / (b.x1 - b.x0)) * size, py = ((b.y1 - y) / (b.y1 - b.y0)) * size;
    let path = byClass.get(label);
    if (!path) byClass.set(label, path = new Path2D());
    path.moveTo(px + 2.8, py);
    path.arc(px, py, 2.8, 0, 2 * Math.PI);
  }
  g.strokeStyle = '#ffffff';
  g.lineWidth = 0.8;
  for (const [label, path] of byClass) {
    g.fillStyle = CLASS_COLOURS[label % CLASS_COLOURS.length];
    g.fill(path);
    g.stroke(path);
  }
  canvas.dataset.epoch = String(at);
}

/** The boundary's grid, one pixel a cell, before it is scaled onto the chart. */
const boundaryGrid = document.createElement('canvas');

/** Opaque pale versions of the class colours (each mixed with white, RGBA), so that the points stand out on them. */
const PALE = CLASS_COLOURS.map((hex) => [...[1, 3, 5].map((i) => Math.round(255 - 0.3 * (255 - parseInt(hex.slice(i, i + 2), 16)))), 255]);
