// Article 2, "Sums over paths": the article's linear networks; a click on a weight lists the engine's paths to it,
// each product, and their sum beside the matrix gradient. The page only draws what the engine answers.
import { loadExample, pathsOf, playgroundLink } from './engine-calls.js';
import { $, el, exact, exampleColour, guarded, matrixTable, placeSvg, ready, short, sup, weightName } from './draw.js';

const page = { data: null, example: 'linear-2-2-2', selected: null };
/** The playground lists the articles' examples by their article names. */
const articleName = (example) => example.replace(/^linear-/, 'article2-');

async function choose(example, weight) {
  page.example = example;
  page.selected = null;
  page.data = await loadExample(example);
  $('loss').textContent = short(page.data.loss);
  $('loss').dataset.value = exact(page.data.loss);
  renderWeights();
  placeSvg($('diagram'), page.data.svg_forward);
  $('sum').textContent = 'Click a weight to see its paths.';
  $('paths').replaceChildren();
  $('engine-count').textContent = '';
  const [L, i, j] = weight ?? [1, 1, 1];
  if (page.data.layers[L - 1]?.weights[i - 1]?.[j - 1] !== undefined) await select(L, i, j);
  saveUrl();
}

function renderWeights() {
  const box = $('weights');
  box.replaceChildren();
  page.data.layers.forEach((layer, k) => {
    const L = k + 1;
    box.append(matrixTable(`W${sup(L)}`, layer.weights, (i, j, v) => {
      const b = el('button', {
        type: 'button', class: 'value', 'data-testid': `w-${L}-${i + 1}-${j + 1}`, 'data-value': exact(v), 'data-grad': exact(layer.weights_grad[i][j]),
        title: `${weightName(L, i + 1, j + 1)} = ${exact(v)}, gradient ${exact(layer.weights_grad[i][j])}`,
      }, short(v), el('span', { class: 'grad' }, `∂E: ${short(layer.weights_grad[i][j])}`));
      b.addEventListener('click', () => guarded(() => select(L, i + 1, j + 1)));
      return b;
    }));
  });
}

async function select(L, i, j) {
  const p = await pathsOf(L, i, j);
  page.selected = [L, i, j];
  for (const b of document.querySelectorAll('#weights .value')) b.classList.toggle('selected', b.dataset.testid === `w-${L}-${i}-${j}`);
  const list = $('paths');
  list.replaceChildren(...p.listed.map((path) => {
    const product = el('strong', { 'data-testid': 'path', 'data-value': exact(path.product) }, short(path.product));
    const item = el('li', {}, `${path.factors.map((f) => `${f.symbol} (${short(f.value)})`).join(' · ')} = `, product);
    if (page.data.batch > 1) item.style.borderLeft = `4px solid ${exampleColour(path.example - 1)}`;
    return item;
  }));
  const count = p.listed.length === 1 ? 'the one path' : `all ${p.count} paths`;
  $('sum').replaceChildren(`${weightName(L, i, j)}: Σ over ${count} = `,
    el('span', { 'data-testid': 'path-total', 'data-weight': `${L}:${i}:${j}`, 'data-value': exact(p.total), title: exact(p.total) }, short(p.total)),
    '; the matrix form gives ∂E/∂W = ',
    el('span', { 'data-testid': 'path-matrix', 'data-value': exact(p.matrix_value), title: exact(p.matrix_value) }, short(p.matrix_value)),
    p.total === p.matrix_value ? ' (equal)' : ` (equal up to rounding: ${short(Math.abs(p.total - p.matrix_value))})`);
  placeSvg($('diagram'), p.svg);
  $('engine-count').textContent = `${p.count} path${p.count === '1' ? '' : 's'} into ${weightName(L, i, j)} of ${page.data.sizes.join('-')}`;
  saveUrl();
}

/** Figure 2: n^d for a few depths — counting, to show the growth; the gradients themselves are the engine's. */
function renderGrowth() {
  const n = Math.max(1, Math.min(1000, Math.round(Number($('growth-width').value) || 2)));
  const table = $('growth');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  head.append(el('th', {}, 'layers above the weight'), ...[1, 2, 3, 5, 10, 20].map((d) => el('th', {}, String(d))));
  const row = table.createTBody().insertRow();
  row.append(el('th', {}, `paths (width ${n})`), ...[1, 2, 3, 5, 10, 20].map((d) => el('td', {}, (n ** d).toLocaleString('en', { maximumSignificantDigits: 4 }))));
}

function saveUrl() {
  const q = new URLSearchParams({ example: page.example });
  if (page.selected) q.set('weight', page.selected.join(':'));
  history.replaceState(null, '', `?${q}`.replace(/%3A/g, ':'));
  $('open-playground').href = playgroundLink({ example: articleName(page.example), weight: page.selected?.join(':') });
}

async function start() {
  const q = new URLSearchParams(location.search);
  const options = [...$('example').options].map((o) => o.value);
  const example = options.includes(q.get('example')) ? q.get('example') : page.example;
  $('example').value = example;
  const weight = /^\d+:\d+:\d+$/.test(q.get('weight') ?? '') ? q.get('weight').split(':').map(Number) : null;
  $('example').addEventListener('change', () => guarded(() => choose($('example').value)));
  $('growth-width').addEventListener('input', renderGrowth);
  renderGrowth();
  await guarded(() => choose(example, weight));
  ready();
}

start();
