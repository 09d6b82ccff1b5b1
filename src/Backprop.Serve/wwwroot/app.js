// The playground page: Walk, Inspect, Edit (this file) and Train (train.js). It draws what the API answers
// and never computes a gradient itself.
import { api, call, openSession, post, sessionUrl } from './api.js';
import { exact, exampleColour, matrixTable, short, sub, sup } from './format.js';
import { initTrain } from './train.js';

const $ = (id) => document.getElementById(id);
const DATASETS = ['xor', 'circles', 'spirals', 'blobs'];
const BATCH_ROWS = 16; // rows of the batch table (the steps show every row)
const page = { data: null, step: 0, selected: null, view: 'walk', timer: null, svgKind: null };

export function showError(message) { $('error').textContent = message; }
const clearError = () => { $('error').textContent = ''; };

/** Runs an action; its error goes to the error line, and the page keeps working. */
export async function guarded(action) {
  try {
    await action();
    clearError();
  } catch (e) {
    showError(e.message);
  }
}

// ---- loading ------------------------------------------------------------------------------------

async function load() {
  const example = $('example').value;
  const body = { example };
  if (DATASETS.includes(example)) Object.assign(body, { layers: $('layers').value, activation: $('activation').value, loss: $('loss-select').value });
  render(await call('load', post(body)));
}

/** Shows a new state of the problem: every number, then the current step. */
export function render(data) {
  page.data = data;
  page.step = Math.min(page.step, data.steps.length - 1);
  page.svgKind = null;
  $('loss').textContent = short(data.loss);
  $('loss').dataset.value = exact(data.loss);
  $('shape').textContent = `${data.name}: layers ${data.sizes.join('-')}, batch ${data.batch}`;
  if (data.activation) $('activation').value = data.activation;
  $('loss').title = data.loss_name;
  $('loss-select').value = data.loss_name;
  renderBatch();
  renderWeights();
  renderStep();
  for (const [id, file] of [['dl-network', 'network.json'], ['dl-svg', 'diagram.svg'], ['dl-report', 'report.html'], ['dl-history', 'history.csv']])
    $(id).href = sessionUrl(`download/${file}`);
  if (page.selected && page.view === 'inspect') inspect(page.selected);
}

function renderBatch() {
  const { x, t } = page.data;
  const table = $('batch');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  head.insertCell().textContent = '';
  x[0].forEach((_, j) => { head.insertCell().textContent = `x${sub(j + 1)}`; });
  t[0].forEach((_, j) => { head.insertCell().textContent = `t${sub(j + 1)}`; });
  const body = table.createTBody();
  x.slice(0, BATCH_ROWS).forEach((row, b) => {
    const tr = body.insertRow();
    const label = tr.insertCell();
    label.textContent = `#${b + 1}`;
    label.style.color = exampleColour(b, x.length); // CSSOM, allowed by the CSP (no style attribute in the markup)
    row.forEach((v, j) => tr.insertCell().append(cellButton({ target: 'X', layer: 0, row: b + 1, col: j + 1 }, v, null)));
    t[b].forEach((v, j) => tr.insertCell().append(cellButton({ target: 'T', layer: 0, row: b + 1, col: j + 1 }, v, null)));
  });
  $('batch-more').textContent = x.length > BATCH_ROWS ? `The first ${BATCH_ROWS} of ${x.length} rows.` : '';
}

/** A clickable number: a click opens the editor, hover or focus inspects it. */
function cellButton(ref, value, grad) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'cell';
  button.dataset.ref = refKey(ref);
  button.dataset.value = exact(value);
  button.title = `${refName(ref)} = ${exact(value)}` + (grad === null ? '' : `, gradient ${exact(grad)}`);
  button.append(short(value));
  if (grad !== null) {
    button.dataset.grad = exact(grad);
    const g = document.createElement('span');
    g.className = 'grad';
    g.textContent = short(grad);
    button.append(g);
  }
  button.addEventListener('click', () => select(ref, true));
  if (ref.target === 'W' || ref.target === 'B') {
    button.addEventListener('mouseenter', () => hover(ref));
    button.addEventListener('focus', () => hover(ref));
  }
  return button;
}

const refKey = (r) => `${r.target}:${r.layer}:${r.row}:${r.col}`;
function refName(r) {
  if (r.target === 'W') return `w${sup(r.layer)}${sub(r.row)}${sub(r.col)}`;
  if (r.target === 'B') return `b${sup(r.layer)}${sub(r.col)}`;
  return `${r.target.toLowerCase()}${sub(r.col)} of example ${r.row}`;
}

