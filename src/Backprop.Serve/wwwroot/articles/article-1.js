// Article 1, "Following the lines": the playground's Walk contract on the 2-3-1 sigmoid network and its batch
// of two, with the update and the next forward pass. Every number comes from the engine (engine-calls.js).
import { editValue, loadExample, playgroundLink, rehearseEdits } from './engine-calls.js';
import { $, el, exact, exampleColour, exampleKey, guarded, matrixTable, placeSvg, ready, scrollToLit, short, showError, sub, sup } from './draw.js';

const EXAMPLE = 'article1';
const page = { data: null, step: 0, selected: null, edits: new Map(), lr: '0.5', svgKind: null };

const refName = (r) => (r.target === 'W' ? `w${sup(r.layer)}${sub(r.row)}${sub(r.col)}`
  : r.target === 'B' ? `b${sup(r.layer)}${sub(r.col)}` : `${r.target.toLowerCase()}${sub(r.col)} of example ${r.row}`);
/** An edit as the playground's link writes it: W1.1.1:0.3, B1.2:0.1, X1.2:0.3, T1.1:1. */
const editKey = (r) => (r.target === 'W' ? `W${r.layer}.${r.row}.${r.col}` : r.target === 'B' ? `B${r.layer}.${r.col}` : `${r.target}${r.row}.${r.col}`);

function parseEdit(text) {
  const m = /^([WBXT])(\d+)\.(\d+)(?:\.(\d+))?:(.+)$/.exec(text);
  if (!m || !Number.isFinite(Number(m[5]))) throw new Error(`the link's edit '${text}' is not of the form W1.1.1:0.5`);
  const [a, b, c] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const ref = m[1] === 'W' ? { target: 'W', layer: a, row: b, col: c } : m[1] === 'B' ? { target: 'B', layer: a, row: 1, col: b } : { target: m[1], layer: 0, row: a, col: b };
  return [ref, Number(m[5])];
}

function show(data) {
  page.data = data;
  page.step = Math.min(page.step, data.steps.length - 1);
  page.svgKind = null;
  $('loss').textContent = short(data.loss);
  $('loss').dataset.value = exact(data.loss);
  placeSvg($('network-diagram'), data.svg_forward);
  renderBatch();
  renderWeights();
  renderStep();
}

/** A number the reader can click to change. */
function valueButton(ref, value, grad) {
  const b = el('button', { type: 'button', class: 'value', 'data-ref': editKey(ref), 'data-value': exact(value), title: `${refName(ref)} = ${exact(value)}${grad === undefined ? '' : `, gradient ${exact(grad)}`}` }, short(value));
  if (grad !== undefined) {
    b.dataset.grad = exact(grad);
    b.append(el('span', { class: 'grad' }, `∂E: ${short(grad)}`));
  }
  if (page.selected && editKey(page.selected) === editKey(ref)) b.classList.add('selected');
  b.addEventListener('click', () => openEditor(ref, value));
  return b;
}

function renderBatch() {
  const { x, t } = page.data;
  const xTable = matrixTable('X, the inputs (one example per row)', x.map((row, b) => [`#${b + 1}`, ...row]), (i, j, v) =>
    (j === 0 ? exampleKey(i) : valueButton({ target: 'X', layer: 0, row: i + 1, col: j }, v)));
  const tTable = matrixTable('T, the targets', t.map((row, b) => [`#${b + 1}`, ...row]), (i, j, v) =>
    (j === 0 ? exampleKey(i) : valueButton({ target: 'T', layer: 0, row: i + 1, col: j }, v)));
  $('batch').replaceChildren(xTable, tTable);
}

function renderWeights() {
  const box = $('weights');
  box.replaceChildren();
  page.data.layers.forEach((layer, k) => {
    const L = k + 1;
    box.append(matrixTable(`W${sup(L)} (${layer.weights.length}×${layer.weights[0].length})`, layer.weights, (i, j, v) => {
      const b = valueButton({ target: 'W', layer: L, row: i + 1, col: j + 1 }, v, layer.weights_grad[i][j]);
      b.dataset.testid = `w-${L}-${i + 1}-${j + 1}`;
      return b;
    }));
    box.append(matrixTable(`B${sup(L)}`, [layer.bias], (_, j, v) => valueButton({ target: 'B', layer: L, row: 1, col: j + 1 }, v, layer.bias_grad[j])));
  });
}

function renderStep() {
  const { steps } = page.data;
  const s = steps[page.step];
  $('step-label').textContent = `Step ${page.step + 1} of ${steps.length}: ${s.title}`;
  $('equation').innerHTML = s.mathml; // MathML written by the engine, every name encoded
  $('note').textContent = s.note ?? '';
  const box = $('step-matrices');
  box.replaceChildren();
  s.matrices.forEach((m, index) => {
    const values = page.data.matrices[m.values];
    const result = index === s.matrices.length - 1;
    const table = matrixTable(`${m.symbol}${result ? ', just computed' : ''}`, values, null, result);
    if (values.length === page.data.batch && page.data.batch > 1) [...table.rows].forEach((tr, b) => { tr.cells[0].style.borderLeft = `4px solid ${exampleColour(b)}`; });
    box.append(table);
  });
  $('check').textContent = s.check ? `${s.check.passed ? '✔' : '✘'} ${s.check.identity}: largest difference ${short(s.check.max_error)}` : '';
  $('check').className = s.check && !s.check.passed ? 'check bad' : 'check';
  const kind = s.phase === 'backward' || s.phase === 'update' ? 'backward' : 'forward';
  if (page.svgKind !== kind) {
    page.svgKind = kind;
    placeSvg($('walk-diagram'), kind === 'backward' ? page.data.svg_backward : page.data.svg_forward);
  }
  light(s);
  saveUrl();
}

