// The playground page: Walk, Inspect, Edit (this file) and Train (train.js). It draws what the engine answers
// (through api.js only) and never computes a gradient itself. The address bar mirrors the whole state (see
// saveUrl): reloading or sharing it reproduces what is shown.
import { api, call, openSession, post, rehearse, sessionUrl } from './api.js';
import { exact, exampleColour, plural, short, sub, sup, swatch } from './format.js';
import { abortTraining, chartsSeen, drawCharts, hasHistory, initTrain, resetTraining } from './train.js';

const $ = (id) => document.getElementById(id);
const DATASETS = ['xor', 'circles', 'spirals', 'blobs'];
const VIEWS = ['walk', 'inspect', 'edit', 'train'];
/** The settings every data set and CSV upload starts with (those of `backprop train`); an article brings its own. */
const DEFAULTS = { layers: '64-64', activation: 'relu', loss: 'cross_entropy' };
const FIRST = 'article1';
const BATCH_ROWS = 16; // rows of the batch table and of each step's matrices
/** Weight tables of more cells than this are written or updated in slices of about SLICE_MS milliseconds. */
const SLICE_CELLS = 1000, SLICE_MS = 8;
/** The link holds every changed value up to this many (and this long an address); past it, the page says so. */
export const URL_MAX_VALUES = 256, URL_MAX_LENGTH = 8000, URL_MAX_CSV = 2000;
/** The smallest text of the diagram on screen, in CSS pixels (and in large mode). */
const DIAGRAM_TEXT = 12.5, DIAGRAM_TEXT_LARGE = 16;

const page = {
  data: null, initial: null, step: 0, selected: null, view: 'walk', timer: null, svgKind: null,
  source: null, upload: null, large: false, embed: false, opener: null,
  tablesStale: false, diagramHasAll: false, following: 0, matricesTicket: 0,
};

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

const isDataSet = (name) => DATASETS.includes(name);
const settings = () => ({ layers: $('layers').value.trim(), activation: $('activation').value, loss: $('loss-select').value });

/** Where the current problem comes from: an article, a data set with its settings, or an upload. */
function sourceFor(name) {
  if (name === 'upload' && page.upload) return { ...page.upload, ...(page.upload.kind === 'csv' ? settings() : {}) };
  if (isDataSet(name)) return { kind: 'dataset', name, ...settings() };
  return { kind: 'example', name };
}

/**
 * Builds the problem of `source` afresh (epoch 0, the starting weights) and shows it; then, for a link, the
 * activation and loss it names (where they differ from the problem's own) and its changed values, in one edit.
 */
async function load(source, edits = [], want = {}) {
  abortTraining();
  let data;
  if (source.kind === 'dataset') data = await call('load', post({ example: source.name, layers: source.layers, activation: source.activation, loss: source.loss }));
  else if (source.kind === 'csv') data = await call(`data?${new URLSearchParams({ name: source.name, layers: source.layers, activation: source.activation, loss: source.loss })}`, post(source.text, 'text/csv'));
  else if (source.kind === 'network') data = await call('network', post(source.body));
  else data = await call('load', post({ example: source.name }));
  page.source = source;
  if (source.kind === 'csv' || source.kind === 'network') page.upload = source; // with the settings it now has
  page.initial = data;
  const changes = [];
  if (want.activation && data.activation && want.activation !== data.activation) changes.push({ activation: want.activation });
  if (want.loss && want.loss !== data.loss_name) changes.push({ loss: want.loss });
  changes.push(...edits);
  if (changes.length > 0) data = await call('edit', post({ edits: changes }));
  resetTraining();
  render(data);
  rehearse(); // after the render: the worker's rehearsals then share the machine with the frame, not the render
}

/** The example select changed: that example with its own settings (a data set starts from the defaults). */
async function chooseExample() {
  page.step = 0;
  page.selected = null;
  const name = $('example').value;
  if (name === 'upload' && page.upload) {
    // Back to the upload: with its own settings, not those of the example shown before.
    if (page.upload.kind === 'csv') setSettings(page.upload);
    await load(page.upload);
    return;
  }
  if (isDataSet(name)) setSettings(DEFAULTS);
  await load(sourceFor(name));
}

function setSettings(s) {
  $('layers').value = s.layers;
  $('activation').value = s.activation;
  $('loss-select').value = s.loss;
}

/** The activation or the loss changed: a data set or CSV gets a fresh network, an article or network keeps its weights. */
async function changeSetting(body) {
  const kind = page.source?.kind;
  if (kind === 'dataset' || kind === 'csv') { await load(sourceFor($('example').value)); return; }
  resetTraining();
  render(await call('edit', post(body)));
}