/** Tables of every W and B, values with gradients below; a large layer's table starts folded (less to lay out on each edit). */
function renderWeights() {
  const box = $('weights');
  box.replaceChildren();
  page.data.layers.forEach((layer, k) => {
    const L = k + 1;
    const fold = document.createElement('details');
    fold.open = layer.weights.length * layer.weights[0].length <= 256;
    const summary = document.createElement('summary');
    summary.textContent = `W${sup(L)} and B${sup(L)} (${layer.weights.length}×${layer.weights[0].length}): values, gradients below`;
    fold.append(summary);
    fold.append(matrixTable(null, layer.weights, (i, j, td, v) => {
      const b = cellButton({ target: 'W', layer: L, row: i + 1, col: j + 1 }, v, layer.weights_grad[i][j]);
      b.dataset.weight = `${L}-${i + 1}-${j + 1}`;
      td.append(b);
    }));
    fold.append(matrixTable(`B${sup(L)}`, [layer.bias], (_, j, td, v) =>
      td.append(cellButton({ target: 'B', layer: L, row: 1, col: j + 1 }, v, layer.bias_grad[j]))));
    box.append(fold);
  });
}

// ---- the walk -----------------------------------------------------------------------------------

function renderStep() {
  const { steps } = page.data;
  const s = steps[page.step];
  $('step-label').textContent = `Step ${page.step + 1} of ${steps.length}: ${s.title}`;
  $('equation').innerHTML = s.mathml; // MathML written by the engine, every name HTML-encoded
  $('note').textContent = s.note ?? '';
  const box = $('step-matrices');
  box.replaceChildren();
  s.matrices.forEach((m, index) => {
    const result = index === s.matrices.length - 1;
    const values = page.data.matrices[m.values];
    box.append(matrixTable(`${m.symbol} (${values.length}×${values[0].length})${result ? ', just computed' : ''}`, values, (i, j, td, v) => {
      td.textContent = short(v);
      td.title = exact(v);
      if (result) td.classList.add('lit');
    }, BATCH_ROWS));
  });
  $('check').textContent = s.check ? `${s.check.passed ? '✔' : '✘'} ${s.check.identity}: largest difference ${short(s.check.max_error)} (rounding allows ${short(s.check.tolerance)})` : '';
  $('check').className = s.check && !s.check.passed ? 'check-bad' : 'check-ok';
  drawDiagram(s.phase === 'backward' ? 'backward' : 'forward');
  light(s);
  saveUrl();
}

function drawDiagram(kind) {
  if (page.svgKind === kind) return;
  page.svgKind = kind;
  const box = $('diagram');
  box.innerHTML = kind === 'backward' ? page.data.svg_backward : page.data.svg_forward; // SVG from the engine's diagram code
  const svg = box.querySelector('svg');
  const edges = [...svg.querySelectorAll('[data-edge^="W"]')];
  const total = page.data.layers.reduce((n, l) => n + l.weights.length * l.weights[0].length, 0);
  const drawn = edges.length === total;
  for (const el of edges) {
    const [key, i, j] = el.dataset.edge.split(':');
    const ref = { target: 'W', layer: Number(key.slice(1)), row: Number(i) + 1, col: Number(j) + 1 };
    const layer = page.data.layers[ref.layer - 1];
    el.dataset.value = exact(layer.weights[ref.row - 1][ref.col - 1]);
    el.dataset.grad = exact(layer.weights_grad[ref.row - 1][ref.col - 1]);
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', `${refName(ref)} = ${el.dataset.value}, gradient ${el.dataset.grad}`);
    if (drawn) el.dataset.testid = `w-${ref.layer}-${ref.row}-${ref.col}`;
    el.addEventListener('click', () => select(ref, true));
    el.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(ref, true); } });
    el.addEventListener('mouseenter', () => hover(ref));
    el.addEventListener('focus', () => hover(ref));
  }
  // Where the diagram draws blocks instead of single weights, the weight tables carry the test hooks.
  for (const b of document.querySelectorAll('#weights [data-weight]')) {
    if (drawn) delete b.dataset.testid;
    else b.dataset.testid = `w-${b.dataset.weight}`;
  }
}

/** Lights what the step reads and writes; the rest of the diagram fades. */
function light(step) {
  const svg = $('diagram').querySelector('svg');
  const keys = new Set(step.matrices.map((m) => m.key));
  svg.classList.add('dim');
  for (const el of svg.querySelectorAll('[data-ref]')) el.classList.toggle('lit', keys.has(el.dataset.ref.split(':')[0]));
  for (const el of svg.querySelectorAll('[data-edge]')) {
    const key = el.dataset.edge.split(':')[0];
    el.classList.toggle('lit', keys.has(key) || keys.has(`d${key}`) || (key === 'Y' && keys.has('Y')));
  }
}

