import { api, getJson, newIdempotencyKey, problemOf } from '../api.js';
import { fill, h, poll, table } from '../dom.js';
import { onSubmit, problemSummary } from '../forms.js';
import { count, dateTime, facts, isActive, statusBadge } from '../format.js';

// The challenge crawler: crawls with their page counts, one crawl's pages, and the challenge documents.

const COUNT_COLUMNS = [
  ['fetched', 'Fetched'],
  ['skipped', 'Skipped (unchanged)'],
  ['redirected', 'Redirected'],
  ['disallowed', 'Disallowed (robots.txt)'],
  ['failed', 'Failed'],
];

const crawlPage = (id) => `/crawls/${encodeURIComponent(id)}`;
const TRIGGER_LABELS = { schedule: 'Schedule', api: 'On request', first_start: 'First start' };

function crawlsTable(crawls) {
  return table(
    `Crawls (${crawls.length})`,
    ['Crawl', 'Status', 'Started by', 'Started', ...COUNT_COLUMNS.map(([, label]) => label), 'Documents written'],
    crawls.length
      ? crawls.map((c) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, h('a', { href: crawlPage(c.id) }, c.id)),
            h('td', {}, statusBadge(c.status)),
            h('td', {}, TRIGGER_LABELS[c.trigger] ?? c.trigger),
            h('td', {}, dateTime(c.startedAt)),
            COUNT_COLUMNS.map(([key]) => h('td', { class: 'num' }, count(c.counts[key]))),
            h('td', { class: 'num' }, count(c.counts.documentsWritten)),
          ),
        )
      : h('tr', {}, h('td', { colspan: 5 + COUNT_COLUMNS.length }, 'No crawl yet.')),
    { class: 'crawls' },
  );
}

function challengesTable(challenges) {
  return table(
    `Challenge documents (${challenges.length})`,
    ['Challenge', 'Title', 'Category', 'Criteria', 'Updated'],
    challenges.length
      ? challenges.map((c) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, c.id),
            h('td', {}, c.title, c.summary ? h('div', { class: 'muted' }, c.summary) : null),
            h('td', {}, c.category ?? '—'),
            h('td', {}, h('ul', {}, c.criteria.map((item) => h('li', {}, item)))),
            h('td', {}, dateTime(c.updatedAt)),
          ),
        )
      : h('tr', {}, h('td', { colspan: 5 }, 'No challenge document yet: run a crawl.')),
    { class: 'challenges' },
  );
}

/** Crawls with their counts, a button to crawl now, and the challenge documents; refreshed while a crawl runs. */
export async function renderList({ main, signal, navigate, ready }) {
  const form = h('form', { class: 'start-form', 'aria-labelledby': 'crawl-now', novalidate: true }, h('h2', { id: 'crawl-now' }, 'Crawl now'), problemSummary(), h('p', { class: 'hint' }, 'Through the crawl schedule: while a crawl runs, another is not started.'), h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Start a crawl')));
  onSubmit(
    form,
    async () => {
      const res = await api('/api/crawls', { method: 'POST', idempotencyKey: newIdempotencyKey('crawl') });
      if (!res.ok) throw await problemOf(res);
      return res.json();
    },
    (crawl) => navigate(crawlPage(crawl.id)),
  );
  const [crawls, challenges] = [h('section'), h('section')];
  main.append(
    h('h1', { tabindex: '-1' }, 'Challenge crawler'),
    h('p', { class: 'lead' }, 'The challenge site is crawled on a schedule, once at first start and on demand: robots.txt is obeyed, each host is fetched at its own pace, and unchanged pages are skipped with conditional requests.'),
    form,
    crawls,
    challenges,
  );
  await poll(3000, signal, async () => {
    const [list, docs] = await Promise.all([getJson('/api/crawls?limit=20', { signal }), getJson('/api/challenges?limit=200', { signal })]);
    fill(crawls, crawlsTable(list.crawls));
    fill(challenges, challengesTable(docs.challenges));
    ready('Challenge crawler');
    return list.crawls.some((c) => isActive(c.status));
  }, () => {});
}

function pagesTable(pages) {
  return table(
    `Pages (${pages.length})`,
    ['URL', 'Status', 'HTTP', 'Challenge', 'Reason or target'],
    pages.map((p) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row', class: 'url' }, p.url),
        h('td', {}, p.status),
        h('td', { class: 'num' }, p.httpStatus ?? '—'),
        h('td', {}, p.challengeId ? `${p.challengeId}${p.documentWritten ? ' (written)' : ''}` : '—'),
        h('td', { class: 'url' }, p.redirectTo ? `→ ${p.redirectTo}` : (p.reason ?? '—')),
      ),
    ),
    { class: 'pages' },
  );
}

/** One crawl: its counts and every page it took, refreshed while it runs. */
export async function renderCrawl({ main, params, signal, ready }) {
  const [id] = params;
  const [head, pages] = [h('div'), h('section')];
  main.append(h('p', { class: 'breadcrumb' }, h('a', { href: '/crawls' }, 'Challenge crawler'), ' › crawl'), h('h1', { tabindex: '-1' }, `Crawl ${id}`), head, pages);
  await poll(2000, signal, async () => {
    const crawl = await getJson(`/api/crawls/${encodeURIComponent(id)}`, { signal });
    fill(
      head,
      facts([
        ['Status', statusBadge(crawl.status)],
        ['Started by', TRIGGER_LABELS[crawl.trigger] ?? crawl.trigger],
        ['Seeds', crawl.seedUrls.join(', ') || '—'],
        ['Pages', count(crawl.counts.total)],
        ...COUNT_COLUMNS.map(([key, label]) => [label, count(crawl.counts[key])]),
        ['Documents written', count(crawl.counts.documentsWritten)],
        crawl.pageLimitReached ? ['Page limit', 'reached (CRAWLER_MAX_PAGES)'] : null,
        ['Started', dateTime(crawl.startedAt)],
        ['Finished', dateTime(crawl.finishedAt)],
      ]),
    );
    fill(pages, pagesTable(crawl.pages));
    ready(`Crawl ${id}`);
    return isActive(crawl.status);
  }, () => {});
}
