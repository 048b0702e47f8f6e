import { fill, h, uniqueId } from './dom.js';
import { api, newIdempotencyKey, Problem, problemOf } from './api.js';

// Forms start runs through the REST API; a problem's field errors are shown next to the field
// they name (`data-field="body.sites[0].latitude"`), the rest in a summary at the top.

export function clearProblems(form) {
  form.querySelectorAll('.field-error[data-generated]').forEach((el) => el.remove());
  form.querySelectorAll('[aria-invalid="true"]').forEach((el) => {
    el.removeAttribute('aria-invalid');
    const described = (el.getAttribute('aria-describedby') || '').split(' ').filter((id) => !id.startsWith('problem-'));
    if (described.length) el.setAttribute('aria-describedby', described.join(' '));
    else el.removeAttribute('aria-describedby');
  });
  const summary = form.querySelector('.problem-summary');
  if (summary) summary.replaceChildren();
}

/** The control a problem's field names: exactly, or its closest named parent (`body.sites[0].building` for `…building.floorsAbove`). */
function controlFor(form, fieldName) {
  let name = fieldName;
  for (;;) {
    const control = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (control) return control;
    const cut = Math.max(name.lastIndexOf('.'), name.lastIndexOf('['));
    if (cut <= 0) return null;
    name = name.slice(0, cut);
  }
}

export function showProblem(form, problem) {
  clearProblems(form);
  const summary = form.querySelector('.problem-summary');
  const unplaced = [];
  let first;
  for (const error of problem.errors ?? []) {
    const control = controlFor(form, error.field);
    if (!control) {
      unplaced.push(`${error.field}: ${error.message}`);
      continue;
    }
    const id = uniqueId('problem');
    const message = h('p', { class: 'field-error', id, 'data-generated': true }, error.message);
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
    const holder = control.closest('.field, fieldset');
    if (holder) holder.append(message);
    else control.after(message);
    first ??= control;
  }
  if (summary) {
    fill(
      summary,
      h('p', {}, h('strong', {}, problem.title ?? 'Problem'), ` (${problem.status}): ${problem.message}`),
      unplaced.length ? h('ul', {}, unplaced.map((text) => h('li', {}, text))) : null,
    );
  }
  (first ?? summary)?.focus?.();
}

/**
 * Wires a form: on submit, `send()` makes the request; a Problem is shown on the form, anything
 * else goes to `done(result)`. The submit button is disabled while the request runs.
 */
export function onSubmit(form, send, done) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('[type="submit"]');
    button.disabled = true;
    clearProblems(form);
    try {
      await done(await send(new FormData(form)));
    } catch (err) {
      if (err instanceof Problem) showProblem(form, err);
      else showProblem(form, { status: 0, title: 'Request failed', message: String(err?.message ?? err), errors: [] });
    } finally {
      button.disabled = false;
    }
  });
}

/** The summary element every form carries (focusable, announced). */
export const problemSummary = () => h('div', { class: 'problem-summary', role: 'alert', tabindex: '-1' });

/** The optional job key every start form has: it becomes part of the job id. */
export function jobKeyField(prefix) {
  const id = uniqueId('f');
  const input = h('input', { id, name: 'jobKey', 'data-field': 'headers.idempotency-key', autocomplete: 'off', 'aria-describedby': `${id}-hint` });
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, 'Job key (optional)'),
    input,
    h('p', { class: 'hint', id: `${id}-hint` }, `Becomes the id, ${prefix}-<key>; submitting the same key again returns the same job. Empty: a new key.`),
  );
}

/**
 * A form that starts a job: `request(data)` gives the body (`{ json }` or `{ form }`), POSTed to
 * `path` with the form's job key (or a new one) as Idempotency-Key; then the job's page opens
 * (`page(job)`, by default the console path of `<path>/<id>`).
 */
export function startJobForm(form, { path, request, navigate, page = (job) => `${path.replace(/^\/api/, '')}/${encodeURIComponent(job.id)}` }) {
  onSubmit(
    form,
    async (data) => {
      const res = await api(path, { method: 'POST', ...request(data), idempotencyKey: String(data.get('jobKey') || '').trim() || newIdempotencyKey() });
      if (!res.ok) throw await problemOf(res);
      return res.json();
    },
    (job) => navigate(page(job)),
  );
}

/** Multipart fields first and the file last: the API reads the options before it streams the file. */
export function uploadBody(data, fields) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  const file = data.get('file');
  if (file && file.size) body.append('file', file, file.name);
  return { form: body };
}
