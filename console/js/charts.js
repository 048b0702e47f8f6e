import { h } from './dom.js';
import { GRADES, HAZARD_LABELS, HAZARDS, krwCompact, SCENARIO_LABELS } from './format.js';

// Charts are drawn by Observable Plot (SVG), served from node_modules with d3 and loaded only on
// the pages that draw. Palettes are colour-blind safe, and lines also differ by dash pattern.

let loading;

function script(src) {
  return new Promise((resolve, reject) => {
    const el = document.createElement('script');
    el.src = src;
    // Downloaded in parallel, run in order: Plot needs d3 first.
    el.async = false;
    el.onload = resolve;
    el.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(el);
  });
}

const sum = (values) => values.reduce((a, b) => a + b, 0);

/** The Plot library, loaded once. */
export function loadPlot() {
  loading ??= Promise.all([script('/console/vendor/d3.min.js'), script('/console/vendor/plot.umd.min.js')]).then(() => window.Plot);
  return loading;
}

/** Okabe–Ito colours, plus a dash pattern each so the scenarios differ without colour too. */
export const SCENARIO_STYLE = {
  SSP126: { color: '#0072B2', dash: null },
  SSP245: { color: '#009E73', dash: '7,3' },
  SSP370: { color: '#E69F00', dash: '2,3' },
  SSP585: { color: '#D55E00', dash: '10,3,2,3' },
};

/** Paul Tol's "muted" qualitative palette: nine colour-blind-safe colours, one per hazard. */
export const HAZARD_COLORS = ['#CC6677', '#88CCEE', '#DDCC77', '#999933', '#332288', '#44AA99', '#117733', '#882255', '#AA4499'];

/** Grades from light to dark (a sequential scheme: lightness alone orders them). */
export const GRADE_COLORS = ['#e0e0e0', '#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#f03b20', '#bd0026'];

/** Plot marks that only decorate: hidden from assistive tech, which gets the chart's label and description instead. */
const DECORATION = new Set(['rule', 'frame', 'geo', 'graticule']);

/**
 * Plot labels its mark groups (`<g aria-label="line">`) without giving them a role; ARIA allows a
 * name only on elements with one. Groups get role="group", decorations are hidden.
 */
function tidy(chart) {
  for (const el of chart.querySelectorAll('[aria-label]')) {
    if (el === chart || el.hasAttribute('role')) continue;
    if (DECORATION.has(el.getAttribute('aria-label'))) el.setAttribute('aria-hidden', 'true');
    else el.setAttribute('role', el.tagName.toLowerCase() === 'g' ? 'group' : 'img');
  }
  return chart;
}

/** A chart in a figure with a caption; the SVG carries a label and a description for screen readers. */
export function figure(caption, chart, attrs = {}) {
  return h('figure', { class: 'chart', ...attrs }, h('figcaption', {}, caption), tidy(chart));
}

/** The scenario legend shared by the small multiples: a swatch with the line's colour and dash. */
export function scenarioLegend(scenarios) {
  return h(
    'ul',
    { class: 'legend', 'aria-label': 'Scenarios' },
    scenarios.map((s) =>
      h(
        'li',
        {},
        h(
          'svg:svg',
          { width: 36, height: 10, 'aria-hidden': 'true' },
          h('svg:line', { x1: 0, x2: 36, y1: 5, y2: 5, stroke: SCENARIO_STYLE[s].color, 'stroke-width': 2.5, 'stroke-dasharray': SCENARIO_STYLE[s].dash ?? 'none' }),
        ),
        SCENARIO_LABELS[s],
      ),
    ),
  );
}

/** Final AAL (%) by year, one line per scenario, for one hazard. */
export function aalChart(Plot, hazard, series) {
  const peak = series.flatMap((s) => s.finalAal.map((v, i) => ({ v, year: s.years[i], s: s.scenario }))).reduce((a, b) => (b.v > a.v ? b : a), { v: 0 });
  return Plot.plot({
    width: 340,
    height: 210,
    marginLeft: 52,
    ariaLabel: `Final AAL by year for ${HAZARD_LABELS[hazard]}`,
    ariaDescription: `${series.length} scenarios × ${series[0]?.years.length ?? 0} years; highest ${(peak.v * 100).toFixed(2)} % in ${peak.year} under ${SCENARIO_LABELS[peak.s] ?? '—'}`,
    x: { label: 'Year', tickFormat: 'd', ticks: 5 },
    y: { label: 'Final AAL (% of asset value / yr)', grid: true, zero: true, tickFormat: (v) => `${v}` },
    marks: [
      Plot.ruleY([0]),
      ...series.map((s) =>
        Plot.lineY(
          s.years.map((year, i) => ({ year, pct: s.finalAal[i] * 100 })),
          { x: 'year', y: 'pct', stroke: SCENARIO_STYLE[s.scenario].color, strokeDasharray: SCENARIO_STYLE[s.scenario].dash, strokeWidth: 2, title: () => SCENARIO_LABELS[s.scenario] },
        ),
      ),
    ],
  });
}

