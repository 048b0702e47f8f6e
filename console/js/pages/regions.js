import { getJson, Problem } from '../api.js';
import { figure, loadPlot, pointMap } from '../charts.js';
import { fill, h, select } from '../dom.js';
import { HAZARD_LABELS, HAZARDS, SCENARIO_LABELS, SCENARIOS } from '../format.js';

function topTable(points, year) {
  const top = [...points].sort((a, b) => b.score - a.score).slice(0, 10);
  return h(
    'table',
    {},
    h('caption', {}, `The 10 highest-scoring regions in ${year}`),
    h('thead', {}, h('tr', {}, ['Region', 'Code', 'Hazard score H (0–100)'].map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, top.map((p) => h('tr', {}, h('th', { scope: 'row' }, p.name), h('td', {}, p.code), h('td', { class: 'num' }, p.score.toFixed(1))))),
  );
}

/** The ~250 region centroids coloured by one hazard's score, scenario and year, with a year slider. */
export async function render({ main, query, signal, ready }) {
  const chosen = { hazard: query.get('hazard') ?? 'river_flood', scenario: query.get('scenario') ?? 'SSP585' };
  const controls = h(
    'form',
    { class: 'filters', 'aria-label': 'Hazard and scenario' },
    h('div', { class: 'field' }, h('label', { for: 'regions-hazard' }, 'Hazard'), select('hazard', HAZARDS.map((hz) => [hz, HAZARD_LABELS[hz]]), chosen.hazard, { id: 'regions-hazard' })),
    h('div', { class: 'field' }, h('label', { for: 'regions-scenario' }, 'Scenario'), select('scenario', SCENARIOS.map((s) => [s, SCENARIO_LABELS[s]]), chosen.scenario, { id: 'regions-scenario' })),
  );
  const yearOutput = h('output', { for: 'regions-year', id: 'regions-year-value' });
  const slider = h('input', { id: 'regions-year', type: 'range', min: 0, max: 0, step: 1, value: 0 });
  const mapSlot = h('div');
  const tableSlot = h('div');
  main.append(
    h('h1', { tabindex: '-1' }, 'Regions'),
    h('p', { class: 'lead' }, "Each administrative region's hazard score H (0–100): the grid batch's score at the grid point nearest its centroid."),
    controls,
    h('div', { class: 'field slider' }, h('label', { for: 'regions-year' }, 'Year'), slider, yearOutput),
    h('div', { class: 'split' }, mapSlot, tableSlot),
  );
  const [Plot, regions] = await Promise.all([loadPlot(), getJson('/api/regions', { signal })]);
  let scores;
  const draw = () => {
    const year = scores.years[Number(slider.value)];
    slider.setAttribute('aria-valuetext', String(year));
    fill(yearOutput, String(year));
    const points = regions.items.map((r) => ({ ...r, score: scores.regionScores[r.code]?.[year] })).filter((p) => p.score !== undefined);
    const label = `${HAZARD_LABELS[chosen.hazard]}, ${SCENARIO_LABELS[chosen.scenario]}, ${year}`;
    const chart = pointMap(Plot, points, {
      fill: 'score',
      color: { type: 'linear', domain: [0, 100], scheme: 'YlOrRd', label: 'Hazard score H (0–100)' },
      label: `Map of ${points.length} regions coloured by hazard score: ${label}`,
      title: (p) => `${p.name} (${p.code}): ${p.score.toFixed(1)}`,
    });
    fill(mapSlot, figure(`Hazard score by region: ${label}`, chart, { class: 'chart map', 'data-year': year }));
    fill(tableSlot, topTable(points, year));
  };
  const load = async () => {
    try {
      scores = await getJson(`/api/regions/scores?hazard=${chosen.hazard}&scenario=${chosen.scenario}`, { signal });
    } catch (err) {
      // 409: the grid batch has not scored every region yet; say so instead of drawing a partial map.
      if (!(err instanceof Problem) || err.status !== 409) throw err;
      fill(mapSlot, h('div', { class: 'problem', role: 'alert' }, h('p', {}, err.message), h('p', {}, 'Run the ', h('a', { href: '/risk-batches' }, 'grid batch'), ' first.')));
      fill(tableSlot);
      slider.disabled = true;
      return;
    }
    slider.disabled = false;
    slider.max = String(scores.years.length - 1);
    slider.value = String(Math.min(Number(slider.value), scores.years.length - 1));
    draw();
  };
  slider.addEventListener('input', () => draw());
  controls.addEventListener('change', async () => {
    chosen.hazard = controls.elements.hazard.value;
    chosen.scenario = controls.elements.scenario.value;
    history.replaceState(null, '', `/regions?hazard=${chosen.hazard}&scenario=${chosen.scenario}`);
    await load();
  });
  await load();
  ready('Regions');
}
