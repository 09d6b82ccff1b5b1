// Every request the article pages make to the engine, in this one file. Today they go through the
// playground's HTTP module (../api.js); when the engine also runs in a Web Worker, only this file changes.
// The pages compute nothing themselves: every number they show comes back from here.
import { api, call, openSession, post, rehearse } from '../api.js';

let opened = null;
let queue = Promise.resolve();

/** One request at a time per page, in order: an edit's answer never arrives after the next edit's. */
function inOrder(work) {
  const next = queue.then(async () => {
    opened ??= openSession();
    await opened;
    return work();
  });
  queue = next.catch(() => {});
  return next;
}

/** The walk of an example: its state, with the update and the next forward pass when lr is given. */
const walk = (lr) => (lr ? call(`descent?lr=${encodeURIComponent(lr)}`) : call('state'));

/** Loads a built-in example (article1, linear-2-2-2, relu-3-4-2, ...) and answers its state. */
export const loadExample = (name, lr) => inOrder(async () => {
  await call('load', post({ example: name }));
  return walk(lr);
});

/** Lets the engine rehearse this page's edits (with lr, their descent) while the page draws: the first is then quick. */
export const rehearseEdits = (lr) => rehearse(lr ? `lr=${encodeURIComponent(lr)}` : '');

/** Sets one value ({ target: 'W'|'B'|'X'|'T', layer, row, col }) and answers the new state (with lr, its descent: one request). */
export const editValue = (ref, value, lr) => inOrder(() =>
  call(lr ? `edit?lr=${encodeURIComponent(lr)}` : 'edit', post({ target: ref.target, layer: ref.layer, row: ref.row, col: ref.col, value })));

/** The path sums of weight L:i:j of the loaded example (each path's factors and product, their total, the matrix value). */
export const pathsOf = (layer, row, col) => inOrder(() => call(`paths?weight=${layer}:${row}:${col}`));

/** The third article's picture of one node of the loaded example, as SVG text. */
export const nodePicture = (layer, unit, direction) => inOrder(async () => (await call(`node?layer=${layer}&unit=${unit}&direction=${direction}`)).svg);

/** One of the `backprop analyze` studies (gradients, init, memory, loss-scaling) with the given settings. */
export const study = (name, settings) => api(`analyze/${name}?${new URLSearchParams(settings)}`);

/** Where "open this in the playground" goes: the same example, step, selected weight and edits. */
export function playgroundLink({ example, step, weight, edits = [] }) {
  const q = [`example=${encodeURIComponent(example)}`];
  if (step) q.push(`step=${step}`);
  q.push('view=walk');
  if (weight) q.push(`weight=${weight}`);
  if (edits.length) q.push(`e=${edits.map((e) => encodeURIComponent(e).replace(/%3A/gi, ':')).join(',')}`); // as the playground writes it
  return `../index.html?${q.join('&')}`;
}
