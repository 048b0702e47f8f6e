import { getJson, newIdempotencyKey } from '../api.js';
import { countsBars, figure, loadPlot } from '../charts.js';
import { field, fill, h, poll, select, table } from '../dom.js';
import { jobKeyField, problemSummary, startJobForm } from '../forms.js';
import { consolePath, count, dateTime, statusBadge } from '../format.js';
import { KINDS, moderationNav, VERDICT_PARTS } from './moderation-shared.js';

export { renderBatch } from './moderation-batch.js';
export { renderReview } from './moderation-review.js';
export { renderModels } from './moderation-models.js';

/** One item of the request: its fields name `body.items[i]…`, so a problem lands next to the right one. */
function itemFieldset(index, remove) {
  const at = (name) => `body.items[${index}].${name}`;
  const text = field('Text', h('textarea', { name: 'text', rows: 3, 'data-field': at('text'), required: true }));
  text.classList.add('wide');
  return h(
    'fieldset',
    { class: 'grid item', 'data-field': `body.items[${index}]`, tabindex: '-1' },
    h('legend', {}, `Item ${index + 1}`),
    field('Kind', select('kind', KINDS, 'review', { 'data-field': at('kind') })),
    field('Item id (optional)', h('input', { name: 'id', 'data-field': at('id'), autocomplete: 'off' }), 'Your id of the post; empty: the console makes one.'),
    field('Author id (optional)', h('input', { name: 'authorId', 'data-field': at('authorId'), autocomplete: 'off' })),
    text,
    index > 0 ? h('div', { class: 'actions' }, h('button', { type: 'button', onclick: remove }, `Remove item ${index + 1}`)) : null,
  );
}

/** The request the form describes: one item per fieldset, in order; empty optional fields are left out. */
function itemsBody(list) {
  const items = [...list.querySelectorAll('fieldset.item')].map((set) => {
    const value = (name) => set.querySelector(`[name="${name}"]`).value;
    const authorId = value('authorId').trim();
    return { id: value('id').trim() || newIdempotencyKey('item'), kind: value('kind'), text: value('text'), ...(authorId ? { authorId } : {}) };
  });
  return { json: { items } };
}

/** One fieldset per item, "Add an item" for more; the batch's page opens once it is accepted. */
function itemsForm(navigate) {
  const list = h('div', { class: 'item-list' });
  const typed = () => [...list.querySelectorAll('fieldset.item')].map((set) => Object.fromEntries([...set.querySelectorAll('[name]')].map((c) => [c.name, c.value])));
  // Fieldsets are rebuilt from what was typed, so their numbers and field names follow their order.
  const show = (items, focusIndex) => {
    const sets = items.map((_, i) => itemFieldset(i, () => show(typed().filter((_, j) => j !== i), Math.max(i - 1, 0))));
    fill(list, sets);
    sets.forEach((set, i) => Object.entries(items[i]).forEach(([name, value]) => (set.querySelector(`[name="${name}"]`).value = value)));
    if (focusIndex !== undefined) sets[focusIndex]?.focus();
  };
  show([{}]);
  const add = h('button', { type: 'button', onclick: () => show([...typed(), {}], list.children.length) }, 'Add an item');
  const form = h(
    'form',
    { class: 'start-form', 'aria-labelledby': 'new-moderation-batch', novalidate: true },
    h('h2', { id: 'new-moderation-batch' }, 'Moderate items'),
    problemSummary(),
    list,
    h('div', { class: 'actions' }, add),
    jobKeyField('moderation'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Moderate')),
  );
  startJobForm(form, { path: '/api/moderation/items', request: () => itemsBody(list), navigate, page: (job) => consolePath(job.links.self) });
  return form;
}

function batchRow(b) {
  const c = b.counts;
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, h('a', { href: consolePath(b.links.self) }, b.id)),
    h('td', {}, statusBadge(b.status)),
    h('td', { class: 'num' }, count(c.total)),
    VERDICT_PARTS.map(([key]) => h('td', { class: 'num' }, count(c[key]))),
    h('td', { class: 'num' }, b.modelVersion ?? '—'),
    h('td', {}, dateTime(b.createdAt)),
    h('td', {}, dateTime(b.finishedAt)),
  );
}

/** The items form, recent batches as bars of verdict counts and as a table, refreshed every 2 s. */
export async function renderList({ main, signal, navigate, ready }) {
  const chart = h('div');
  const body = h('tbody');
  const updated = h('span', { class: 'muted updated' });
  const headers = ['Batch', 'Status', 'Items', ...VERDICT_PARTS.map(([, name]) => name), 'Model version', 'Created', 'Finished'];
  main.append(
    h('h1', { tabindex: '-1' }, 'Content moderation'),
    moderationNav('/moderation'),
    h('p', { class: 'lead' }, 'Blog posts, course reviews and subtitle suggestions get allow, review or block from profanity rules and a spam model; the stricter wins. Reviewers’ labels train the next model.'),
    itemsForm(navigate),
    h('h2', {}, 'Recent batches'),
    chart,
    table(['Recent batches by verdict (items)', updated], headers, body, { class: 'batches' }),
  );
  const Plot = await loadPlot();
  await poll(2000, signal, async () => {
    const { batches } = await getJson('/api/moderation/batches?limit=20', { signal });
    fill(body, batches.length ? batches.map(batchRow) : h('tr', {}, h('td', { colspan: headers.length }, 'No batch yet.')));
    const rows = batches.slice(0, 10).map((b) => ({ name: b.id, counts: b.counts }));
    const described = `Items by verdict in the ${rows.length} newest batches`;
    fill(chart, rows.length ? figure(described, countsBars(Plot, rows, VERDICT_PARTS, { label: described, unit: 'Items' })) : null);
    fill(updated, `Updated ${new Date().toLocaleTimeString('en-GB')}; refreshes every 2 s.`);
    ready('Content moderation');
  }, (err) => fill(updated, `Could not refresh (${err.message}); trying again.`));
}