/** Shows a new state of the problem: every number, then the current step. */
export function render(data) {
  page.data = data;
  page.step = Math.max(0, Math.min(page.step, data.steps.length - 1));
  page.svgKind = null;
  $('loss').textContent = short(data.loss);
  $('loss').dataset.value = exact(data.loss);
  $('shape').textContent = `${data.name}: layers ${data.sizes.join('-')}, batch ${data.batch}`;
  // The header shows this problem's own settings.
  $('activation').disabled = !data.activation;
  $('activation').value = data.activation ?? 'identity';
  $('activation').title = data.activation ? '' : 'this network has no activation';
  $('loss-select').value = data.loss_name;
  $('loss').title = `${data.loss_name}: the loss of the batch shown${['sse', 'half_sse'].includes(data.loss_name) ? ', summed over its examples' : ''}`;
  const kind = page.source?.kind;
  $('layers-label').hidden = !(kind === 'dataset' || kind === 'csv');
  if (!$('layers-label').hidden) $('layers').value = data.sizes.slice(1, -1).join('-');
  // The step and its diagram first: the diagram is measured (trimSvg) while the rest of the page is still laid out.
  renderStep();
  // The batch and weight tables are hidden in Train, where the run's end renders: built when next shown
  // (thousands of cells for 2-64-64-2, too long a task while the page should answer).
  page.tablesStale = page.view === 'train';
  if (!page.tablesStale) {
    renderTables();
    showGradients();
  }
  for (const [id, file] of [['dl-network', 'network.json'], ['dl-report', 'report.html'], ['dl-history', 'history.csv']])
    $(id).href = sessionUrl(`download/${file}`);
  markSelected();
  if (page.selected && page.view === 'inspect') inspect(page.selected);
}

function renderTables() {
  page.tablesStale = false;
  renderBatch();
  renderWeights(); // with the test hooks that the diagram shown asks for
}

