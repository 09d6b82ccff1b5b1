// The engine in this browser: the playground core (.NET on WebAssembly) in a module Web Worker (worker.js
// of the static site that `backprop site` writes). The same requests and answers as over HTTP; no server.
// If the worker dies, a fresh one takes over: it replays the example, the edits made since and a finished run's
// weights, and the page says so on its error line.

/** Largest upload, as the server's request limit (Backprop.Playground's Limits.MaxUploadBytes). */
const MAX_UPLOAD = 4 * 1024 * 1024;

let worker = null;
let ready = null;     // resolves when the current worker answers
let nextId = 1;
const pending = new Map(); // id → { resolve, reject, onSnapshot }
let journal = [];     // the calls that made the current state: a load or upload, then its edits
let trained = false;  // a run finished since: the next state holds its weights, which the journal records

function start() {
  const lock = `backprop-engine-${crypto.randomUUID()}`;
  const w = new Worker(new URL(`worker.js?lock=${lock}`, import.meta.url), { type: 'module' }); // beside this module: pages in folders (articles/) too
  worker = w;
  ready = new Promise((resolve, reject) => {
    w.addEventListener('message', (e) => {
      const m = e.data;
      if (m.ready) { resolve(); watch(w, lock); return; }
      if (m.fatal) { reject(new Error(m.fatal)); return; }
      answer(m);
    });
    w.addEventListener('error', (e) => { e.preventDefault(); reject(new Error(`the engine could not start: ${e.message ?? 'worker error'}`)); });
  });
  ready.catch(() => {});
}

/** Learns of the worker's end through the lock it holds while it lives. */
function watch(w, lock) {
  if (!navigator.locks) return;
  navigator.locks.request(lock, () => { if (worker === w) replace(); });
}

async function replace() {
  const lost = [...pending.values()];
  pending.clear();
  start();
  for (const p of lost) {
    if (p.onSnapshot) p.resolve({ error: 'the engine stopped during training: the run was lost' });
    else p.reject(new Error('the engine stopped while answering: try again'));
  }
  const replay = journal;
  journal = [];
  try {
    for (const c of replay) await send(c.op, c.query, c.body, true);
    notice('The engine (a Web Worker) stopped; a fresh one took over with the same example and edits.');
  } catch (e) {
    notice(`The engine (a Web Worker) stopped; a fresh one started but could not restore the example: ${e.message}`);
  }
}

function notice(text) {
  const line = document.querySelector('[data-testid="error"]');
  if (line) line.textContent = text;
}

function answer(m) {
  const p = pending.get(m.id);
  if (!p) return;
  if (m.event === 'start') return;
  if (m.event === 'snapshot') { p.onSnapshot(JSON.parse(m.body)); return; }
  pending.delete(m.id);
  if (m.event === 'done') { p.resolve(JSON.parse(m.body)); return; }
  let body = null;
  try { body = m.type.startsWith('application/json') && m.body ? JSON.parse(m.body, m.numbers ? withNumbers(m.numbers) : undefined) : m.body; } catch { body = null; }
  if (m.status !== 200) p.reject(new Error(body?.error ?? `${m.status}`));
  else p.resolve(p.raw ? { text: m.body, type: m.type } : body);
}

/**
 * Puts a state's matrices back: the worker sends their values as one Float64Array and each matrix in the JSON as
 * {"$f64": offset, "rows", "cols"} (a row: no "rows"), so the page gets the same arrays of numbers, bit for bit,
 * as over HTTP, without the engine formatting and this thread parsing some 28k numbers per edit of 2-64-64-2.
 */
function withNumbers(numbers) {
  const row = (at, n) => Array.from(numbers.subarray(at, at + n));
  return (key, v) => {
    if (v === null || typeof v !== 'object' || typeof v.$f64 !== 'number') return v;
    if (v.rows === undefined) return row(v.$f64, v.cols);
    const rows = new Array(v.rows);
    for (let i = 0; i < v.rows; i++) rows[i] = row(v.$f64 + i * v.cols, v.cols);
    return rows;
  };
}

