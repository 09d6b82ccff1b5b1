// Both sides train in a Web Worker, so neither shares its thread with the page.

/** Ours: the site's worker.js (the playground core, .NET WebAssembly), spoken to as engine-worker.js does. */
function startEngine() {
  const w = new Worker('worker.js', { type: 'module' });
  const pending = new Map();
  let nextId = 1;
  const ready = new Promise((resolve, reject) => {
    w.addEventListener('message', (e) => {
      const m = e.data;
      if (m.ready) { resolve(); return; }
      if (m.fatal) { reject(new Error(m.fatal)); return; }
      const p = pending.get(m.id);
      if (!p || m.event === 'start' || m.event === 'snapshot') return;
      pending.delete(m.id);
      if (m.event === 'done') p(JSON.parse(m.body)); else p(m);
    });
  });
  const call = async (op, query = '', body = '') => {
    await ready;
    return new Promise((resolve) => { const id = nextId++; pending.set(id, resolve); w.postMessage({ id, op, query, body }); });
  };
  return { call };
}

let engine = null;

/** Trains the spirals example on `layers` (e.g. "64-64") in the site's engine; the trainer's own clock and the run's. */
async function ours(layers, epochs) {
  engine ??= startEngine();
  const loaded = await engine.call('load', '', JSON.stringify({ example: 'spirals', layers, seed: 1 }));
  if (loaded.status !== 200) throw new Error(`load: ${loaded.body}`);
  const t0 = performance.now();
  const done = await engine.call('train', `optimizer=adam&lr=0.01&batch=32&epochs=${epochs}&seed=1`);
  const wall = (performance.now() - t0) / 1000;
  if (done.error || done.status) throw new Error(`train: ${done.error ?? done.body}`);
  const history = await engine.call('download/history.csv');
  const rows = history.body.trim().split('\n').slice(1).map((l) => l.split(','));
  const seconds = rows.reduce((s, r) => s + Number(r[5]), 0);
  return { epochs: rows.length, seconds, wall, loss: Number(rows.at(-1)[1]) };
}

/** TensorFlow.js on one backend, in tfjs-worker.js; the same data, network and settings. */
function tfjs(backend, hidden, epochs, x, y) {
  return new Promise((resolve) => {
    const w = new Worker('tfjs-worker.js');
    w.onmessage = (e) => { w.terminate(); resolve(e.data); };
    w.onerror = (e) => { e.preventDefault(); w.terminate(); resolve({ error: e.message ?? 'worker error' }); };
    w.postMessage({ backend, hidden, epochs, batch: 32, lr: 0.01, x, y, classes: 2 });
  });
}

window.speed = { ours, tfjs };
document.body.dataset.ready = 'true';