function renderBatch() {
  const { x, t } = page.data;
  const table = $('batch');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  head.insertCell().textContent = 'example';
  x[0].forEach((_, j) => { head.insertCell().textContent = `x${sub(j + 1)}`; });
  t[0].forEach((_, j) => { head.insertCell().textContent = `t${sub(j + 1)}`; });
  const body = table.createTBody();
  x.slice(0, BATCH_ROWS).forEach((row, b) => {
    const tr = body.insertRow();
    const label = tr.insertCell();
    label.className = 'example';
    label.append(swatch(b), `${b + 1}`);
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
  button.dataset.key = refKey(ref);
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
  button.addEventListener('click', () => select(ref, true, button));
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

/**
 * Tables of every W and B, values with gradients below; a large layer's table starts folded. A new shape is
 * written as HTML strings (parsed at once) with the listeners on #weights (see wire); the same shape again (an
 * edit, a finished run) changes the values in place, keeping focus and marks. Either way a large network's
 * rows go in slices of a few milliseconds (see inSlices), so that the page answers between them: 2-64-64-2
 * has 4.4k cells, 100-200 ms in one task.
 */
function renderWeights() {
  const box = $('weights');
  const { layers } = page.data;
  const shape = layers.map((l) => `${l.weights.length}x${l.weights[0].length}`).join(',');
  if (box.dataset.shape === shape) {
    inSlices(updateWeights(layers), !isLarge(page.data), markSelected);
    return;
  }
  delete box.dataset.shape; // set once every row is in: an edit during the build builds again
  const html = [];
  layers.forEach((layer, k) => {
    const L = k + 1;
    const open = layer.weights.length * layer.weights[0].length <= 256;
    html.push(`<details data-layer="${L}"${open ? ' open' : ''}><summary>W${sup(L)} and B${sup(L)} (${layer.weights.length}×${layer.weights[0].length})</summary>`);
    html.push('<div class="scroll"><table class="matrix"><tbody></tbody></table></div>');
    html.push(`<div><p class="caption">B${sup(L)}</p><div class="scroll"><table class="matrix"><tbody><tr>`);
    layer.bias.forEach((v, j) => html.push('<td>', cellHtml({ target: 'B', layer: L, row: 1, col: j + 1 }, v, layer.bias_grad[j], null), '</td>'));
    html.push('</tr></tbody></table></div></div></details>');
  });
  box.innerHTML = html.join('');
  inSlices(weightRows(layers), !isLarge(page.data), () => {
    box.dataset.shape = shape;
    markSelected();
  });
}

/** The rows of every W, appended one by one to the skeleton renderWeights wrote. */
function* weightRows(layers) {
  const bodies = [...$('weights').querySelectorAll('details > .scroll tbody')];
  for (const [k, layer] of layers.entries()) {
    const L = k + 1;
    for (const [i, row] of layer.weights.entries()) {
      const html = ['<tr>'];
      row.forEach((v, j) => html.push('<td>', cellHtml({ target: 'W', layer: L, row: i + 1, col: j + 1 }, v, layer.weights_grad[i][j], `${L}-${i + 1}-${j + 1}`), '</td>'));
      html.push('</tr>');
      bodies[k].insertAdjacentHTML('beforeend', html.join(''));
      yield;
    }
  }
}

/** The new values and gradients of tables of the same shape, a row at a time; unchanged cells are left alone. */
function* updateWeights(layers) {
  const tables = [...$('weights').querySelectorAll('details[data-layer]')].map((d) => d.querySelectorAll('table.matrix tbody'));
  for (const [k, layer] of layers.entries()) {
    const L = k + 1;
    const [wBody, bBody] = tables[k];
    const biasRow = bBody.rows[0];
    layer.bias.forEach((v, j) => updateCell(biasRow.cells[j].firstChild, { target: 'B', layer: L, row: 1, col: j + 1 }, v, layer.bias_grad[j]));
    for (const [i, row] of layer.weights.entries()) {
      const tr = wBody.rows[i];
      row.forEach((v, j) => updateCell(tr.cells[j].firstChild, { target: 'W', layer: L, row: i + 1, col: j + 1 }, v, layer.weights_grad[i][j]));
      yield;
    }
  }
}

function updateCell(button, ref, value, grad) {
  const v = exact(value), g = exact(grad);
  if (button.dataset.value === v && button.dataset.grad === g) return;
  button.dataset.value = v;
  button.dataset.grad = g;
  button.title = `${refName(ref)} = ${v}, gradient ${g}`;
  button.firstChild.data = short(value);
  button.lastChild.textContent = short(grad);
}

/** A network whose tables go in slices (see inSlices): more than SLICE_CELLS weights and biases. */
const isLarge = (data) => data.layers.reduce((n, l) => n + (l.weights.length + 1) * l.weights[0].length, 0) > SLICE_CELLS;

let slicing = 0;

/**
 * Runs the steps of `work` (a generator) in tasks of about SLICE_MS each, so that presses, edits and training
 * snapshots are answered in between; a newer call drops an older one's rest. Small work (`now`) runs at once.
 */
function inSlices(work, now, done) {
  const ticket = ++slicing;
  const run = () => {
    if (ticket !== slicing) return;
    const end = performance.now() + SLICE_MS;
    for (;;) {
      if (work.next().done) { done?.(); return; }
      if (!now && performance.now() > end) break;
    }
    setTimeout(run);
  };
  if (now) run();
  else requestAnimationFrame(() => setTimeout(run)); // after the next frame: the numbers above the tables show first
}

const attr = (text) => String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** cellButton's button as HTML (its listeners are on the table's box). */
function cellHtml(ref, value, grad, weight) {
  const key = refKey(ref);
  const title = `${refName(ref)} = ${exact(value)}` + (grad === null ? '' : `, gradient ${exact(grad)}`);
  return `<button type="button" class="cell" data-ref="${key}" data-key="${key}" data-value="${attr(exact(value))}" title="${attr(title)}"`
    + (weight ? ` data-weight="${weight}"${page.diagramHasAll ? '' : ` data-testid="w-${weight}"`}` : '')
    + (grad === null ? `>${attr(short(value))}</button>` : ` data-grad="${attr(exact(grad))}">${attr(short(value))}<span class="grad">${attr(short(grad))}</span></button>`);
}

/** The ref of a data-key ("W:1:2:3"). */
function keyRef(key) {
  const [target, layer, row, col] = key.split(':');
  return { target, layer: Number(layer), row: Number(row), col: Number(col) };
}

/** Where the diagram draws blocks instead of single weights, the weight tables carry the test hooks. */
function tableHooks() {
  for (const b of document.querySelectorAll('#weights [data-weight]')) {
    if (page.diagramHasAll) delete b.dataset.testid;
    else b.dataset.testid = `w-${b.dataset.weight}`;
  }
}

// ---- the walk -----------------------------------------------------------------------------------

function renderStep() {
  const { steps } = page.data;
  const s = steps[page.step];
  $('step-label').textContent = `Step ${page.step + 1} of ${steps.length}: ${s.title}`;
  $('equation').innerHTML = s.mathml; // MathML written by the engine, every name HTML-encoded
  $('note').textContent = s.note ?? '';
  // A large network's matrices after the next frame, in a task of their own: a step of 2-64-64-2 shows up to
  // 1,600 cells, whose layout beside the rest of the step made one task of 25 ms (over 50 while a run trains).
  const ticket = ++page.matricesTicket;
  if (!isLarge(page.data)) renderMatrices(s);
  else requestAnimationFrame(() => setTimeout(() => { if (ticket === page.matricesTicket) renderMatrices(s); }));
  $('check').textContent = s.check ? `${s.check.passed ? '✔' : '✘'} ${s.check.identity}: largest difference ${short(s.check.max_error)} (rounding allows ${short(s.check.tolerance)})` : '';
  $('check').className = s.check && !s.check.passed ? 'check-bad' : 'check-ok';
  // The loss step computes ∂E/∂Y: from there on the backward diagram, which draws it.
  drawDiagram(s.phase === 'backward' || s.phase === 'loss' ? 'backward' : 'forward');
  light(s);
  // After this task's changes, in the next frame: measuring now would lay the page out twice.
  cancelAnimationFrame(page.following);
  page.following = requestAnimationFrame(follow);
  showGradients();
  saveUrl();
}

/** The step's matrices, the one just computed lit. As one HTML string: 3k cells made one by one took 20-40 ms. */
function renderMatrices(s) {
  const html = [];
  s.matrices.forEach((m, index) => {
    const result = index === s.matrices.length - 1;
    const values = page.data.matrices[m.values];
    const more = values.length > BATCH_ROWS ? `, first ${BATCH_ROWS} of ${values.length} rows` : '';
    html.push(`<div><p class="caption">${attr(m.symbol)} (${values.length}×${values[0].length})${result ? ', just computed' : ''}${more}</p><div class="scroll"><table class="matrix"><tbody>`);
    for (const row of values.slice(0, BATCH_ROWS)) {
      html.push('<tr>');
      for (const v of row) html.push(`<td${result ? ' class="lit"' : ''} title="${exact(v)}">${short(v)}</td>`);
      html.push('</tr>');
    }
    html.push('</tbody></table></div></div>');
  });
  $('step-matrices').innerHTML = html.join('');
}

/** A diagram wider than its box scrolls (inside the box) to what the step lights: the diagram follows the walk. */
function follow() {
  const box = $('diagram');
  if (box.scrollWidth <= box.clientWidth + 1) return;
  const b = box.getBoundingClientRect();
  let lo = Infinity, hi = -Infinity;
  // The lit units mark the place (asking thousands of lit weights for their box took over 100 ms); a step
  // that lights weights only falls back to them.
  let lit = box.querySelectorAll('.lit:not([data-edge])');
  if (lit.length === 0) lit = box.querySelectorAll('.lit');
  for (const el of lit) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    lo = Math.min(lo, r.left - b.left + box.scrollLeft);
    hi = Math.max(hi, r.right - b.left + box.scrollLeft);
  }
  if (!Number.isFinite(lo)) return;
  const width = box.clientWidth;
  let left = box.scrollLeft;
  if (hi - lo > width || lo < left) left = lo - 16;
  else if (hi > left + width) left = hi - width + 16;
  box.scrollTo({ left: Math.max(0, left), behavior: 'smooth' });
}

/** A weight's gradient shows in the tables once the backward pass has computed it, not before. */
function showGradients() {
  const { steps } = page.data;
  let hidden = 0;
  for (const fold of document.querySelectorAll('#weights details')) {
    const key = `dW${fold.dataset.layer}`;
    const at = steps.findIndex((s) => s.matrices.some((m) => m.key === key));
    const before = at >= 0 && page.step < at;
    fold.classList.toggle('no-grads', before);
    if (before) hidden++;
  }
  $('grads-note').textContent = hidden > 0
    ? 'Each value\'s gradient appears below it once the backward pass has computed it (in Inspect, always).'
    : 'Values, with each gradient ∂E/∂w below in blue.';
}

/** The diagram's weights answer through listeners on its box (see wire), not 4k listeners of their own. */
function diagramEdge(e) {
  const el = e.target instanceof Element ? e.target.closest('[data-edge^="W"][data-key]') : null;
  return el && $('diagram').contains(el) ? el : null;
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
    el.dataset.key = refKey(ref);
    el.dataset.value = exact(layer.weights[ref.row - 1][ref.col - 1]);
    el.dataset.grad = exact(layer.weights_grad[ref.row - 1][ref.col - 1]);
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', `${refName(ref)} = ${el.dataset.value}, gradient ${el.dataset.grad}`);
    if (drawn) el.dataset.testid = `w-${ref.layer}-${ref.row}-${ref.col}`;
  }
  const changed = page.diagramHasAll !== drawn;
  page.diagramHasAll = drawn;
  if (changed && !page.tablesStale) tableHooks();
  scaleSvg(box);
  markSelected();
}

