// Article 3, "Four diagrams, and why it matters": the node pictures of relu-3-4-2 and the four studies of
// `backprop analyze`, each figure redrawn from the engine's answer whenever a control changes.
import { loadExample, nodePicture, playgroundLink, study } from './engine-calls.js';
import { $, chart, el, guarded, legend, placeSvg, ready, short } from './draw.js';

const SCHEMES = { naive: '#6d6d78', xavier: '#0072b2', he: '#d55e00' };

/**
 * Runs a figure's study when its controls change: number fields wait until typing pauses, and an answer that
 * arrives after a newer request was sent is dropped, so the figure always shows the latest settings.
 */
function figure(controls, status, draw) {
  let latest = 0, timer = null;
  const run = () => guarded(async () => {
    const mine = ++latest;
    $(status).textContent = 'computing…';
    const started = performance.now();
    try {
      const done = await draw(() => mine === latest);
      if (done !== false && mine === latest) $(status).textContent = `computed in ${Math.round(performance.now() - started)} ms`;
    } catch (e) {
      if (mine === latest) $(status).textContent = '';
      throw e;
    }
  });
  for (const id of controls) {
    const control = $(id);
    control.addEventListener('change', () => { clearTimeout(timer); run(); });
    if (control.type === 'number') control.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 300); });
  }
  return run;
}

const value = (id) => $(id).value.trim();

// ---- one node -------------------------------------------------------------------------------------

async function drawNode() {
  const [layer, unit] = value('node').split(':');
  placeSvg($('node-forward'), await nodePicture(layer, unit, 'forward'));
  placeSvg($('node-backward'), await nodePicture(layer, unit, 'backward'));
  $('open-playground').href = playgroundLink({ example: 'article3', step: 1 });
}

// ---- vanishing gradients --------------------------------------------------------------------------

const EPOCHS = 5; // `analyze gradients`' default
const drawVanishing = figure(['depth', 'activation', 'init'], 'vanishing-status', async (current) => {
  const settings = { depth: value('depth'), activation: value('activation'), init: value('init'), epochs: String(EPOCHS) };
  const answer = await study('gradients', settings);
  if (!current()) return false;
  const first = answer.epochs[0], last = answer.epochs[answer.epochs.length - 1];
  const norms = first.layers.map((l) => l.weight_gradient_norm);
  const series = [
    { name: 'at initialization', colour: '#0072b2', values: norms },
    { name: `after ${last.epoch} epochs`, colour: '#d55e00', values: last.layers.map((l) => l.weight_gradient_norm), dashed: true },
  ];
  $('vanishing-chart').replaceChildren(chart({ series, xLabel: 'layer k (1 = input layer)', yLabel: '‖∂E/∂Wᵏ‖', log: true }), legend(series));
  const out = $('grad-norms');
  out.dataset.value = JSON.stringify(norms);
  out.dataset.settings = JSON.stringify(settings);
  out.textContent = `At initialization, layer 1 gets ${short(norms[0] / norms[norms.length - 1])} of the last layer's gradient norm `
    + `(‖∂E/∂W¹‖ = ${short(norms[0])}, ‖∂E/∂W${sup(norms.length)}‖ = ${short(norms[norms.length - 1])}); loss ${short(first.train_loss)} → ${short(last.train_loss)} after ${last.epoch} epochs.`;
  return true;
});
const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const sup = (n) => String(n).replace(/\d/g, (d) => SUP[d]);

// ---- Xavier and He --------------------------------------------------------------------------------

const drawInit = figure(['init-depth', 'init-activation'], 'init-status', async (current) => {
  // The variances alone (losses=0): the training set's loss, which this figure does not show, would double the work.
  const answer = await study('init', { depth: value('init-depth'), activation: value('init-activation'), epochs: '0', losses: '0' });
  if (!current()) return false;
  const part = (measured, theory) => answer.schemes.flatMap((s) => [
    { name: `${s.scheme} measured`, colour: SCHEMES[s.scheme], values: s.layers.map((l) => l[measured]) },
    { name: `${s.scheme} theory`, colour: SCHEMES[s.scheme], values: s.layers.map((l) => l[theory]), dashed: true },
  ]);
  const forward = part('forward_measured', 'forward_theory'), backward = part('backward_measured', 'backward_theory');
  $('init-forward').replaceChildren(chart({ series: forward, xLabel: 'layer k', yLabel: 'E[(Lᵏ)²]', log: true, height: 260 }), legend(forward));
  $('init-backward').replaceChildren(chart({ series: backward, xLabel: 'layer k', yLabel: 'E[(∂E/∂Hᵏ⁻¹)²]', log: true, height: 260 }));
  const box = $('init-figure');
  box.dataset.value = JSON.stringify(answer.schemes.map((x) => ({ scheme: x.scheme, layers: x.layers })));
  box.dataset.settings = JSON.stringify({ depth: value('init-depth'), activation: value('init-activation') });
  return true;
});

