import { getJson } from '../api.js';
import { countsBar, figure, loadPlot } from '../charts.js';
import { fill, h, poll, select } from '../dom.js';
import { count, dateTime, facts, isActive, statusBadge } from '../format.js';
import { itemsTable, moderationNav, VERDICT_PARTS } from './moderation-shared.js';

const ITEMS_PER_PAGE = 100;

function pager(page, pages, go) {
  if (pages <= 1) return null;
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Item pages' },
    h('button', { type: 'button', disabled: page === 0, onclick: () => go(page - 1) }, 'Previous'),
    h('span', {}, ` Page ${page + 1} of ${pages} `),
    h('button', { type: 'button', disabled: page === pages - 1, onclick: () => go(page + 1) }, 'Next'),
  );
}

/** One batch: verdict counts as a bar, its items with verdict, scores and reasons; refreshed while it runs. */
export async function renderBatch({ main, params, query, signal, navigate, ready }) {
  const [id] = params;
  const base = `/api/moderation/batches/${encodeURIComponent(id)}`;
  const verdict = query.get('verdict') ?? '';
  const page = Math.max(Number(query.get('page') ?? 1) - 1, 0);
  const go = (changes) => {
    const next = new URLSearchParams([...Object.entries({ verdict, page: String(page + 1) }), ...Object.entries(changes)].filter(([, v]) => v && v !== '1'));
    navigate(`/moderation/batches/${encodeURIComponent(id)}${next.size ? `?${next}` : ''}`, { replace: true });
  };
  const filter = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter items' },
    h('div', { class: 'field' }, h('label', { for: 'items-verdict' }, 'Verdict'), select('verdict', [['', 'Any verdict'], ...VERDICT_PARTS.map(([key, name]) => [key, name])], verdict, { id: 'items-verdict' })),
  );
  filter.addEventListener('change', () => go({ verdict: filter.elements.verdict.value, page: '' }));
  const [head, bar, items] = [h('div'), h('div'), h('section')];
  main.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: '/moderation' }, 'Content moderation'), ' › batch'),
    h('h1', { tabindex: '-1' }, `Moderation batch ${id}`),
    moderationNav(null),
    head,
    bar,
    h('h2', {}, 'Items'),
    filter,
    items,
  );
  const Plot = await loadPlot();
  await poll(2000, signal, async () => {
    const itemQuery = new URLSearchParams({ limit: String(ITEMS_PER_PAGE), offset: String(page * ITEMS_PER_PAGE) });
    if (verdict) itemQuery.set('verdict', verdict);
    const [batch, itemPage] = await Promise.all([getJson(base, { signal }), getJson(`${base}/items?${itemQuery}`, { signal })]);
    const c = batch.counts;
    fill(
      head,
      facts([
        ['Status', statusBadge(batch.status)],
        ['Items', count(c.total)],
        ['Classified', `${count(c.total - c.pending)} of ${count(c.total)}`],
        ['Model version', batch.modelVersion ?? '—'],
        ['Created', dateTime(batch.createdAt)],
        ['Finished', dateTime(batch.finishedAt)],
        batch.error ? ['Error', batch.error] : null,
        ['Temporal', h('a', { href: batch.links.webUi, target: '_blank', rel: 'noopener' }, 'Web UI (opens a new tab)')],
      ]),
    );
    const parts = VERDICT_PARTS.map(([key, name, color]) => ({ name: `${name}: ${c[key]}`, value: c[key], color }));
    fill(bar, figure('Items by verdict', countsBar(Plot, parts, `Items by verdict: ${parts.map((p) => p.name).join(', ')}`, 'Items')));
    const shown = verdict ? c[verdict] : c.total;
    const pages = Math.ceil(shown / ITEMS_PER_PAGE);
    const caption = `${verdict ? `Items with verdict ${verdict}` : 'Items'} in request order (${count(shown)})`;
    fill(items, itemsTable(caption, itemPage.items), pager(page, pages, (p) => go({ page: String(p + 1) })));
    ready(`Moderation batch ${id}`);
    return isActive(batch.status);
  }, () => {});
}
