// The Train view: the engine trains (the library's Trainer) and sends snapshots; this file draws them.
import { call, post, train as run } from './api.js';
import { exact, short } from './format.js';

const $ = (id) => document.getElementById(id);
const CLASS_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
let app = null;
let running = null;
let curves = { train: [], test: [], norms: [] };

export function initTrain(hooks) {
  app = hooks;
  $('train-start').addEventListener('click', () => train(Number($('epochs').value)));
  $('train-one').addEventListener('click', () => train(1));
  $('train-stop').addEventListener('click', () => app.guarded(() => call('train/stop', post({}))));
  $('optimizer').addEventListener('change', () => { $('lr').value = $('optimizer').value === 'adam' ? '0.01' : '0.1'; });
  window.addEventListener('pagehide', () => running?.abort());
}

async function train(epochs) {
  if (running) return;
  const controller = new AbortController();
  running = controller;
  $('train-start').disabled = $('train-one').disabled = true;
  $('train-stop').disabled = false;
  curves = { train: [], test: [], norms: [] };
  const q = new URLSearchParams({ optimizer: $('optimizer').value, lr: $('lr').value, batch: $('train-batch').value, epochs: String(epochs) });
  try {
    const done = await run(q, progress, controller.signal);
    if (done.error) app.showError(done.error);
    app.render(await call('state')); // the trained network, ready to walk through
  } catch (e) {
    if (e.name !== 'AbortError') app.showError(e.message);
  } finally {
    running = null;
    $('train-start').disabled = $('train-one').disabled = false;
    $('train-stop').disabled = true;
  }
}

function progress(p) {
  $('train-epoch').textContent = `${p.epoch}`;
  $('train-epoch').dataset.value = exact(p.epoch);
  setNumber('train-loss', p.train_loss);
  setNumber('train-accuracy', p.train_accuracy);
  setNumber('test-accuracy', p.test_accuracy);
  $('speed').textContent = p.samples_per_second ? `${Math.round(p.samples_per_second).toLocaleString('en')} examples/s` : '';
  curves.train.push([p.epoch, p.train_loss]);
  curves.test.push([p.epoch, p.test_loss]);
  curves.norms.push([p.epoch, p.grad_norms]);
  drawCurves($('loss-chart'), [
    { points: curves.train, colour: '#1a5fb4' },
    { points: curves.test, colour: '#e66100', dash: [5, 4] },
  ]);
  drawCurves($('norm-chart'), p.grad_norms.map((_, k) => ({
    points: curves.norms.map(([e, n]) => [e, n[k]]),
    colour: CLASS_COLOURS[k % CLASS_COLOURS.length],
    label: `W${k + 1}`,
  })));
  if (p.boundary) drawBoundary($('boundary'), p.boundary);
  if (p.weights) drawWeights($('weights-chart'), p.weights, p.epoch);
}

/** The network as columns of units joined by one line per weight, coloured by sign (colour-blind safe) and weighted by |w|. */
function drawWeights(canvas, layers, epoch) {
  const g = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, pad = 14;
  g.clearRect(0, 0, w, h);
  const sizes = [layers[0].length, ...layers.map((m) => m[0].length)];
  const x = (k) => pad + (w - 2 * pad) * (k / (sizes.length - 1));
  const y = (k, i) => sizes[k] === 1 ? h / 2 : pad + (h - 2 * pad) * (i / (sizes[k] - 1));
  const max = Math.max(1e-12, ...layers.flatMap((m) => m.flatMap((row) => row.map(Math.abs))));
  // Lines grouped by sign and 8 strength levels: 16 strokes instead of one per weight keep the redraw cheap
  // while the trainer shares the CPU.
  const LEVELS = 8;
  const paths = Array.from({ length: 2 * LEVELS }, () => new Path2D());
  let drawn = 0;
  layers.forEach((m, k) => m.forEach((row, i) => row.forEach((v, j) => {
    const level = Math.min(LEVELS - 1, Math.floor((Math.abs(v) / max) * LEVELS));
    const path = paths[(v >= 0 ? 0 : LEVELS) + level];
    path.moveTo(x(k), y(k, i));
    path.lineTo(x(k + 1), y(k + 1, j));
    drawn++;
  })));
  paths.forEach((path, index) => {
    const s = ((index % LEVELS) + 1) / LEVELS;
    g.strokeStyle = index < LEVELS ? `rgba(0, 114, 178, ${0.1 + 0.9 * s})` : `rgba(213, 94, 0, ${0.1 + 0.9 * s})`;
    g.lineWidth = 0.3 + 2.7 * s;
    g.stroke(path);
  });
  g.fillStyle = '#333';
  sizes.forEach((n, k) => { for (let i = 0; i < n; i++) { g.beginPath(); g.arc(x(k), y(k, i), n > 32 ? 1.5 : 3, 0, 2 * Math.PI); g.fill(); } });
  canvas.dataset.weights = String(drawn);
  canvas.dataset.epoch = String(epoch);
}

function setNumber(id, v) {
  $(id).textContent = v === null ? '–' : short(v);
  if (v === null) delete $(id).dataset.value;
  else $(id).dataset.value = exact(v);
}

/** Lines on a log scale over the epochs. */
function drawCurves(canvas, series) {
  const g = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, pad = 30;
  g.clearRect(0, 0, w, h);
  const all = series.flatMap((s) => s.points).filter(([, v]) => v > 0 && Number.isFinite(v));
  if (all.length === 0) return;
  const maxE = Math.max(...all.map(([e]) => e), 1);
  let lo = Math.log10(Math.min(...all.map(([, v]) => v))), hi = Math.log10(Math.max(...all.map(([, v]) => v)));
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const X = (e) => pad + (w - pad - 8) * (e / maxE), Y = (v) => h - pad + (pad + 8 - h) * ((Math.log10(v) - lo) / (hi - lo));
  g.strokeStyle = '#bbb';
  g.fillStyle = '#555';
  g.font = '11px sans-serif';
  g.strokeRect(pad, 8, w - pad - 8, h - pad - 8);
  g.fillText(`1e${hi.toFixed(1)}`, 2, 16);
  g.fillText(`1e${lo.toFixed(1)}`, 2, h - pad);
  g.fillText(`epoch ${maxE}`, w - 80, h - 10);
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
    if (s.label) { g.fillStyle = s.colour; g.fillText(s.label, pad + 6 + 30 * index, h - 10); }
  });
  g.setLineDash([]);
}

/** The predicted class of each grid cell, pale, with the training points on top. */
function drawBoundary(canvas, b) {
  const g = canvas.getContext('2d');
  const size = canvas.width, cell = size / b.n;
  g.globalAlpha = 0.35;
  for (let r = 0; r < b.n; r++)
    for (let c = 0; c < b.n; c++) {
      g.fillStyle = CLASS_COLOURS[b.cells[r * b.n + c] % CLASS_COLOURS.length];
      g.fillRect(c * cell, r * cell, cell + 0.5, cell + 0.5);
    }
  g.globalAlpha = 1;
  g.strokeStyle = '#222';
  g.lineWidth = 0.6;
  for (const [x, y, label] of b.points) {
    const px = ((x - b.x0) / (b.x1 - b.x0)) * size, py = ((b.y1 - y) / (b.y1 - b.y0)) * size;
    g.fillStyle = CLASS_COLOURS[label % CLASS_COLOURS.length];
    g.beginPath();
    g.arc(px, py, 2.6, 0, 2 * Math.PI);
    g.fill();
    g.stroke();
  }
}
