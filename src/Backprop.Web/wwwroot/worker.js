// The engine of the static site: the playground core (.NET on WebAssembly, Backprop.Web's Engine) in this
// module worker, so the page's main thread only draws. Messages: {id, op, query, body} in; {id, status,
// type, body} out, or for a training run {id, event: 'snapshot' | 'done', body}.
import { dotnet } from './_framework/dotnet.js';

// Listen before the runtime starts and queue what arrives: setting onmessage before dotnet.create() blocks
// its loading (dotnet/runtime#114918).
const queue = [];
let handle = (message) => queue.push(message);
self.addEventListener('message', (e) => handle(e.data));

const JSON_TYPE = 'application/json; charset=utf-8';
let engine = null;
let run = null; // the training run: { id, stop }

// Held as long as this worker lives: the page learns of its end (crash, out of memory, closed) when it is released.
const lock = new URL(self.location.href).searchParams.get('lock');
if (lock && self.navigator.locks) self.navigator.locks.request(lock, () => new Promise(() => {}));

/**
 * The answer of the core: "status\ntype\nbody", and for a state the values of its matrices, which its JSON
 * holds as {"$f64": offset, "rows", "cols"} (engine-worker.js puts them back before the page sees it).
 */
function call(op, query = '', body = '') {
  const text = engine.Call(op, query, body);
  const a = text.indexOf('\n');
  const b = text.indexOf('\n', a + 1);
  const answer = { status: Number(text.slice(0, a)), type: text.slice(a + 1, b), body: text.slice(b + 1) };
  const numbers = engine.Numbers();
  if (numbers.length > 0) answer.numbers = Float64Array.from(numbers);
  return answer;
}

/** Posts an answer; its numbers' buffer moves to the page rather than being copied. */
function post(message) {
  self.postMessage(message, message.numbers ? [message.numbers.buffer] : []);
}

function dispatch(m) {
  if (m.op === 'hold') { heldSince = performance.now(); return; }
  if (m.op === 'rehearse') { rehearse(m.query); return; }
  if (m.op === 'train') { train(m); return; }
  if (m.op === 'train/stop') {
    if (run) run.stop = true;
    self.postMessage({ id: m.id, status: 200, type: JSON_TYPE, body: '{}' });
    return;
  }
  post({ id: m.id, ...call(m.op, m.query, m.body) });
  if (!m.op.startsWith('train/')) heldSince = performance.now();
}

// The page's presses come first. After a press or a key in the page ("hold", sent by engine-worker.js) and
// after an answer the page draws (an edit, a state, paths), a training run holds back for a moment, so that
// the page draws with the machine's cores to itself rather than sharing one with the run: on two cores, edits
// of 2-64-64-2 while training took 85-125 ms to show, and a step's 25 ms of work at times 60 ms. It costs
// the run a few epochs per press at most.
const HOLD_MS = 100;
let heldSince = -Infinity;
const held = () => heldSince + HOLD_MS - performance.now();

// Edits rehearsed after a load (Engine's "rehearse": an edit on a copy, thrown away), each a background task
// of its own: the page's first edits then find the interpreter's traces made (80 ms in the worker for the
// first edit of 2-64-64-2, 25 ms for the third).
const REHEARSALS = 3;

async function rehearse(query) {
  for (let i = 0; i < REHEARSALS; i++) {
    await turn();
    if (call('rehearse', query).status !== 200) return; // nothing loaded, or nothing to edit: nothing to warm
  }
}

// A zero-delay turn of the event loop (setTimeout is clamped to 4 ms): lets messages in between two slices.
// Where the browser has task priorities (Chrome), the next slice is a background task: the page's messages
// (an edit, a step) go before it.
// Without task priorities, a message to ourselves: one per waiting turn, answered in order (a run and the
// rehearsals may both be waiting for one).
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const turn = self.scheduler?.postTask
  ? () => self.scheduler.postTask(() => {}, { priority: 'background' })
  : () => new Promise((resolve) => { waiting.push(resolve); channel.port2.postMessage(null); });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function train(m) {
  if (run) run.stop = true; // one run at a time, as the server keeps it
  while (run) await turn();
  const started = call('train', m.query);
  if (started.status !== 200) { post({ id: m.id, ...started }); return; }
  const mine = { id: m.id, stop: false };
  run = mine;
  self.postMessage({ id: m.id, event: 'start' });
  let error = null;
  try {
    for (;;) {
      for (let pause = held(); pause > 0 && !mine.stop; pause = held()) await sleep(pause);
      if (mine.stop) call('train/stop');
      const step = call('train/step');
      if (step.status !== 200) { error = JSON.parse(step.body).error; break; }
      const { over, wait, snapshot } = JSON.parse(step.body);
      if (snapshot) self.postMessage({ id: m.id, event: 'snapshot', body: JSON.stringify(snapshot) });
      if (over) break;
      // The run's pace: wait out the rest of the epoch's time (messages are read meanwhile), else one turn.
      if (wait > 0) await sleep(wait);
      else await turn();
    }
  } finally {
    const finished = call('train/finish');
    if (!error && finished.status !== 200) error = JSON.parse(finished.body).error;
    run = null;
    self.postMessage({ id: m.id, event: 'done', body: JSON.stringify(error ? { error } : {}) });
  }
}

// Last, once every declaration above is made: the queued messages are dispatched as soon as the runtime is up.
try {
  const runtime = await dotnet.create();
  const exports = await runtime.getAssemblyExports(runtime.getConfig().mainAssemblyName);
  engine = exports.Backprop.Web.Engine;
  handle = dispatch;
  self.postMessage({ ready: true });
  for (const message of queue.splice(0)) dispatch(message);
} catch (e) {
  self.postMessage({ fatal: `the engine could not start: ${e?.message ?? e}` });
}
