import { api, getJson, problemOf } from '../api.js';
import { figure, gradeColor, loadPlot, pointMap } from '../charts.js';
import { fill, h, select, sleep } from '../dom.js';
import { count, dateTime, facts, gradeBadge, HAZARD_LABELS, isActive, krw, percent, progressBar, SCENARIO_LABELS, statusBadge } from '../format.js';

const ROWS_PER_PAGE = 100;

function summary(view) {
  const p = view.progress;
  return facts([
    ['Status', statusBadge(view.status)],
    ['Cells', progressBar(p.completedCells, p.totalCells, 'cells', 'Cells completed')],
    ['Sites', `${count(p.sitesDone)} of ${count(p.totalSites)} done, ${count(p.sitesFailed)} failed`],
    p.failedCells ? ['Failed cells', count(p.failedCells)] : null,
    ['Scenarios', view.scenarios.map((s) => SCENARIO_LABELS[s] ?? s).join(', ')],
    ['Years', `${view.years.from}–${view.years.to}`],
    ['Started', dateTime(view.startedAt)],
    ['Finished', dateTime(view.finishedAt)],
    view.error ? ['Error', view.error] : null,
    ['Temporal', h('a', { href: view.links.webUi, target: '_blank', rel: 'noopener' }, 'Web UI (opens a new tab)')],
  ]);
}

/** Cancel while it runs; retry the cells that did not complete once it has ended. A refusal is said beside the button. */
function actions(view, refresh) {
  const message = h('span', { role: 'status', class: 'muted' });
  const post = (path) => async (event) => {
    event.target.disabled = true;
    const res = await api(path, { method: 'POST' });
    if (!res.ok) return fill(message, (await problemOf(res)).message);
    await refresh();
  };
  let button;
  if (isActive(view.status)) button = h('button', { type: 'button', onclick: post(`${view.links.self}/cancel`) }, 'Cancel assessment');
  else if (view.progress.completedCells < view.progress.totalCells) button = h('button', { type: 'button', onclick: post(`${view.links.self}/retry-failed`) }, 'Retry failed cells');
  return button ? h('div', { class: 'actions' }, button, message) : null;
}

function siteRow(id, site) {
  const t = site.totals;
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, h('a', { href: `/risk-assessments/${encodeURIComponent(id)}/sites/${encodeURIComponent(site.siteId)}` }, site.siteId)),
    h('td', {}, site.name ?? '—'),
    h('td', {}, site.status),
    h('td', { class: 'num' }, site.gridDistanceKm === null ? '—' : site.gridDistanceKm.toFixed(2)),
    h('td', { class: 'num' }, t ? percent(t.finalAal) : '—'),
    h('td', { class: 'num' }, t ? krw(t.expectedLossKrw) : '—'),
    h('td', {}, t ? gradeBadge(t.grade) : '—'),
    h('td', {}, t ? t.topHazards.map((hz) => HAZARD_LABELS[hz] ?? hz).join(', ') : '—'),
  );
}

/** The sites table, highest expected loss first, 100 rows a page. */
function sitesTable(id, sites, at, pageIndex, setPage) {
  const sorted = [...sites.items].sort((a, b) => (b.totals?.expectedLossKrw ?? -1) - (a.totals?.expectedLossKrw ?? -1));
  const pages = Math.max(1, Math.ceil(sorted.length / ROWS_PER_PAGE));
  const page = Math.min(pageIndex, pages - 1);
  const rows = sorted.slice(page * ROWS_PER_PAGE, (page + 1) * ROWS_PER_PAGE);
  const caption = `Sites at ${SCENARIO_LABELS[at.scenario]}, ${at.year}: highest expected loss first` + (sites.total > sites.items.length ? ` (the first ${count(sites.items.length)} of ${count(sites.total)} sites)` : '');
  const pager =
    pages > 1
      ? h(
          'nav',
          { class: 'pager', 'aria-label': 'Site pages' },
          h('button', { type: 'button', disabled: page === 0, onclick: () => setPage(page - 1) }, 'Previous'),
          h('span', {}, ` Page ${page + 1} of ${pages} `),
          h('button', { type: 'button', disabled: page === pages - 1, onclick: () => setPage(page + 1) }, 'Next'),
        )
      : null;
  return h(
    'div',
    {},
    h(
      'table',
      { class: 'sites' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ['Site', 'Name', 'Status', 'Grid distance (km)', 'Final AAL, all hazards (% / yr)', 'Expected loss (KRW / yr)', 'Worst grade', 'Top hazards'].map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, rows.map((site) => siteRow(id, site))),
    ),
    pager,
  );
}