/**
 * The widths of the diagrams' boxes, kept by a ResizeObserver: reading clientWidth after the page changed
 * forces a layout (10-20 ms on an edit of 2-64-64-2) where the width itself rarely changes.
 */
const boxWidths = new Map();
const boxResized = new ResizeObserver((entries) => {
  for (const e of entries) {
    const known = boxWidths.get(e.target);
    boxWidths.set(e.target, e.target.clientWidth);
    if (known !== undefined && known !== e.target.clientWidth) scaleSvg(e.target);
  }
});

/**
 * Sizes an engine SVG so that its smallest text is at least DIAGRAM_TEXT pixels on screen (larger in large
 * mode), filling its box's width when that is larger still; a diagram wider than its box scrolls in the box.
 */
function scaleSvg(box) {
  const svg = box.querySelector('svg');
  if (!svg || !svg.viewBox.baseVal || svg.viewBox.baseVal.width === 0) return;
  trimSvg(svg, box);
  const { width, height } = svg.viewBox.baseVal;
  let smallest = Infinity;
  for (const t of svg.querySelectorAll('[font-size]')) smallest = Math.min(smallest, parseFloat(t.getAttribute('font-size')) || Infinity);
  if (!Number.isFinite(smallest)) smallest = 12;
  const least = (page.large ? DIAGRAM_TEXT_LARGE : DIAGRAM_TEXT) / smallest;
  const boxWidth = boxWidths.get(box) ?? box.clientWidth;
  const room = boxWidth > 0 ? Math.min((boxWidth - 2) / width, (window.innerHeight * 0.8) / height) : 0;
  const scale = Math.max(least, Math.min(room, least * 1.6));
  svg.style.width = `${Math.round(width * scale)}px`; // CSSOM, allowed by the CSP
  svg.style.height = `${Math.round(height * scale)}px`;
}

/**
 * The page's copy of an engine SVG loses its heading (the two lines at its top, shown as the caption above it
 * instead) and its margins: the view box is cut to what is drawn, so that the diagram's scale goes to the
 * drawing. Downloads keep the engine's SVG as it is.
 */
