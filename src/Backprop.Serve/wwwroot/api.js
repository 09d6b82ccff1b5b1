// Talking to the server: every number the page shows comes from these answers.
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

export const sessionPath = (path) => `s/${session}/${path}`;
export const sessionUrl = (path) => `/api/${sessionPath(path)}`;

/** A call on this tab's state. */
export const call = (path, options) => api(sessionPath(path), options);

export const post = (body, type = 'application/json') => ({
  method: 'POST',
  headers: { 'Content-Type': type },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/**
 * Trains the tab's network (GET s/{id}/train?query, Server-Sent Events): calls onSnapshot(snapshot) for each
 * snapshot and answers with the `done` event's body once the run is over. Aborting `signal` ends the run.
 * fetch rather than EventSource: it reads the {"error"} of a refused start.
 */
export async function train(query, onSnapshot, signal) {
  const response = await fetch(sessionUrl(`train?${query}`), { signal });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.error ?? `${response.status} ${response.statusText}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '', done = null;
  for (;;) {
    const { value, done: end } = await reader.read();
    if (end) break;
    buffer += value;
    let at;
    while ((at = buffer.indexOf('\n\n')) >= 0) {
      const chunk = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
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
  return done ?? {};
}

/** Asks the tab's run to stop after its current batch (the stream then sends its last snapshot and ends). */
export const stopTraining = () => call('train/stop', post({}));
