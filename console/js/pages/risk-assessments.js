import { Problem } from '../api.js';
import { field, h, select } from '../dom.js';
import { jobKeyField, problemSummary, startJobForm } from '../forms.js';
import { SCENARIO_LABELS, SCENARIOS } from '../format.js';
import { recentJobs } from './recent.js';

export { renderOverview } from './risk-overview.js';

const STRUCTURES = ['reinforced_concrete', 'steel', 'masonry', 'brick', 'wood'];
const PURPOSES = ['office', 'commercial', 'residential', 'industrial', 'warehouse', 'data_center', 'public'];

const input = (name, dataField, value, attrs = {}) => h('input', { name, 'data-field': dataField, value, ...attrs });
const numberInput = (name, dataField, value) => input(name, dataField, value, { type: 'number', step: 'any', inputmode: 'decimal', required: true });

function siteFieldset() {
  const at = (path) => `body.sites[0].${path}`;
  return h(
    'fieldset',
    { class: 'grid' },
    h('legend', {}, 'Site'),
    field('Site id', input('id', at('id'), 'hq', { required: true })),
    field('Name', input('name', at('name'), '서울 본사')),
    field('Latitude (°N)', numberInput('latitude', at('latitude'), 37.5665)),
    field('Longitude (°E)', numberInput('longitude', at('longitude'), 126.978)),
    field('Structure', select('structure', STRUCTURES.map((s) => [s, s.replace('_', ' ')]), 'reinforced_concrete', { 'data-field': at('building.structure') })),
    field('Purpose', select('purpose', PURPOSES.map((p) => [p, p.replace('_', ' ')]), 'office', { 'data-field': at('building.purpose') })),
    field('Floors above ground', numberInput('floorsAbove', at('building.floorsAbove'), 12)),
    field('Floors below ground', numberInput('floorsBelow', at('building.floorsBelow'), 2)),
    field('Building age (years)', numberInput('ageYears', at('building.ageYears'), 25)),
    field('Floor area (m²)', numberInput('floorAreaM2', at('building.floorAreaM2'), 15000)),
    field('Asset value (KRW)', numberInput('assetValue', at('asset.value'), 50_000_000_000)),
    field('Insurance rate (0–1)', numberInput('insuranceRate', at('asset.insuranceRate'), 0.2), 'The share of losses insured; 0.2 = 20 %'),
  );
}

function requestFields() {
  return [
    h(
      'fieldset',
      { 'data-field': 'body.scenarios', tabindex: '-1' },
      h('legend', {}, 'Scenarios'),
      SCENARIOS.map((s) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'scenarios', value: s, checked: true }), ` ${SCENARIO_LABELS[s]}`)),
    ),
    h(
      'fieldset',
      { class: 'grid' },
      h('legend', {}, 'Years'),
      field('From', numberInput('yearFrom', 'body.years.from', 2021)),
      field('To', numberInput('yearTo', 'body.years.to', 2100)),
    ),
    h(
      'details',
      {},
      h('summary', {}, 'Many sites at once (JSON)'),
      field(
        'Sites as a JSON array (replaces the site above)',
        h('textarea', { name: 'sitesJson', rows: 6, 'data-field': 'body.sites', spellcheck: 'false' }),
        'The same objects as the API takes: [{"id": "…", "latitude": …, "longitude": …, "building": {…}, "asset": {…}}, …]',
      ),
    ),
  ];
}

/** The request the form describes: one site from the fields, or the pasted array. */
function requestBody(data) {
  const num = (name) => (data.get(name) === '' ? undefined : Number(data.get(name)));
  const pasted = String(data.get('sitesJson') ?? '').trim();
  const sites = pasted
    ? JSON.parse(pasted)
    : [
        {
          id: String(data.get('id')).trim(),
          ...(String(data.get('name')).trim() ? { name: String(data.get('name')).trim() } : {}),
          latitude: num('latitude'),
          longitude: num('longitude'),
          building: { structure: data.get('structure'), purpose: data.get('purpose'), floorsAbove: num('floorsAbove'), floorsBelow: num('floorsBelow'), ageYears: num('ageYears'), floorAreaM2: num('floorAreaM2') },
          asset: { value: num('assetValue'), insuranceRate: num('insuranceRate') },
        },
      ];
  return { sites, scenarios: data.getAll('scenarios'), years: { from: num('yearFrom'), to: num('yearTo') } };
}

/** The list page: the form that starts an assessment, and recent assessments. */
export async function renderList({ main, signal, navigate, ready }) {
  const form = h(
    'form',
    { class: 'start-form', 'aria-labelledby': 'new-assessment', novalidate: true },
    h('h2', { id: 'new-assessment' }, 'New assessment'),
    problemSummary(),
    siteFieldset(),
    requestFields(),
    jobKeyField('risk'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Start assessment')),
  );
  startJobForm(form, {
    path: '/api/risk-assessments',
    request: (data) => {
      try {
        return { json: requestBody(data) };
      } catch (err) {
        // Checked here because the browser, not the API, reads the pasted text.
        throw new Problem(400, { title: 'Invalid JSON', detail: err.message, errors: [{ field: 'body.sites', message: `not valid JSON: ${err.message}` }] });
      }
    },
    navigate,
  });
  main.append(
    h('h1', { tabindex: '-1' }, 'Climate physical risk'),
    h('p', { class: 'lead' }, 'Sites × SSP scenarios × years × 9 hazards: final AAL (% of asset value per year), expected loss (KRW) and grades. See also the ', h('a', { href: '/regions' }, 'regions map'), ' and the ', h('a', { href: '/risk-batches' }, 'grid batch'), '.'),
    form,
    recentJobs({ title: 'Recent assessments', pipeline: 'risk', type: 'riskAssessmentWorkflow', signal }),
  );
  ready('Climate risk');
}