function go(step) {
  if (!page.data) return;
  page.step = Math.max(0, Math.min(page.data.steps.length - 1, step));
  renderStep();
}

function togglePlay() {
  if (page.timer) {
    clearInterval(page.timer);
    page.timer = null;
    $('play').textContent = 'play';
    return;
  }
  $('play').textContent = 'pause';
  page.timer = setInterval(() => {
    if (page.step >= page.data.steps.length - 1) togglePlay();
    else go(page.step + 1);
  }, 3000 / Number($('speed-range').value));
}

// ---- inspect and edit ---------------------------------------------------------------------------

function hover(ref) {
  if (page.view === 'inspect') inspect(ref);
}

function select(ref, edit) {
  page.selected = ref;
  for (const el of document.querySelectorAll('.selected')) el.classList.remove('selected');
  for (const el of document.querySelectorAll(`[data-ref="${refKey(ref)}"]`)) el.classList.add('selected');
  if (page.view === 'inspect') inspect(ref);
  if (!edit) return;
  $('edit-box').hidden = false;
  $('edit-name').textContent = refName(ref);
  $('edit-value').value = currentValue(ref);
  $('edit-value').focus();
  $('edit-value').select();
  saveUrl();
}

function currentValue(r) {
  const d = page.data;
  if (r.target === 'W') return exact(d.layers[r.layer - 1].weights[r.row - 1][r.col - 1]);
  if (r.target === 'B') return exact(d.layers[r.layer - 1].bias[r.col - 1]);
  return exact((r.target === 'X' ? d.x : d.t)[r.row - 1][r.col - 1]);
}

async function commitEdit() {
  const ref = page.selected;
  const text = $('edit-value').value.trim();
  const value = Number(text);
  if (!ref) return;
  if (text === '' || !Number.isFinite(value)) { showError(`'${text}' is not a number`); return; }
  await guarded(async () => {
    render(await call('edit', post({ target: ref.target, layer: ref.layer, row: ref.row, col: ref.col, value })));
    $('edit-box').hidden = true;
  });
}

let inspecting = 0;
async function inspect(ref) {
  if (ref.target !== 'W' && ref.target !== 'B') return;
  const ticket = ++inspecting;
  const query = ref.target === 'W' ? `weight=${ref.layer}:${ref.row}:${ref.col}` : `bias=${ref.layer}:${ref.col}`;
  let p;
  try { p = await call(`paths?${query}`); } catch (e) { showError(e.message); return; }
  if (ticket !== inspecting) return;
  $('inspect-name').textContent = p.target;
  $('inspect-summary').textContent = `value ${currentValue(ref)}, gradient ∂E/∂${p.target} = ${exact(p.matrix_value)}; ${p.count} paths from the loss${p.complete ? '' : `, the ${p.listed.length} largest listed`}.`;
  // Each example's share: its paths added up (exact when every path is listed).
  const parts = new Map();
  for (const path of p.listed) parts.set(path.example, (parts.get(path.example) ?? 0) + path.product);
  const table = $('inspect-parts');
  table.replaceChildren();
  table.createCaption().textContent = p.complete ? 'contribution of each example of the batch' : 'largest paths per example';
  for (const [example, part] of parts) {
    const tr = table.insertRow();
    const name = tr.insertCell();
    name.textContent = `example ${example}`;
    name.style.color = exampleColour(example - 1, page.data.batch);
    tr.insertCell().textContent = short(part);
  }
  const list = document.createElement('ol');
  for (const path of p.listed) {
    const li = document.createElement('li');
    li.textContent = `${path.factors.map((f) => `${f.symbol} (${short(f.value)})`).join(' · ')} = `;
    const product = document.createElement('span');
    product.dataset.testid = 'path-product';
    product.dataset.value = exact(path.product);
    product.textContent = short(path.product);
    li.append(product);
    li.style.color = exampleColour(path.example - 1, page.data.batch);
    list.append(li);
  }
  const sum = document.createElement('p');
  sum.className = 'sum';
  sum.append(`Σ over ${p.complete ? 'all' : 'all'} paths = `);
  const total = document.createElement('span');
  total.dataset.testid = 'paths-total';
  total.dataset.value = exact(p.total);
  total.textContent = exact(p.total);
  const matrix = document.createElement('span');
  matrix.dataset.testid = 'paths-matrix';
  matrix.dataset.value = exact(p.matrix_value);
  matrix.textContent = exact(p.matrix_value);
  sum.append(total, '   beside the matrix gradient ', matrix);
  $('paths').replaceChildren(list, sum);
  $('paths-diagram').innerHTML = p.svg;
}

