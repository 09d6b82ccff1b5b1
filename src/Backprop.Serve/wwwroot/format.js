// Numbers for reading (4 significant digits) and for machines (round-trip, in data-value).
export const short = (v) => (v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
export const exact = (v) => String(v);

const SUP = { 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
const SUB = { 0: '₀', 1: '₁', 2: '₂', 3: '₃', 4: '₄', 5: '₅', 6: '₆', 7: '₇', 8: '₈', 9: '₉' };
export const sup = (n) => String(n).split('').map((c) => SUP[c]).join('');
export const sub = (n) => String(n).split('').map((c) => SUB[c]).join('');

/**
 * The colour of example b (0-based) of the batch, the engine's diagram palette (Okabe-Ito, colour-blind safe):
 * one colour per example everywhere. Shown as a swatch beside text in the ink colour (the text keeps its 4.5:1
 * contrast; several of these colours have less as text on white).
 */
export const EXAMPLE_COLOURS = ['#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#0072b2', '#000000', '#882255'];
export const exampleColour = (b) => EXAMPLE_COLOURS[b % EXAMPLE_COLOURS.length];

/** A small square of example b's colour (CSSOM, allowed by the CSP), before its name. */
export function swatch(b) {
  const s = document.createElement('span');
  s.className = 'swatch';
  s.style.backgroundColor = exampleColour(b);
  s.setAttribute('aria-hidden', 'true');
  return s;
}

/** Singular or plural: plural(1, 'path') is '1 path', plural(2, 'path') '2 paths'. */
export const plural = (n, word) => `${n} ${word}${String(n) === '1' ? '' : 's'}`; // n may be a string (a path count can pass 2⁵³)
