// Small DOM helpers: elements are built with text nodes and properties, never from HTML strings,
// so names and titles from users (Korean or anything else) can never become markup.

/** `h('a', { href: '/x', class: 'c', onclick: fn }, 'text', child)` */
export function h(tag, attrs = {}, ...children) {
  const el = tag.includes(':') ? document.createElementNS('http://www.w3.org/2000/svg', tag.split(':')[1]) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'value' || name === 'checked' || name === 'selected') el[name] = value;
    else el.setAttribute(name === 'className' ? 'class' : name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
export const uniqueId = (prefix) => `${prefix}-${++ids}`;

/** A labelled form control: `<div class="field"><label>…</label><input>…</div>`. */
export function field(label, control, hint) {
  const id = control.id || uniqueId('f');
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

export function select(name, options, selected, attrs = {}) {
  return h(
    'select',
    { name, ...attrs },
    options.map(([value, label]) => h('option', { value, selected: String(value) === String(selected) }, label)),
  );
}

/** A table with a caption, header cells and rows (or a `<tbody>` a page refills as it refreshes). */
export function table(caption, headers, rows, attrs = {}) {
  return h(
    'table',
    attrs,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((label) => h('th', { scope: 'col' }, label)))),
    rows instanceof HTMLTableSectionElement ? rows : h('tbody', {}, rows),
  );
}

/** Waits `ms`, or less when the signal aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Runs `refresh` now and every `ms` until the signal aborts or it returns false (the job ended).
 * The first failure is thrown (the page cannot render); later ones go to `onError` and polling goes on.
 */
export async function poll(ms, signal, refresh, onError) {
  let first = true;
  while (!signal.aborted) {
    try {
      if ((await refresh()) === false) return;
    } catch (err) {
      if (first || !onError || signal.aborted || err?.name === 'AbortError') throw err;
      onError(err);
    }
    first = false;
    await sleep(ms, signal);
  }
}