function trimSvg(svg, box) {
  if (svg.dataset.trimmed) return;
  svg.dataset.trimmed = 'true';
  const top = svg.querySelector(':scope > g');
  if (!top) return;
  const heading = [...top.children].filter((el) => el.tagName === 'text' && Number(el.getAttribute('y')) < 50).slice(0, 2);
  const caption = box.previousElementSibling?.classList.contains('diagram-caption') ? box.previousElementSibling : null;
  if (caption) caption.textContent = heading.map((t) => t.textContent.trim().replace(/[.:]$/, '')).join('. ') + '.';
  for (const t of heading) t.remove();
  // Measuring forces a layout of the whole page (40-120 ms beside 2-64-64-2's tables): a drawing is measured
  // once per architecture, view and engine view box (the engine's own estimate of the extent, which changes
  // when the numbers drawn change length; a large network's block diagram keeps it).
  const key = `${box.id}|${page.data?.sizes?.join('-')}|${page.svgKind}|${svg.getAttribute('viewBox')}`;
  let b = trimmed.get(key);
  if (!b) {
    const r = top.getBBox();
    b = { x: r.x, y: r.y, width: r.width, height: r.height };
    if (trimmed.size > 500) trimmed.clear();
    if (b.width > 0 && b.height > 0) trimmed.set(key, b);
  }
  if (b.width > 0 && b.height > 0) svg.setAttribute('viewBox', `${b.x - 6} ${b.y - 6} ${b.width + 12} ${b.height + 12}`);
}
/** Measured extents of drawings (see trimSvg). */
const trimmed = new Map();

/** Lights what the step reads and writes; the rest of the diagram fades. */
function light(step) {
  const svg = $('diagram').querySelector('svg');
  const keys = new Set(step.matrices.map((m) => m.key));
  svg.classList.add('dim');
  for (const el of svg.querySelectorAll('[data-ref]')) el.classList.toggle('lit', keys.has(el.dataset.ref.split(':')[0]));
  for (const el of svg.querySelectorAll('[data-edge]')) {
    const key = el.dataset.edge.split(':')[0];
    el.classList.toggle('lit', keys.has(key) || keys.has(`d${key}`) || (key === 'Y' && (keys.has('Y') || keys.has('dY'))));
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
    $('play').textContent = '▶ play';
    return;
  }
  $('play').textContent = '❚❚ pause';
  page.timer = setInterval(() => {
    if (page.step >= page.data.steps.length - 1) togglePlay();
    else go(page.step + 1);
  }, 3000 / Number($('speed-range').value));
}

// ---- inspect and edit ---------------------------------------------------------------------------

function hover(ref) {
  markHovered(ref);
  if (page.view === 'inspect') inspect(ref);
}

/** The weight under the pointer (or focused) is marked in the diagram and the tables. */
function markHovered(ref) {
  for (const el of document.querySelectorAll('.hovered')) el.classList.remove('hovered');
  if (ref) for (const el of document.querySelectorAll(`[data-key="${refKey(ref)}"]`)) el.classList.add('hovered');
}

function markSelected() {
  for (const el of document.querySelectorAll('.selected')) el.classList.remove('selected');
  if (page.selected) for (const el of document.querySelectorAll(`[data-key="${refKey(page.selected)}"]`)) el.classList.add('selected');
}

function select(ref, edit, opener = null) {
  page.selected = ref;
  markSelected();
  if (page.view === 'inspect') inspect(ref);
  saveUrl();
  if (!edit) return;
  page.opener = opener ? { key: refKey(ref), where: opener.closest('[id]')?.id ?? null } : null;
  $('edit-box').hidden = false;
  $('edit-name').textContent = refName(ref);
  $('edit-value').value = currentValue(ref);
  $('edit-value').focus();
  $('edit-value').select();
}

/**
 * Closes the editor and gives the focus back to the value it edits (redrawn or not), else to the step controls;
 * `later`: in the next frame, where the page is laid out anyway (focus forces a layout, 20-40 ms beside 2-64-64-2's tables).
 */