/** Expected loss (KRW per year) by hazard, stacked, for one scenario. */
export function stackedLossChart(Plot, scenario, series) {
  const rows = series.flatMap((s) => s.years.map((year, i) => ({ year, hazard: s.hazard, loss: s.expectedLossKrw[i] })));
  return Plot.plot({
    width: 900,
    height: 360,
    marginLeft: 70,
    ariaLabel: `Expected loss by hazard, stacked, under ${SCENARIO_LABELS[scenario]}`,
    x: { label: 'Year', tickFormat: 'd' },
    y: { label: 'Expected loss (KRW / yr; 억 = 10⁸ KRW)', grid: true, tickFormat: krwCompact },
    color: { domain: HAZARDS, range: HAZARD_COLORS, legend: true, tickFormat: (hz) => HAZARD_LABELS[hz] },
    marks: [Plot.areaY(rows, Plot.stackY({ x: 'year', y: 'loss', fill: 'hazard', order: HAZARDS, title: (d) => HAZARD_LABELS[d.hazard] })), Plot.ruleY([0])],
  });
}

/** South Korea's mainland and Jeju: the least a map shows, so one site still sits where it is. */
const KOREA = [[124.6, 33.1], [130.9, 38.7]];
const DEGREE_LABELS = { lon: [125, 126, 127, 128, 129, 130], lat: [34, 35, 36, 37, 38] };

/** Points on a Mercator projection fitted to them and to Korea, with a 1° graticule (no tiles, no outlines). */
export function pointMap(Plot, points, { fill, color, label, title }) {
  const coordinates = [...KOREA, ...points.map((p) => [p.longitude, p.latitude])];
  return Plot.plot({
    width: 560,
    height: 620,
    ariaLabel: label,
    projection: { type: 'mercator', domain: { type: 'MultiPoint', coordinates }, inset: 24 },
    color: { legend: true, ...color },
    marks: [
      Plot.geo(window.d3.geoGraticule().step([1, 1])(), { stroke: '#bbb', strokeOpacity: 0.7, ariaLabel: 'graticule' }),
      Plot.text(DEGREE_LABELS.lon, { x: (lon) => lon, y: 33.05, text: (lon) => `${lon}°E`, fill: '#55606b', dy: 10, ariaHidden: 'true' }),
      Plot.text(DEGREE_LABELS.lat, { x: 124.62, y: (lat) => lat, text: (lat) => `${lat}°N`, fill: '#55606b', textAnchor: 'start', dy: -6, ariaHidden: 'true' }),
      Plot.frame({ stroke: '#999' }),
      Plot.dot(points, { x: 'longitude', y: 'latitude', fill, r: 6, stroke: '#222', strokeWidth: 0.6, title }),
    ],
  });
}

export const gradeColor = { type: 'ordinal', domain: GRADES, range: GRADE_COLORS, label: 'Worst grade' };

/** A horizontal bar per category of a whole (rows of an ETL job, items of a moderation batch), counted in `unit`. */
export function countsBar(Plot, parts, label, unit = 'Rows') {
  return Plot.plot({
    width: 760,
    height: 90,
    marginLeft: 10,
    ariaLabel: label,
    // Whole things are counted: no ticks between them.
    x: { label: unit, grid: true, ticks: Math.max(1, Math.min(10, sum(parts.map((p) => p.value)))), tickFormat: 'd' },
    y: { axis: null },
    color: { domain: parts.map((p) => p.name), range: parts.map((p) => p.color), legend: true },
    marks: [Plot.barX(parts, Plot.stackX({ x: 'value', fill: 'name', title: (p) => `${p.name}: ${p.value}` }))],
  });
}

/**
 * One stacked bar per row (recent moderation batches by verdict): `parts` are [key, name, colour],
 * `rows` are `{ name, counts: { [key]: n } }`, counted in `unit`.
 */
export function countsBars(Plot, rows, parts, { label, unit }) {
  const cells = rows.flatMap((row) => parts.map(([key, name]) => ({ row: row.name, part: name, value: row.counts[key] ?? 0 })));
  return Plot.plot({
    width: 900,
    height: 40 + 26 * Math.max(rows.length, 1),
    marginLeft: 230,
    ariaLabel: label,
    x: { label: unit, grid: true, ticks: Math.max(1, Math.min(10, ...rows.map((row) => sum(parts.map(([key]) => row.counts[key] ?? 0))))), tickFormat: 'd' },
    y: { label: null, domain: rows.map((row) => row.name) },
    color: { domain: parts.map(([, name]) => name), range: parts.map(([, , color]) => color), legend: true },
    marks: [Plot.barX(cells, Plot.stackX({ y: 'row', x: 'value', fill: 'part', title: (c) => `${c.row}: ${c.part} ${c.value}` })), Plot.ruleX([0])],
  });
}

/** Stored chunks of a grid batch in grid order, one cell each (grid ids are sparse: only land points exist). */
export function chunkStrip(Plot, chunks) {
  const cells = chunks.map((c, i) => ({ ...c, i, kind: c.failedPoints > 0 ? 'stored, some points skipped' : 'stored' }));
  return Plot.plot({
    width: 900,
    height: 90,
    ariaLabel: `${chunks.length} stored chunks in grid order, ${cells.filter((c) => c.failedPoints > 0).length} with skipped points`,
    x: { label: 'Chunks in grid order', domain: [0, Math.max(chunks.length, 1)], ticks: Math.min(chunks.length, 10), tickFormat: 'd' },
    y: { axis: null },
    color: { domain: ['stored', 'stored, some points skipped'], range: ['#0072B2', '#E69F00'], legend: true },
    marks: [
      Plot.rectX(cells, { x1: 'i', x2: (c) => c.i + 1, y1: 0, y2: 1, fill: 'kind', stroke: '#fff', title: (c) => `grid points ${c.firstGridId}–${c.lastGridId}: ${c.points} points, ${c.failedPoints} skipped` }),
      Plot.frame({ stroke: '#999' }),
    ],
  });
}