// ---- memory ---------------------------------------------------------------------------------------

const PARTS = [
  ['parameters', 'parameters W, B', '#0072b2'], ['gradients', 'gradients ∂E/∂W, ∂E/∂B', '#56b4e9'], ['optimizer_state', 'optimizer state', '#009e73'],
  ['batch', 'the batch X, T', '#e69f00'], ['activations', 'activations kept (L, H)', '#d55e00'], ['temporaries', 'backward temporaries (σ′, Δ, …)', '#cc79a7'],
];
const bytes = (n) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

const drawMemory = figure(['mem-depth', 'mem-width', 'mem-batch', 'mem-optimizer', 'mem-precision'], 'memory-status', async (current) => {
  const answer = await study('memory', {
    depth: value('mem-depth'), width: value('mem-width'), batch: value('mem-batch'), optimizer: value('mem-optimizer'), precision: value('mem-precision'),
  });
  if (!current()) return false;
  const p = answer.predicted;
  const table = el('table', { class: 'matrix memory', 'data-testid': 'memory-parts', 'data-value': JSON.stringify(p), 'data-batch': String(answer.batch) });
  table.createCaption().textContent = `${answer.sizes.join('-')}, batch ${answer.batch}, ${answer.optimizer}, ${answer.precision}: ${bytes(p.total)} in all`;
  for (const [key, name, colour] of PARTS) {
    const row = table.insertRow();
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = colour;
    row.append(el('td', {}, swatch, name), el('td', {}, bytes(p[key])), el('td', {}, `${((100 * p[key]) / p.total).toFixed(1)}%`));
    const bar = el('span', { class: 'bar' });
    bar.style.width = `${(100 * p[key]) / p.total}%`;
    bar.style.background = colour;
    row.insertCell().append(bar);
  }
  $('memory-parts').replaceChildren(table);
  const series = [{ name: 'total', colour: '#0072b2', values: answer.by_batch.map((b) => b.total), bars: true }];
  const svg = chart({ series, xLabel: 'batch size', yLabel: 'bytes', log: true, height: 240, xTicks: answer.by_batch.map((b) => String(b.batch)) });
  $('memory-batch').replaceChildren(svg);
  return true;
});

// ---- loss scaling ---------------------------------------------------------------------------------

const drawScaling = figure(['ls-depth', 'ls-activation', 'ls-scale'], 'scaling-status', async (current) => {
  const answer = await study('loss-scaling', { depth: value('ls-depth'), activation: value('ls-activation'), scale: value('ls-scale') });
  if (!current()) return false;
  const series = [
    { name: `${answer.format}, no scaling`, colour: '#d55e00', values: answer.layers.map((l) => l.weight_gradient_unscaled), bars: true },
    { name: `${answer.format}, loss scaled by ${answer.scale}`, colour: '#0072b2', values: answer.layers.map((l) => l.weight_gradient_scaled), bars: true },
  ];
  $('scaling-chart').replaceChildren(chart({ series, xLabel: 'layer k', yLabel: '∂E/∂Wᵏ values lost', yMax: 1, percent: true, height: 260 }), legend(series));
  $('scaling-chart').dataset.value = JSON.stringify(answer.layers);
  $('scaling-chart').dataset.settings = JSON.stringify({ depth: value('ls-depth'), activation: value('ls-activation'), scale: value('ls-scale') });
  return true;
});

/**
 * Runs each study once its figure comes near the window (its controls run it again whenever they change): the
 * one worker answers one request at a time, and the studies together take about 0.6 s in a browser's engine, so
 * computing every figure up front kept the page busy. The page is ready once the figures in view at the start
 * are drawn.
 */
function whenNear(figures) {
  const pending = new Map(figures.map(([id, draw]) => [$(id), draw]));
  const firstDrawn = [];
  return new Promise((resolve) => {
    let first = true;
    const near = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (!e.isIntersecting || !pending.has(e.target)) continue;
        const draw = pending.get(e.target);
        pending.delete(e.target);
        near.unobserve(e.target);
        const drawn = draw();
        if (first) firstDrawn.push(drawn);
      }
      if (first) {
        first = false; // the first callback reports every figure, in view or not
        Promise.all(firstDrawn).then(resolve);
      }
    }, { rootMargin: '200px 0px' });
    for (const el of pending.keys()) near.observe(el);
  });
}

async function start() {
  $('node').addEventListener('change', () => guarded(drawNode));
  await guarded(async () => {
    await loadExample('relu-3-4-2');
    await drawNode();
  });
  await whenNear([['fig-vanishing', drawVanishing], ['fig-init', drawInit], ['fig-memory', drawMemory], ['fig-scaling', drawScaling]]);
  ready();
}

start();