// ---- URL, keys, views ---------------------------------------------------------------------------

function saveUrl() {
  const q = new URLSearchParams({ example: $('example').value, step: String(page.step + 1), view: page.view });
  if (DATASETS.includes($('example').value)) { q.set('layers', $('layers').value); q.set('activation', $('activation').value); }
  if (page.selected?.target === 'W') q.set('weight', `${page.selected.layer}:${page.selected.row}:${page.selected.col}`);
  history.replaceState(null, '', `?${q}`);
}

function setView(view) {
  page.view = view;
  $('main').className = `view-${view}`;
  for (const b of document.querySelectorAll('nav.views [data-view]')) b.classList.toggle('active', b.dataset.view === view);
  if (page.data) saveUrl();
}

function wire() {
  $('example').addEventListener('change', () => { page.step = 0; page.selected = null; guarded(load); });
  $('layers').addEventListener('change', () => { if (DATASETS.includes($('example').value)) guarded(load); });
  $('activation').addEventListener('change', () => guarded(async () => {
    if (DATASETS.includes($('example').value)) await load();
    else render(await call('edit', post({ activation: $('activation').value })));
  }));
  $('loss-select').addEventListener('change', () => guarded(async () => {
    if (DATASETS.includes($('example').value)) await load();
    else render(await call('edit', post({ loss: $('loss-select').value })));
  }));
  $('step-next').addEventListener('click', () => go(page.step + 1));
  $('step-prev').addEventListener('click', () => go(page.step - 1));
  $('step-reset').addEventListener('click', () => go(0));
  $('play').addEventListener('click', togglePlay);
  $('edit-value').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); commitEdit(); }
    if (e.key === 'Escape') $('edit-box').hidden = true;
  });
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ArrowRight') go(page.step + 1);
    else if (e.key === 'ArrowLeft') go(page.step - 1);
    else if (e.key === 'Home') go(0);
    else return;
    e.preventDefault();
  });
  for (const b of document.querySelectorAll('nav.views [data-view]')) b.addEventListener('click', () => setView(b.dataset.view));
  $('large').addEventListener('click', () => document.documentElement.classList.toggle('large'));
  $('copy-link').addEventListener('click', () => guarded(() => navigator.clipboard.writeText(location.href)));
  $('upload').addEventListener('change', () => guarded(async () => {
    const file = $('upload').files[0];
    $('upload').value = '';
    if (!file) return;
    const q = new URLSearchParams({ name: file.name, layers: $('layers').value, activation: $('activation').value, loss: $('loss-select').value });
    page.step = 0;
    render(await call(`data?${q}`, post(await file.text(), 'text/csv')));
  }));
  for (const id of ['upload-network', 'upload-inputs', 'upload-targets'])
    $(id).addEventListener('change', () => guarded(uploadNetwork));
}

async function uploadNetwork() {
  const files = ['upload-network', 'upload-inputs', 'upload-targets'].map((id) => $(id).files[0]);
  if (files.some((f) => !f)) return; // waits for all three
  // The network travels as bytes (JSON, ONNX or safetensors; the server tells them apart by content).
  const [bytes, inputs, targets] = await Promise.all([files[0].arrayBuffer(), files[1].text(), files[2].text()]);
  let binary = '';
  const view = new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  page.step = 0;
  render(await call('network', post({ network_base64: btoa(binary), network_name: files[0].name, inputs, targets })));
}

async function start() {
  wire();
  const articles = await api('examples').catch(() => null);
  for (const name of articles ?? ['article1']) {
    const option = document.createElement('option');
    option.value = option.textContent = name;
    $('articles').append(option);
  }
  const q = new URLSearchParams(location.search);
  if (q.get('example')) $('example').value = q.get('example');
  if (q.get('layers')) $('layers').value = q.get('layers');
  if (q.get('activation')) $('activation').value = q.get('activation');
  setView(q.get('view') ?? 'walk');
  await guarded(async () => {
    await openSession();
    page.step = Math.max(0, Number(q.get('step') ?? 1) - 1) || 0;
    await load();
    const w = q.get('weight')?.split(':').map(Number);
    if (w?.length === 3) select({ target: 'W', layer: w[0], row: w[1], col: w[2] }, false);
  });
  initTrain({ render, showError, guarded });
  document.body.dataset.ready = 'true';
}

start();
