// Small drawing helpers the article pages share: numbers, names with sub- and superscripts, tables, charts.
// Nothing here computes a value of the network.

export const $ = (id) => document.getElementById(id);

/** For reading: 4 significant digits. For machines (data-value): the round-trip text of the double. */
export const short = (v) => (v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
export const exact = (v) => String(v);

const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹', SUB = '₀₁₂₃₄₅₆₇₈₉';
export const sup = (n) => String(n).replace(/\d/g, (d) => SUP[d]);
export const sub = (n) => String(n).replace(/\d/g, (d) => SUB[d]);
export const weightName = (layer, i, j) => `w${sup(layer)}${sub(i)}${sub(j)}`;

/** One colour per example of the batch, the engine diagrams' own (Palette.Examples): swatches and borders, never text. */
const EXAMPLES = ['#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#0072b2', '#000000', '#882255'];
export const exampleColour = (b) => EXAMPLES[b % EXAMPLES.length];

/** "#1" with its example's colour swatch beside it. */
export function exampleKey(b) {
  const swatch = el('span', { class: 'swatch' });
  swatch.style.background = exampleColour(b); // CSSOM: allowed by the CSP
  return el('span', { class: 'row-key' }, swatch, `#${b + 1}`);
}

/** An element with attributes (data-*, class, ...) and children (nodes or text). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

/** A table of a matrix; cell(i, j, v) may give the cell's content, else the number itself. */
export function matrixTable(caption, rows, cell, lit = false) {
  const table = el('table', { class: lit ? 'matrix lit' : 'matrix' });
  if (caption) table.createCaption().textContent = caption;
  rows.forEach((row, i) => {
    const tr = table.insertRow();
    row.forEach((v, j) => {
      const td = tr.insertCell();
      const content = cell ? cell(i, j, v) : null;
      if (content) td.append(content);
      else { td.textContent = short(v); td.title = exact(v); }
    });
  });
  return table;
}

/** Shows an error in the page's error line (or clears it). */
export function showError(message) {
  const box = $('error');
  if (box) box.textContent = message ?? '';
}

/** Runs an action; its error goes to the error line and the page keeps working. */
export async function guarded(action) {
  try {
    await action();
    showError('');
  } catch (e) {
    showError(e.message);
  }
}

/** Marks the page as drawn (the tests wait for this). */
export const ready = () => { document.body.dataset.ready = 'true'; };

/**
 * Puts an SVG drawn by the engine into a box, scaled so that its text is at least minText pixels: a wide
 * picture then scrolls inside its own box instead of the page.
 */
export function placeSvg(box, svgText, minText = 12.5) {
  box.innerHTML = svgText; // SVG written by the engine's diagram code, every name encoded
  const svg = box.querySelector('svg');
  if (!svg) return null;
  const vb = svg.viewBox.baseVal;
  const sizes = [...svg.querySelectorAll('text')].map((t) => Number.parseFloat(t.getAttribute('font-size') ?? getComputedStyle(t).fontSize)).filter((s) => s > 0);
  const smallest = sizes.length ? Math.min(...sizes) : minText;
  const width = vb && vb.width ? vb.width : svg.width.baseVal.value;
  const fit = box.clientWidth || width;
  const scale = Math.max(minText / smallest, Math.min(fit / width, 2.5));
  svg.setAttribute('width', String(Math.ceil(width * scale)));
  svg.setAttribute('height', String(Math.ceil((vb && vb.height ? vb.height : svg.height.baseVal.value) * scale)));
  return svg;
}

// ---- charts (SVG, presentation attributes only: the CSP allows no style attribute) ------------------

const NS = 'http://www.w3.org/2000/svg';
export function svgEl(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const pow10 = (e) => (e === 0 ? '1' : `10${e < 0 ? '⁻' : ''}${sup(Math.abs(e))}`);

/**
 * A chart of series over x = 1..n: series are { name, colour, values, dashed?, bars? }. log draws the y axis
 * in powers of ten (zeros and missing values are left out). Returns the SVG element.
 */
export function chart({ series, xLabel, yLabel, log = false, width = 760, height = 300, xTicks, yMax, percent = false }) {
  const m = { left: 72, right: 16, top: 16, bottom: 52 };
  const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', class: 'chart' });
  const all = series.flatMap((s) => s.values).filter((v) => v !== null && Number.isFinite(v) && (!log || v > 0));
  const n = Math.max(...series.map((s) => s.values.length));
  let lo = log ? Math.floor(Math.log10(Math.min(...all))) : 0;
  let hi = log ? Math.ceil(Math.log10(Math.max(...all))) : (yMax ?? (Math.max(...all, 0) * 1.1 || 1));
  if (log && lo === hi) { lo -= 1; hi += 1; }
  const px = (i) => m.left + ((i + 0.5) * (width - m.left - m.right)) / n;
  const py = (v) => {
    const t = log ? (Math.log10(v) - lo) / (hi - lo) : v / hi;
    return height - m.bottom - t * (height - m.top - m.bottom);
  };
  const axis = svgEl('g', { class: 'axis' });
  axis.append(svgEl('line', { x1: m.left, y1: height - m.bottom, x2: width - m.right, y2: height - m.bottom }));
  axis.append(svgEl('line', { x1: m.left, y1: m.top, x2: m.left, y2: height - m.bottom }));
  const yTicks = log ? Array.from({ length: hi - lo + 1 }, (_, k) => lo + k) : [0, 0.25, 0.5, 0.75, 1].map((f) => f * hi);
  const step = log ? Math.ceil(yTicks.length / 7) : 1;
  yTicks.forEach((t, k) => {
    if (k % step) return;
    const y = py(log ? 10 ** t : t);
    axis.append(svgEl('line', { x1: m.left, y1: y, x2: width - m.right, y2: y, class: 'grid' }));
    axis.append(svgEl('text', { x: m.left - 6, y: y + 4, 'text-anchor': 'end' }, log ? pow10(t) : percent ? `${Math.round(t * 100)}%` : short(t)));
  });
  for (let i = 0; i < n; i++) {
    if (n > 16 && i % Math.ceil(n / 16) && i !== n - 1) continue;
    axis.append(svgEl('text', { x: px(i), y: height - m.bottom + 18, 'text-anchor': 'middle' }, xTicks ? xTicks[i] : String(i + 1)));
  }
  axis.append(svgEl('text', { x: (m.left + width - m.right) / 2, y: height - 8, 'text-anchor': 'middle' }, xLabel));
  axis.append(svgEl('text', { x: 14, y: (m.top + height - m.bottom) / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${(m.top + height - m.bottom) / 2})` }, yLabel));
  svg.append(axis);
  const bars = series.filter((s) => s.bars);
  const slot = (width - m.left - m.right) / n;
  series.forEach((s) => {
    const g = svgEl('g', { class: 'series' });
    const points = s.values.map((v, i) => (v === null || !Number.isFinite(v) || (log && v <= 0) ? null : [px(i), py(v)]));
    if (s.bars) {
      const k = bars.indexOf(s), w = (slot * 0.8) / bars.length;
      points.forEach((p, i) => {
        if (!p) return;
        const x = m.left + i * slot + slot * 0.1 + k * w;
        g.append(svgEl('rect', { x, y: p[1], width: w - 1, height: height - m.bottom - p[1], fill: s.colour }));
      });
    } else {
      const d = points.map((p, i) => (p ? `${i === 0 || !points[i - 1] ? 'M' : 'L'}${p[0].toFixed(1)},${p[1].toFixed(1)}` : '')).join('');
      g.append(svgEl('path', { d, fill: 'none', stroke: s.colour, 'stroke-width': 2.5, 'stroke-dasharray': s.dashed ? '6 4' : 'none' }));
      points.forEach((p) => { if (p) g.append(svgEl('circle', { cx: p[0], cy: p[1], r: 4, fill: s.dashed ? 'white' : s.colour, stroke: s.colour, 'stroke-width': 2 })); });
    }
    svg.append(g);
  });
  return svg;
}

/** A legend for chart series, as HTML (wraps on narrow screens). */
export function legend(series) {
  return el('p', { class: 'legend' }, ...series.map((s) => {
    const key = el('span', { class: s.dashed ? 'key dashed' : 'key' });
    key.style.borderColor = s.colour; // CSSOM: allowed by the CSP
    if (!s.dashed) key.style.background = s.colour;
    return el('span', { class: 'item' }, key, s.name);
  }));
}

/** Scrolls a box that holds a wide picture sideways so that what is lit in it is in view (the page does not move). */
export function scrollToLit(box) {
  const lit = [...box.querySelectorAll('.lit')].map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0);
  if (!lit.length || box.scrollWidth <= box.clientWidth) return;
  const origin = box.getBoundingClientRect().left - box.scrollLeft;
  const centre = (Math.min(...lit.map((r) => r.left)) + Math.max(...lit.map((r) => r.right))) / 2 - origin;
  box.scrollLeft = Math.max(0, centre - box.clientWidth / 2);
}