function closeEditor(later = false) {
  $('edit-box').hidden = true;
  const o = page.opener;
  page.opener = null;
  let target = null;
  if (o) {
    const area = o.where ? $(o.where)?.closest('#diagram, #weights, #batch, main') : null;
    target = (area ?? document).querySelector(`[data-key="${o.key}"]`) ?? document.querySelector(`[data-key="${o.key}"]`);
  }
  const focus = () => (target ?? $('step-next')).focus({ preventScroll: true }); // it is where the press was: no scroll needed
  if (later) requestAnimationFrame(focus);
  else focus();
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
    const data = await call('edit', post({ target: ref.target, layer: ref.layer, row: ref.row, col: ref.col, value }));
    resetTraining();
    render(data);
    closeEditor(isLarge(data));
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
  $('inspect-summary').textContent = `value ${short(Number(currentValue(ref)))}, gradient ∂E/∂${p.target} = ${short(p.matrix_value)}; ${plural(p.count, 'path')} from the loss${p.complete ? '' : `, the ${p.listed.length} largest listed`}.`;
  // Each example's share: its paths added up (exact when every path is listed).
  const parts = new Map();
  for (const path of p.listed) parts.set(path.example, (parts.get(path.example) ?? 0) + path.product);
  const table = $('inspect-parts');
  table.replaceChildren();
  table.createCaption().textContent = p.complete ? 'contribution of each example of the batch' : 'largest paths per example';
  for (const [example, part] of parts) {
    const tr = table.insertRow();
    const name = tr.insertCell();
    name.className = 'example';
    name.append(swatch(example - 1), `example ${example}`);
    const value = tr.insertCell();
    value.textContent = short(part);
    value.title = exact(part);
  }
  const list = document.createElement('ol');
  for (const path of p.listed) {
    const li = document.createElement('li');
    li.append(swatch(path.example - 1), `${path.factors.map((f) => `${f.symbol} (${short(f.value)})`).join(' · ')} = `);
    const product = document.createElement('span');
    product.dataset.testid = 'path-product';
    product.dataset.value = exact(path.product);
    product.textContent = short(path.product);
    product.title = exact(path.product);
    li.append(product);
    list.append(li);
  }
  const sum = document.createElement('p');
  sum.className = 'sum';
  sum.append(`Σ over ${p.complete ? 'all' : 'the'} ${plural(p.count, 'path')} = `);
  const total = document.createElement('span');
  total.dataset.testid = 'paths-total';
  total.dataset.value = exact(p.total);
  total.textContent = short(p.total);
  total.title = exact(p.total);
  const matrix = document.createElement('span');
  matrix.dataset.testid = 'paths-matrix';
  matrix.dataset.value = exact(p.matrix_value);
  matrix.textContent = short(p.matrix_value);
  matrix.title = exact(p.matrix_value);
  sum.append(total, ', beside the matrix gradient ', matrix);
  $('paths').replaceChildren(list, sum);
  $('paths-diagram').innerHTML = p.svg;
  scaleSvg($('paths-diagram'));
}

// ---- the address bar: the whole state ------------------------------------------------------------

/** Every value (W, B, X, T) that differs from the problem as loaded: edits and training alike. */
function changedValues() {
  const out = [];
  const now = page.data, was = page.initial;
  if (!now || !was || now.layers.length !== was.layers.length) return out;
  now.layers.forEach((l, k) => {
    const w = was.layers[k];
    l.weights.forEach((row, i) => row.forEach((v, j) => { if (v !== w.weights[i]?.[j]) out.push(`W${k + 1}.${i + 1}.${j + 1}:${exact(v)}`); }));
    l.bias.forEach((v, j) => { if (v !== w.bias[j]) out.push(`B${k + 1}.${j + 1}:${exact(v)}`); });
  });
  for (const [key, m, n] of [['X', now.x, was.x], ['T', now.t, was.t]])
    m.forEach((row, i) => row.forEach((v, j) => { if (v !== n[i]?.[j]) out.push(`${key}${i + 1}.${j + 1}:${exact(v)}`); }));
  return out;
}

/** The edits a link's `e=` names, as the edit request takes them. */
function parseEdits(text) {
  if (!text) return [];
  return text.split(',').map((item) => {
    const m = /^([WBXT])(\d+)\.(\d+)(?:\.(\d+))?:(.+)$/.exec(item);
    if (!m) throw new Error(`the link's edit '${item}' is not of the form W1.1.1:0.5, B1.2:0.1, X1.2:0.3 or T1.1:1`);
    const value = Number(m[5]);
    if (!Number.isFinite(value)) throw new Error(`the link's edit '${item}': '${m[5]}' is not a number`);
    const [a, b, c] = [Number(m[2]), Number(m[3]), Number(m[4])];
    if (m[1] === 'W') return { target: 'W', layer: a, row: b, col: c, value };
    if (m[1] === 'B') return { target: 'B', layer: a, row: 1, col: b, value };
    return { target: m[1], layer: 0, row: a, col: b, value };
  });
}

const enc = (v) => encodeURIComponent(v).replace(/%3A/gi, ':').replace(/%2C/gi, ',');

/** Writes the whole state to the address bar (replaceState); says so where the link cannot hold all of it. */
function saveUrl() {
  if (!page.data || !page.source) return;
  const q = [];
  const add = (k, v) => q.push(`${k}=${enc(v)}`);
  const src = page.source;
  const notes = [];
  if (src.kind === 'network') {
    add('example', FIRST);
    notes.push('an uploaded network is not in the link: it opens on article1');
  } else if (src.kind === 'csv') {
    if (src.text.length <= URL_MAX_CSV) { add('example', 'upload'); add('name', src.name); add('csv', src.text); } else {
      add('example', FIRST);
      notes.push(`the uploaded CSV (${src.text.length.toLocaleString('en')} characters, more than ${URL_MAX_CSV.toLocaleString('en')}) is not in the link`);
    }
  } else add('example', src.name);
  if (src.kind === 'dataset' || src.kind === 'csv') add('layers', $('layers').value);
  if (page.data.activation) add('activation', page.data.activation);
  add('loss', page.data.loss_name);
  add('step', String(page.step + 1));
  add('view', page.view);
  if (page.selected?.target === 'W') add('weight', `${page.selected.layer}:${page.selected.row}:${page.selected.col}`);
  if (page.large) add('large', '1');
  if (page.embed) add('embed', '1');
  if (src.kind !== 'network' && !(src.kind === 'csv' && src.text.length > URL_MAX_CSV)) {
    const changed = changedValues();
    const edits = changed.join(',');
    if (changed.length > URL_MAX_VALUES || edits.length > URL_MAX_LENGTH)
      notes.push(`the ${changed.length.toLocaleString('en')} changed values are not in the link (it holds at most ${URL_MAX_VALUES}): it opens on the starting weights`);
    else if (changed.length > 0) add('e', edits);
  }
  const search = `?${q.join('&')}`;
  // replaceState takes 5-15 ms (more under a debugger): with a large network, once after the task's other work.
  clearTimeout(saveUrl.timer);
  const write = () => { if (location.search !== search) history.replaceState(null, '', search); };
  if (isLarge(page.data)) saveUrl.timer = setTimeout(write);
  else write();
  $('link-note').textContent = notes.length ? `Link: ${notes.join('; ')}.` : '';
  $('link-note').title = $('link-note').textContent;
}

