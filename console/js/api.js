// The console's only way to the server: the public REST API, with the API key (when the server
// asks for one) kept in this tab's sessionStorage.

const KEY_STORAGE = 'durable-pipelines.apiKey';

/** An RFC 7807 problem the API answered with. */
export class Problem extends Error {
  constructor(status, body) {
    super(body.detail || body.title || `HTTP ${status}`);
    this.status = status;
    this.title = body.title || `HTTP ${status}`;
    this.errors = Array.isArray(body.errors) ? body.errors : [];
  }
}

export async function problemOf(res) {
  const type = res.headers.get('content-type') || '';
  const body = type.includes('json') ? await res.json().catch(() => ({})) : { detail: await res.text().catch(() => '') };
  return new Problem(res.status, { title: res.statusText, ...body });
}

export const storedKey = () => sessionStorage.getItem(KEY_STORAGE);

export function forgetKey() {
  sessionStorage.removeItem(KEY_STORAGE);
  updateKeyButton();
}

function updateKeyButton() {
  const button = document.getElementById('forget-key');
  if (button) button.hidden = !storedKey();
}

let asking;

/** Shows the key dialog once for however many requests were refused; resolves when a key is entered. */
function askForKey(rejected) {
  asking ??= new Promise((resolve) => {
    const dialog = document.getElementById('api-key-dialog');
    const form = document.getElementById('api-key-form');
    const input = document.getElementById('api-key-input');
    const error = document.getElementById('api-key-error');
    error.hidden = !rejected;
    error.textContent = rejected ? 'That key was not accepted. Try another.' : '';
    input.setAttribute('aria-invalid', rejected ? 'true' : 'false');
    if (rejected) input.setAttribute('aria-describedby', 'api-key-error');
    input.value = '';
    form.addEventListener(
      'submit',
      () => {
        sessionStorage.setItem(KEY_STORAGE, input.value.trim());
        updateKeyButton();
        asking = undefined;
        resolve();
      },
      { once: true },
    );
    // Nothing works without a key: Escape does not dismiss the question.
    dialog.addEventListener('cancel', (event) => event.preventDefault(), { once: true });
    dialog.showModal();
    input.focus();
  });
  return asking;
}

/**
 * `fetch` against the API. `json` sends a JSON body, `form` a FormData; `idempotencyKey` sets the
 * Idempotency-Key header. A 401 asks for the API key and sends the request again.
 */
export async function api(path, { method = 'GET', json, form, accept, idempotencyKey, signal } = {}) {
  for (;;) {
    const headers = new Headers();
    const key = storedKey();
    if (key) headers.set('authorization', `Bearer ${key}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    if (accept) headers.set('accept', accept);
    if (idempotencyKey) headers.set('idempotency-key', idempotencyKey);
    const res = await fetch(path, { method, headers, body: json !== undefined ? JSON.stringify(json) : form, signal });
    if (res.status !== 401) return res;
    await askForKey(Boolean(key));
  }
}

/** The JSON answer, or a thrown Problem. */
export async function getJson(path, options) {
  const res = await api(path, options);
  if (!res.ok) throw await problemOf(res);
  return res.json();
}

/** GET that answers `undefined` on 404 instead of throwing (optional endpoints, such as the vendor state). */
export async function getOptionalJson(path, options) {
  const res = await api(path, options);
  if (res.status === 404) return undefined;
  if (!res.ok) throw await problemOf(res);
  return res.json();
}

/** A random Idempotency-Key (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newIdempotencyKey(prefix = 'console') {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Saves an API answer as a file (a plain link could not carry the API key). */
export async function download(path, accept, filename) {
  const res = await api(path, { accept });
  if (!res.ok) throw await problemOf(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Reads a server-sent event stream through fetch (EventSource cannot send the API key) and calls
 * `onEvent(name, data)` per event until the server ends the stream or the signal aborts.
 */
export async function streamEvents(path, onEvent, signal) {
  const { createParser } = await import('/console/vendor/eventsource-parser.js');
  const res = await api(path, { accept: 'text/event-stream', signal });
  if (!res.ok) throw await problemOf(res);
  const parser = createParser({ onEvent: (event) => onEvent(event.event ?? 'message', event.data) });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  } finally {
    reader.releaseLock();
  }
}

updateKeyButton();
