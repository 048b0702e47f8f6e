import { download, getJson } from '../api.js';
import { aalChart, figure, loadPlot, scenarioLegend, stackedLossChart } from '../charts.js';
import { fill, h, select } from '../dom.js';
import { count, facts, gradeBadge, GRADES, HAZARD_LABELS, HAZARDS, krw, percent, SCENARIO_LABELS, SCENARIOS } from '../format.js';

function siteFacts(report) {
  const g = report.gridPoint;
  const b = report.building;
  return facts([
    ['Status', report.status],
    ['Location', `${report.latitude.toFixed(4)}° N, ${report.longitude.toFixed(4)}° E`],
    ['Grid point', g ? `#${g.id} at ${g.latitude.toFixed(4)}° N, ${g.longitude.toFixed(4)}° E (${g.source})` : 'not located yet'],
    ['Distance to grid point', g ? `${g.distanceKm.toFixed(2)} km` : '—'],
    ['Building', `${String(b.structure).replace('_', ' ')} ${String(b.purpose).replace('_', ' ')}, ${b.floorsAbove} floors above / ${b.floorsBelow} below, ${b.ageYears} years, ${count(b.floorAreaM2)} m²`],
    ['Asset value', krw(report.asset.valueKrw)],
    ['Insurance rate', percent(report.asset.insuranceRate, 0)],
    ['Cells', `${count(report.cells.completed)} of ${count(report.cells.total)} completed, ${count(report.cells.failed)} failed`],
    report.error ? ['Error', report.error] : null,
  ]);
}

/** Mean final AAL per hazard over each decade (2021–2030, …), ranked: the three highest. */
function topHazardsByDecade(series) {
  const decades = new Map();
  for (const s of series) {
    s.years.forEach((year, i) => {
      const start = Math.floor((year - 1) / 10) * 10 + 1;
      const byHazard = decades.get(start) ?? new Map();
      const acc = byHazard.get(s.hazard) ?? { sum: 0, n: 0, worst: 0 };
      acc.sum += s.finalAal[i];
      acc.n += 1;
      acc.worst = Math.max(acc.worst, GRADES.indexOf(s.grade[i]));
      byHazard.set(s.hazard, acc);
      decades.set(start, byHazard);
    });
  }
  return [...decades.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, byHazard]) => ({
      decade: `${start}–${start + 9}`,
      top: [...byHazard.entries()]
        .map(([hazard, acc]) => ({ hazard, mean: acc.sum / acc.n, grade: GRADES[acc.worst] }))
        .sort((a, b) => b.mean - a.mean || HAZARDS.indexOf(a.hazard) - HAZARDS.indexOf(b.hazard))
        .slice(0, 3),
    }));
}

function decadeTable(scenario, series) {
  const rows = topHazardsByDecade(series).map(({ decade, top }) =>
    h('tr', {}, h('th', { scope: 'row' }, decade), top.map((t) => h('td', {}, HAZARD_LABELS[t.hazard], h('br'), `${percent(t.mean)} `, gradeBadge(t.grade)))),
  );
  return h(
    'table',
    { class: 'decades' },
    h('caption', {}, `Top 3 hazards per decade under ${SCENARIO_LABELS[scenario]}: mean final AAL (% of asset value / yr) and worst grade in the decade`),
    h('thead', {}, h('tr', {}, ['Decade', 'First', 'Second', 'Third'].map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, rows),
  );
}

function smallMultiples(Plot, report) {
  const scenarios = SCENARIOS.filter((s) => report.series.some((x) => x.scenario === s));
  const charts = HAZARDS.map((hazard) => {
    const series = scenarios.map((scenario) => report.series.find((s) => s.scenario === scenario && s.hazard === hazard)).filter(Boolean);
    return figure(HAZARD_LABELS[hazard], aalChart(Plot, hazard, series), { 'data-hazard': hazard });
  });
  return h('div', {}, scenarioLegend(scenarios), h('div', { class: 'multiples' }, charts));
}

/** One site's report: AAL by year per scenario and hazard, stacked expected loss, top hazards per decade. */
export async function render({ main, params, signal, ready }) {
  const [id, siteId] = params;
  const [Plot, report] = await Promise.all([loadPlot(), getJson(`/api/risk-assessments/${encodeURIComponent(id)}/sites/${encodeURIComponent(siteId)}`, { signal })]);
  const scenarios = SCENARIOS.filter((s) => report.series.some((x) => x.scenario === s));
  const chosen = { scenario: scenarios.at(-1) };
  const stackSlot = h('div');
  const decadeSlot = h('div');
  const drawScenario = () => {
    const series = report.series.filter((s) => s.scenario === chosen.scenario);
    fill(stackSlot, series.length ? figure(`Expected loss by hazard under ${SCENARIO_LABELS[chosen.scenario]}`, stackedLossChart(Plot, chosen.scenario, series)) : h('p', {}, 'No results yet.'));
    fill(decadeSlot, series.length ? decadeTable(chosen.scenario, series) : null);
  };
  const scenarioSelect = select('scenario', scenarios.map((s) => [s, SCENARIO_LABELS[s]]), chosen.scenario, { id: 'site-scenario' });
  scenarioSelect.addEventListener('change', () => {
    chosen.scenario = scenarioSelect.value;
    drawScenario();
  });
  const csv = h('button', { type: 'button' }, 'Download CSV');
  csv.addEventListener('click', () =>
    download(`/api/risk-assessments/${encodeURIComponent(id)}/results?siteId=${encodeURIComponent(siteId)}&limit=10000`, 'text/csv', `${id}-${siteId}.csv`),
  );
  main.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: `/risk-assessments/${encodeURIComponent(id)}` }, `Assessment ${id}`), ' › site'),
    h('h1', { tabindex: '-1' }, report.name ? `${report.name} (${report.siteId})` : report.siteId),
    siteFacts(report),
    h('div', { class: 'actions' }, csv),
    h('h2', {}, 'Final AAL by year'),
    h('p', { class: 'muted' }, 'Expected annual loss after vulnerability and insurance, as a share of the asset value. Each hazard has its own vertical scale.'),
    report.series.length ? smallMultiples(Plot, report) : h('p', {}, 'No results yet.'),
    h('h2', {}, 'Expected loss by hazard'),
    h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: 'site-scenario' }, 'Scenario'), scenarioSelect)),
    stackSlot,
    h('h2', {}, 'Top hazards per decade'),
    decadeSlot,
  );
  if (scenarios.length) drawScenario();
  ready(report.name ?? report.siteId);
}