const STATE_MAKERS = ['load', 'data', 'network'];

/** Tells the worker of a press or a key: a training run there holds back while the page answers it (see worker.js). */
const hold = () => worker?.postMessage({ op: 'hold' });

async function send(op, query, body, record, extra = {}) {
  if (!worker) {
    start();
    document.addEventListener('click', saveDownload);
    for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, hold, { capture: true, passive: true });
  }
  await ready;
  const result = await new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject, ...extra });
    worker.postMessage({ id, op, query, body });
  });
  if (record) {
    if (STATE_MAKERS.includes(op)) journal = [{ op, query, body }];
    else if (op === 'edit') journal.push({ op, query, body });
    else if (op === 'state' && trained) {
      // The latest run's weights replace an earlier run's (each sets every value); a diverged run's cannot be
      // replayed (an edit takes finite values only), and the network as loaded and edited comes back instead.
      const edits = parameters(result);
      journal = journal.filter((c) => !c.weights);
      if (edits.every((e) => Number.isFinite(e.value))) journal.push({ op: 'edit', query: '', body: JSON.stringify({ edits }), weights: true });
    }
    if (STATE_MAKERS.includes(op) || op === 'state') trained = false;
  }
  return result;
}

/** Every weight and bias of a state as edits: a replay sets a trained network's values on the network it started from. */
function parameters(state) {
  const edits = [];
  state.layers.forEach((l, k) => {
    l.weights.forEach((row, i) => row.forEach((value, j) => edits.push({ target: 'W', layer: k + 1, row: i + 1, col: j + 1, value })));
    l.bias.forEach((value, j) => edits.push({ target: 'B', layer: k + 1, row: 1, col: j + 1, value }));
  });
  return edits;
}

function split(path) {
  const q = path.indexOf('?');
  return q < 0 ? [path, ''] : [path.slice(0, q), path.slice(q + 1)];
}

/** The request the page would send to the server, answered by the worker. */
export async function api(path, options = {}) {
  const [op, query] = split(path);
  const body = options.body ?? '';
  // In UTF-8 bytes, as the server counts them (a character takes up to 3): measured only where it may be over.
  const bytes = typeof body === 'string' && 3 * body.length > MAX_UPLOAD ? new Blob([body]).size : 0;
  if (bytes > MAX_UPLOAD) throw new Error(`request body of ${bytes} bytes is over the limit of ${MAX_UPLOAD} bytes`);
  return send(op, query, body, true);
}

/** This tab's state lives in its worker: starting it is opening the session. */
export async function openSession() {
  await send('examples', '', '', false);
  return 'worker';
}

export const call = (path, options) => api(path, options);

/**
 * Rehearses edits in the worker while the page draws what it just loaded (see worker.js): no answer, nothing
 * changes; a request sent meanwhile waits for one rehearsal at most.
 */
export function rehearse(query = '') {
  ready?.then(() => worker.postMessage({ op: 'rehearse', query }), () => {});
}

/** Downloads are links the worker answers: `#download/FILE`, saved from a Blob when clicked. */
export const sessionUrl = (path) => `#${path}`;

function saveDownload(e) {
  const a = e.target instanceof Element ? e.target.closest('a[href^="#download/"]') : null;
  if (!a) return;
  e.preventDefault();
  const file = a.getAttribute('href').slice('#download/'.length);
  send(`download/${file}`, '', '', false, { raw: true }).then(({ text, type }) => {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const link = document.createElement('a');
    link.href = url;
    link.download = file;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }, (err) => notice(err.message));
}

/** Trains in the worker a slice at a time; `onSnapshot` gets each snapshot; answers {} or {"error"}. */
export async function train(query, onSnapshot, signal) {
  const stop = () => send('train/stop', '', '', false);
  signal?.addEventListener('abort', stop);
  try {
    const done = await send('train', String(query), '', false, { onSnapshot });
    if (!done.error) trained = true;
    return done;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