function setView(view) {
  page.view = view;
  if (view !== 'train' && page.tablesStale && page.data) {
    renderTables();
    showGradients();
    markSelected();
  }
  $('main').className = `view-${view}`;
  document.documentElement.dataset.view = view;
  for (const b of document.querySelectorAll('.views [data-view]')) {
    b.classList.toggle('active', b.dataset.view === view);
    b.setAttribute('aria-pressed', String(b.dataset.view === view));
  }
  if (view === 'inspect' && page.selected && page.data) inspect(page.selected);
  if (view === 'train') drawCharts(); // a run went on while another view was shown
  if (page.data) chartsSeen(view === 'train');
  requestAnimationFrame(() => scaleSvg($('diagram')));
  saveUrl();
}

function setLarge(on) {
  page.large = on;
  document.documentElement.classList.toggle('large', on);
  $('large').setAttribute('aria-pressed', String(on));
  requestAnimationFrame(() => { scaleSvg($('diagram')); scaleSvg($('paths-diagram')); });
  saveUrl();
}

async function copyLink() {
  const button = $('copy-link');
  try {
    await navigator.clipboard.writeText(location.href);
    button.textContent = 'link copied ✓';
  } catch {
    button.textContent = 'copy failed: copy the address bar';
  }
  clearTimeout(copyLink.timer);
  copyLink.timer = setTimeout(() => { button.textContent = 'copy link'; }, 2500);
}

/** The SVG download gives the diagram shown now (forward or backward). */
function downloadSvg(e) {
  if (!page.data) { e.preventDefault(); return; }
  const text = page.svgKind === 'backward' ? page.data.svg_backward : page.data.svg_forward;
  const link = $('dl-svg');
  link.download = `${page.data.name}-${page.svgKind ?? 'forward'}.svg`;
  link.href = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function wire() {
  $('example').addEventListener('change', () => guarded(chooseExample));
  $('layers').addEventListener('change', () => guarded(async () => { if (['dataset', 'csv'].includes(page.source?.kind)) await load(sourceFor($('example').value)); }));
  $('activation').addEventListener('change', () => guarded(() => changeSetting({ activation: $('activation').value })));
  $('loss-select').addEventListener('change', () => guarded(() => changeSetting({ loss: $('loss-select').value })));
  $('step-next').addEventListener('click', () => go(page.step + 1));
  $('step-prev').addEventListener('click', () => go(page.step - 1));
  $('step-reset').addEventListener('click', () => go(0));
  $('play').addEventListener('click', togglePlay);
  $('edit-value').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); commitEdit(); }
    if (e.key === 'Escape') { e.preventDefault(); closeEditor(); }
  });
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.altKey || e.ctrlKey || e.metaKey) return;
    if (page.view === 'train') return; // the steps are not on screen there
    if (e.key === 'ArrowRight') go(page.step + 1);
    else if (e.key === 'ArrowLeft') go(page.step - 1);
    else if (e.key === 'Home') go(0);
    else return;
    e.preventDefault();
  });
  for (const b of document.querySelectorAll('.views [data-view]')) b.addEventListener('click', () => setView(b.dataset.view));
  const weights = $('weights');
  const cell = (e) => (e.target instanceof Element ? e.target.closest('button.cell') : null);
  weights.addEventListener('click', (e) => { const b = cell(e); if (b) select(keyRef(b.dataset.key), true, b); });
  weights.addEventListener('mouseover', (e) => { const b = cell(e); if (b && !b.contains(e.relatedTarget)) hover(keyRef(b.dataset.key)); });
  weights.addEventListener('focusin', (e) => { const b = cell(e); if (b) hover(keyRef(b.dataset.key)); });
  const diagram = $('diagram');
  diagram.addEventListener('click', (e) => { const el = diagramEdge(e); if (el) select(keyRef(el.dataset.key), true, el); });
  diagram.addEventListener('keydown', (e) => {
    const el = diagramEdge(e);
    if (el && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); select(keyRef(el.dataset.key), true, el); }
  });
  diagram.addEventListener('mouseover', (e) => { const el = diagramEdge(e); if (el && !el.contains(e.relatedTarget)) hover(keyRef(el.dataset.key)); });
  diagram.addEventListener('mouseout', (e) => { const el = diagramEdge(e); if (el && !el.contains(e.relatedTarget)) markHovered(null); });
  diagram.addEventListener('focusin', (e) => { const el = diagramEdge(e); if (el) hover(keyRef(el.dataset.key)); });
  $('large').addEventListener('click', () => setLarge(!page.large));
  $('copy-link').addEventListener('click', copyLink);
  $('dl-svg').addEventListener('click', downloadSvg);
  $('dl-history').addEventListener('click', (e) => {
    if (hasHistory()) return;
    e.preventDefault();
    showError('history.csv: nothing trained yet: start training in the Train view first');
  });
  window.addEventListener('resize', () => scaleSvg($('diagram')));
  for (const id of ['diagram', 'paths-diagram']) boxResized.observe($(id));
  $('upload').addEventListener('change', () => guarded(async () => {
    const file = $('upload').files[0];
    $('upload').value = '';
    if (!file) return;
    page.step = 0;
    setSettings(DEFAULTS); // an upload starts from the data sets' settings, whatever was shown before
    await loadUpload({ kind: 'csv', name: file.name, text: await file.text(), ...DEFAULTS });
  }));
  for (const id of ['upload-network', 'upload-inputs', 'upload-targets'])
    $(id).addEventListener('change', () => guarded(uploadNetwork));
}

