// The engine over HTTP: `backprop serve` answers each request (docs/serve.md), training streams as Server-Sent Events.
let session = null;

/** Answers with the parsed JSON, or throws an Error carrying the server's one-line {"error"}. */
export async function api(path, options = {}) {
  const response = await fetch(`/api/${path}`, options);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok) throw new Error(body?.error ?? `${response.status} ${response.statusText}`);
  return body;
}

/** A fresh state for this tab. */
export async function openSession() {
  session = (await api('sessions', { method: 'POST' })).id;
  return session;
}

const sessionPath = (path) => `s/${session}/${path}`;

/** Where a download of the current state is fetched from. */
export const sessionUrl = (path) => `/api/${sessionPath(path)}`;

/** A call on this tab's state. */
export const call = (path, options) => api(sessionPath(path), options);

/** Nothing to rehearse: the server's JIT compiles a method on its first call in a millisecond or so (see worker.js). */
export function rehearse() {}

/**
 * Trains with the settings of `query`: `onSnapshot` gets each snapshot; answers the `done` event's body
 * ({} or {"error"}). Aborting `signal` closes the stream, which ends the run.
 */
export async function train(query, onSnapshot, signal) {
  // fetch rather than EventSource: it reads the {"error"} of a refused start, and aborting it ends the run.
  const response = await fetch(sessionUrl(`train?${query}`), { signal });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.error ?? `${response.status} ${response.statusText}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let done = {};
  for (;;) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const chunk = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message', data = '';
      for (const line of chunk.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      const body = JSON.parse(data || '{}');
      if (name === 'done') done = body;
      else onSnapshot(body);
    }
  }
  return done;
}