function sitesMap(Plot, sites, at) {
  const points = sites.items.filter((s) => s.totals);
  if (points.length === 0) return h('p', { class: 'muted' }, 'No results stored for this scenario and year yet.');
  const chart = pointMap(Plot, points, {
    fill: (s) => s.totals.grade,
    color: gradeColor,
    label: `Map of ${points.length} sites coloured by worst grade at ${SCENARIO_LABELS[at.scenario]}, ${at.year}`,
    title: (s) => `${s.name ?? s.siteId}: ${s.totals.grade}, ${percent(s.totals.finalAal)}`,
  });
  return figure(`Sites by worst grade (${SCENARIO_LABELS[at.scenario]}, ${at.year})`, chart, { class: 'chart map' });
}

/** One assessment: progress, a map and a table of its sites at a chosen scenario and year. */
export async function renderOverview({ main, params, signal, ready }) {
  const [id] = params;
  const base = `/api/risk-assessments/${encodeURIComponent(id)}`;
  const at = {};
  let pageIndex = 0;
  const head = h('div');
  const controls = h('form', { class: 'filters', 'aria-label': 'Scenario and year' });
  const mapSlot = h('div');
  const tableSlot = h('div');
  main.append(h('h1', { tabindex: '-1' }, `Assessment ${id}`), head, h('h2', {}, 'Sites'), controls, mapSlot, tableSlot);

  let view;
  let sites;
  const draw = (Plot) => {
    fill(mapSlot, sitesMap(Plot, sites, at));
    fill(tableSlot, sitesTable(id, sites, at, pageIndex, (p) => { pageIndex = p; draw(Plot); }));
  };
  const sitesQuery = () => `${base}/sites?limit=1000${at.scenario ? `&scenario=${at.scenario}&year=${at.year}` : ''}`;
  const [Plot] = await Promise.all([
    loadPlot(),
    (async () => {
      [view, sites] = await Promise.all([getJson(base, { signal }), getJson(sitesQuery(), { signal })]);
    })(),
  ]);
  Object.assign(at, { scenario: sites.scenario, year: sites.year });
  const refresh = async () => {
    [view, sites] = await Promise.all([getJson(base, { signal }), getJson(sitesQuery(), { signal })]);
    fill(head, summary(view), actions(view, refresh));
    draw(Plot);
  };
  fill(head, summary(view), actions(view, refresh));
  fill(
    controls,
    h('div', { class: 'field' }, h('label', { for: 'overview-scenario' }, 'Scenario'), select('scenario', view.scenarios.map((s) => [s, SCENARIO_LABELS[s]]), at.scenario, { id: 'overview-scenario' })),
    h('div', { class: 'field' }, h('label', { for: 'overview-year' }, 'Year'), h('input', { id: 'overview-year', name: 'year', type: 'number', min: view.years.from, max: view.years.to, value: at.year })),
  );
  controls.addEventListener('change', async () => {
    const data = new FormData(controls);
    const year = Number(data.get('year'));
    if (!(year >= view.years.from && year <= view.years.to)) return;
    Object.assign(at, { scenario: data.get('scenario'), year });
    pageIndex = 0;
    await refresh();
  });
  controls.addEventListener('submit', (event) => event.preventDefault());
  draw(Plot);
  ready(`Assessment ${id}`);
  while (isActive(view.status) && !signal.aborted) {
    await sleep(2000, signal);
    if (!signal.aborted) await refresh().catch(() => {});
  }
}