/** Lights on the diagram what the step reads and writes; the rest fades. */
function light(step) {
  const svg = $('walk-diagram').querySelector('svg');
  if (!svg) return;
  const keys = new Set(step.matrices.map((m) => m.key));
  svg.classList.add('dim');
  for (const node of svg.querySelectorAll('[data-ref]')) node.classList.toggle('lit', keys.has(node.dataset.ref.split(':')[0]));
  for (const edge of svg.querySelectorAll('[data-edge]')) {
    const key = edge.dataset.edge.split(':')[0];
    edge.classList.toggle('lit', keys.has(key) || keys.has(`d${key}`));
  }
  scrollToLit($('walk-diagram'));
}

function go(step) {
  if (!page.data) return;
  page.step = Math.max(0, Math.min(page.data.steps.length - 1, step));
  renderStep();
}

function openEditor(ref, value) {
  page.selected = ref;
  for (const b of document.querySelectorAll('.value.selected')) b.classList.remove('selected');
  for (const b of document.querySelectorAll(`.value[data-ref="${editKey(ref)}"]`)) b.classList.add('selected');
  $('edit-box').hidden = false;
  $('edit-name').textContent = refName(ref);
  $('edit-value').value = exact(value);
  $('edit-value').focus();
  $('edit-value').select();
}

function closeEditor() {
  const ref = page.selected;
  $('edit-box').hidden = true;
  page.selected = null;
  for (const b of document.querySelectorAll('.value.selected')) b.classList.remove('selected');
  if (ref) document.querySelector(`.value[data-ref="${editKey(ref)}"]`)?.focus();
}

async function commitEdit() {
  const ref = page.selected;
  const text = $('edit-value').value.trim();
  const value = Number(text);
  if (!ref) return;
  if (text === '' || !Number.isFinite(value)) { showError(`'${text}' is not a number`); return; }
  await guarded(async () => {
    const data = await editValue(ref, value, page.lr);
    page.edits.set(editKey(ref), exact(value)); // before drawing: the address bar is written as the step is drawn
    show(data);
    closeEditor();
  });
}

async function setRate() {
  const text = $('lr').value.trim();
  if (!(Number(text) > 0)) { showError(`learning rate '${text}' must be a positive number`); return; }
  page.lr = text;
  // The learning rate changes only the update and what follows it; reload the same edits with it.
  await guarded(async () => {
    let data = await loadExample(EXAMPLE, page.lr);
    for (const [key, v] of page.edits) data = await editValue(parseEdit(`${key}:${v}`)[0], Number(v), page.lr);
    show(data);
  });
}

function saveUrl() {
  const edits = [...page.edits].map(([k, v]) => `${k}:${v}`);
  const q = new URLSearchParams({ step: String(page.step + 1), lr: page.lr });
  if (edits.length) q.set('e', edits.join(','));
  history.replaceState(null, '', `?${q}`.replace(/%2C/g, ',').replace(/%3A/g, ':'));
  // The playground's walk stops at the gradients: past them, its last step.
  const playgroundSteps = page.data.steps.filter((s) => s.phase !== 'update' && s.phase !== 'after').length;
  $('open-playground').href = playgroundLink({ example: EXAMPLE, step: Math.min(page.step + 1, playgroundSteps), edits });
}

function wire() {
  $('step-next').addEventListener('click', () => go(page.step + 1));
  $('step-prev').addEventListener('click', () => go(page.step - 1));
  $('step-reset').addEventListener('click', () => go(0));
  $('lr').addEventListener('change', setRate);
  $('edit-value').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); commitEdit(); }
    if (e.key === 'Escape') { e.preventDefault(); closeEditor(); }
  });
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ArrowRight') go(page.step + 1);
    else if (e.key === 'ArrowLeft') go(page.step - 1);
    else if (e.key === 'Home') go(0);
    else return;
    e.preventDefault();
  });
}

async function start() {
  wire();
  const q = new URLSearchParams(location.search);
  if (Number(q.get('lr')) > 0) page.lr = q.get('lr');
  $('lr').value = page.lr;
  await guarded(async () => {
    let data = await loadExample(EXAMPLE, page.lr);
    for (const item of (q.get('e') ?? '').split(',').filter(Boolean)) {
      const [ref, value] = parseEdit(item);
      data = await editValue(ref, value, page.lr);
      page.edits.set(editKey(ref), exact(value));
    }
    page.step = Math.max(0, (Number(q.get('step')) || 1) - 1);
    show(data);
    rehearseEdits(page.lr);
  });
  ready();
}

start();
