import { api, getJson, problemOf } from '../api.js';
import { field, fill, h, poll, select } from '../dom.js';
import { clearProblems, problemSummary, showProblem } from '../forms.js';
import { count } from '../format.js';
import { itemsTable, KINDS, moderationNav } from './moderation-shared.js';

const REVIEWER_STORAGE = 'durable-pipelines.reviewer';

/** Items held for review that nobody has labelled, oldest first; one click labels one spam or ham. */
export async function renderReview({ main, query, signal, navigate, ready }) {
  const kind = query.get('kind') ?? '';
  const reviewer = h('input', { name: 'by', 'data-field': 'body.by', autocomplete: 'name', value: sessionStorage.getItem(REVIEWER_STORAGE) ?? '' });
  reviewer.addEventListener('change', () => sessionStorage.setItem(REVIEWER_STORAGE, reviewer.value.trim()));
  const kindSelect = select('kind', [['', 'Any kind'], ...KINDS], kind, { id: 'queue-kind' });
  kindSelect.addEventListener('change', () => navigate(`/moderation/review${kindSelect.value ? `?kind=${kindSelect.value}` : ''}`, { replace: true }));
  const form = h(
    'form',
    { class: 'review-form', 'aria-label': 'Reviewer', novalidate: true, onsubmit: (event) => event.preventDefault() },
    problemSummary(),
    h('div', { class: 'filters' }, field('Your name (kept with each label)', reviewer), h('div', { class: 'field' }, h('label', { for: 'queue-kind' }, 'Kind'), kindSelect)),
  );
  const message = h('p', { role: 'status', class: 'muted' });
  const slot = h('section');
  const updated = h('span', { class: 'muted updated' });
  main.append(
    h('h1', { tabindex: '-1' }, 'Review queue'),
    moderationNav('/moderation/review'),
    h('p', { class: 'lead' }, 'Items whose latest verdict is review and that nobody has labelled yet. A label (spam: should not be shown; ham: fine) takes the item off the queue and trains the next model version.'),
    form,
    message,
    slot,
  );

  let shownIds;
  async function label(item, value, row) {
    clearProblems(form);
    const res = await api(`/api/moderation/items/${encodeURIComponent(item.itemId)}/feedback`, { method: 'POST', json: { label: value, by: reviewer.value.trim() } });
    if (!res.ok) return showProblem(form, await problemOf(res));
    sessionStorage.setItem(REVIEWER_STORAGE, reviewer.value.trim());
    // Focus moves to the next item's first button rather than falling back to the page.
    const next = row.nextElementSibling ?? row.previousElementSibling;
    row.remove();
    shownIds = undefined;
    fill(message, `Labelled ${item.itemId} ${value}.`);
    next?.querySelector('button')?.focus();
  }
  const actions = (item) =>
    h(
      'div',
      { class: 'actions' },
      [['spam', 'Spam'], ['ham', 'Ham']].map(([value, name]) =>
        h(
          'button',
          { type: 'button', 'aria-label': `${name}: ${item.itemId}`, onclick: (event) => label(item, value, event.currentTarget.closest('tr')) },
          name,
        ),
      ),
    );

  const params = new URLSearchParams({ limit: '100' });
  if (kind) params.set('kind', kind);
  await poll(2000, signal, async () => {
    const queue = await getJson(`/api/moderation/review-queue?${params}`, { signal });
    // Rebuilt only when the queue changed, so a reviewer's focus on a button is not taken away.
    const ids = queue.items.map((i) => i.itemId).join('\n');
    if (ids !== shownIds) {
      shownIds = ids;
      const caption = [`Waiting for review (${count(queue.total)}${queue.total > queue.items.length ? `, the oldest ${queue.items.length} shown` : ''})`, updated];
      fill(slot, itemsTable(caption, queue.items, { action: actions, className: 'items review-queue' }));
    }
    fill(updated, `Updated ${new Date().toLocaleTimeString('en-GB')}; refreshes every 2 s.`);
    ready('Review queue');
  }, (err) => fill(updated, `Could not refresh (${err.message}); trying again.`));
}