/** Loads an upload; it becomes the select's "uploaded" entry only once the engine took it. */
async function loadUpload(source, edits = []) {
  await load(source, edits);
  page.upload = source;
  const option = document.createElement('option');
  option.value = 'upload';
  option.textContent = `upload: ${source.name}`;
  $('uploaded').replaceChildren(option);
  $('example').value = 'upload';
  saveUrl();
}

async function uploadNetwork() {
  const files = ['upload-network', 'upload-inputs', 'upload-targets'].map((id) => $(id).files[0]);
  if (files.some((f) => !f)) return; // waits for all three
  // The network travels as bytes (JSON, ONNX or safetensors; the engine tells them apart by content).
  const [bytes, inputs, targets] = await Promise.all([files[0].arrayBuffer(), files[1].text(), files[2].text()]);
  let binary = '';
  const view = new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  page.step = 0;
  await loadUpload({ kind: 'network', name: files[0].name, body: { network_base64: btoa(binary), network_name: files[0].name, inputs, targets } });
}

/** Reads the link: every piece of state it holds, checked; what it names wrongly is said, not dropped silently. */
async function restore(q) {
  const problems = [];
  let name = q.get('example') ?? FIRST;
  const known = [...$('example').querySelectorAll('option')].map((o) => o.value).filter((v) => v !== 'upload');
  const linked = { layers: q.get('layers') ?? DEFAULTS.layers, activation: q.get('activation') ?? DEFAULTS.activation, loss: q.get('loss') ?? DEFAULTS.loss };
  let source;
  if (name === 'upload' && q.get('csv') !== null) {
    setSettings(linked);
    source = { kind: 'csv', name: q.get('name') ?? 'upload.csv', text: q.get('csv'), ...linked };
  } else {
    if (!known.includes(name)) {
      problems.push(`unknown example '${name}' (expected one of: ${known.join(', ')}): showing ${FIRST}`);
      name = FIRST;
    }
    $('example').value = name;
    if (isDataSet(name)) setSettings(linked);
    source = sourceFor(name);
  }
  let edits = [];
  try { edits = parseEdits(q.get('e')); } catch (e) { problems.push(e.message); }
  page.step = Math.max(0, Number(q.get('step') ?? 1) - 1) || 0;
  if (source.kind === 'csv') await loadUpload(source, edits);
  else await load(source, edits, source.kind === 'example' ? { activation: q.get('activation'), loss: q.get('loss') } : {});
  const w = q.get('weight')?.split(':').map(Number);
  if (w?.length === 3 && w.every(Number.isInteger)) select({ target: 'W', layer: w[0], row: w[1], col: w[2] }, false);
  return problems;
}

async function start() {
  wire();
  const q = new URLSearchParams(location.search);
  page.embed = q.get('embed') === '1';
  document.documentElement.classList.toggle('embed', page.embed);
  // The articles' names first, so that the select can show the one asked for.
  const articles = await api('examples').catch(() => null);
  for (const name of articles ?? [FIRST]) {
    const option = document.createElement('option');
    option.value = option.textContent = name;
    $('articles').append(option);
  }
  $('example').value = FIRST;
  const problems = [];
  let view = q.get('view') ?? 'walk';
  if (view === 'large') { view = 'walk'; q.set('large', '1'); }
  if (!VIEWS.includes(view)) { problems.push(`unknown view '${view}' (expected one of: ${VIEWS.join(', ')}): showing walk`); view = 'walk'; }
  page.view = view;
  setLarge(q.get('large') === '1');
  setView(view);
  await guarded(async () => {
    await openSession();
    problems.push(...await restore(q));
  });
  if (problems.length > 0) showError(problems.join('; '));
  initTrain({ render, showError, guarded, reset: () => guarded(async () => load(page.source)), saveUrl });
  saveUrl();
  document.body.dataset.ready = 'true';
}

start();
