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
