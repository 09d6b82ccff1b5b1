// Numbers for reading (4 significant digits) and for machines (round-trip, in data-value).
export const short = (v) => (v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
export const exact = (v) => String(v);

const SUP = { 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
const SUB = { 0: '₀', 1: '₁', 2: '₂', 3: '₃', 4: '₄', 5: '₅', 6: '₆', 7: '₇', 8: '₈', 9: '₉' };
export const sup = (n) => String(n).split('').map((c) => SUP[c]).join('');
export const sub = (n) => String(n).split('').map((c) => SUB[c]).join('');

/** The first article's colour of example b in a batch of n: light coral to dark red, as the diagrams draw it. */
export function exampleColour(b, n) {
  const t = n <= 1 ? 1 : b / (n - 1);
  const r = Math.round(240 + (139 - 240) * t), g = Math.round(128 * (1 - t));
  return `rgb(${r}, ${g}, ${g})`;
}

/** A table of a matrix (its first maxRows rows); cell(i, j, td) may fill a cell itself. */
export function matrixTable(caption, rows, cell, maxRows = Infinity) {
  const table = document.createElement('table');
  table.className = 'matrix';
  if (caption) table.createCaption().textContent = caption + (rows.length > maxRows ? `, first ${maxRows} rows` : '');
  rows.slice(0, maxRows).forEach((row, i) => {
    const tr = table.insertRow();
    row.forEach((v, j) => {
      const td = tr.insertCell();
      if (cell) cell(i, j, td, v);
      else { td.textContent = short(v); td.title = exact(v); }
    });
  });
  return table;
}
