// The page's one engine: every number it shows comes from these answers. Two transports, one contract
// (docs/serve.md): HTTP to `backprop serve`, or messages to the playground core in a Web Worker (the static
// site of `backprop site`, whose index.html says so in <meta name="backprop-engine" content="worker">).
// The rest of the page never knows which.
import * as http from './engine-http.js';
import * as worker from './engine-worker.js';

const engine = document.querySelector('meta[name="backprop-engine"]')?.content === 'worker' ? worker : http;

/** Answers with the parsed JSON, or throws an Error carrying the engine's one-line {"error"}. */
export const api = (path, options) => engine.api(path, options);

/** A fresh state for this tab. */
export const openSession = () => engine.openSession();

/** Where a download of the current state is found (a link the page sets on its download buttons). */
export const sessionUrl = (path) => engine.sessionUrl(path);

/** A call on this tab's state. */
export const call = (path, options) => engine.call(path, options);

/** Trains with the settings of `query` until done or `signal` aborts; each snapshot goes to `onSnapshot`. */
export const train = (query, onSnapshot, signal) => engine.train(query, onSnapshot, signal);

/**
 * After a load: lets the engine rehearse the edits to come (with `query` "lr=η", those of the first article's
 * descent) while the page draws, so that the first real edit is as quick as the later ones. Answers nothing.
 */
export const rehearse = (query) => engine.rehearse(query);

export const post = (body, type = 'application/json') => ({
  method: 'POST',
  headers: { 'Content-Type': type },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** Asks the tab's run to stop after its current batch (the run then sends its last snapshot and ends). */
export const stopTraining = () => call('train/stop', post({}));
