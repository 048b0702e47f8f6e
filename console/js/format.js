import { h } from './dom.js';

// Labels and formats shared by the pages. Units are always spelled out next to numbers.

export const SCENARIOS = ['SSP126', 'SSP245', 'SSP370', 'SSP585'];
export const SCENARIO_LABELS = { SSP126: 'SSP1-2.6', SSP245: 'SSP2-4.5', SSP370: 'SSP3-7.0', SSP585: 'SSP5-8.5' };

export const HAZARDS = ['extreme_heat', 'extreme_cold', 'drought', 'water_stress', 'river_flood', 'urban_flood', 'sea_level_rise', 'typhoon', 'wildfire'];
export const HAZARD_LABELS = {
  extreme_heat: 'Extreme heat (폭염)',
  extreme_cold: 'Extreme cold (한파)',
  drought: 'Drought (가뭄)',
  water_stress: 'Water stress (물 부족)',
  river_flood: 'River flood (하천 범람)',
  urban_flood: 'Urban flood (도시 침수)',
  sea_level_rise: 'Sea-level rise (해수면 상승)',
  typhoon: 'Typhoon (태풍)',
  wildfire: 'Wildfire (산불)',
};

/** Grades of final AAL, mildest first (docs/risk-model.md). */
export const GRADES = ['none', 'minimal', 'minor', 'moderate', 'major', 'severe', 'extreme'];

export const JOB_STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED'];
export const isActive = (status) => status === 'PENDING' || status === 'RUNNING';

const number = new Intl.NumberFormat('en');
export const count = (n) => number.format(n);

/** A fraction of the asset value as a percentage: 0.0234 → "2.34 %". */
export const percent = (fraction, digits = 2) => `${(fraction * 100).toFixed(digits)} %`;

const krwFull = new Intl.NumberFormat('ko-KR', { style: 'currency', currency: 'KRW', maximumFractionDigits: 0 });
const krwShort = new Intl.NumberFormat('ko-KR', { notation: 'compact', maximumFractionDigits: 1 });
export const krw = (value) => krwFull.format(value);
/** Axis ticks in Korean units: 1.2억 (10⁸), 3조 (10¹²). */
export const krwCompact = (value) => krwShort.format(value);

export function bytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
export const dateTime = (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : '—');

/** "12 s ago", "3 min ago": how old a moment is, as of now. */
export function age(iso, now = Date.now()) {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** A `<time>` element showing the age, with the exact moment for assistive tech and hover. */
export const ageElement = (iso) => h('time', { datetime: iso, title: dateTime(iso) }, age(iso));

export const statusBadge = (status) => h('span', { class: `status status-${String(status).toLowerCase()}` }, status);

export const gradeBadge = (grade) => (grade ? h('span', { class: `grade grade-${grade}` }, grade) : '—');

/** A progress bar with its numbers spelled out beside it. */
export function progressBar(done, total, unit, label) {
  const text = `${count(done)} / ${count(total)} ${unit}`;
  return h(
    'span',
    { class: 'progress' },
    h('progress', { value: Math.min(done, total), max: Math.max(total, 1), 'aria-label': `${label}: ${text}` }),
    h('span', { class: 'progress-text' }, text),
  );
}

/** API job resources and the console pages that show them; a retraining run shows as the model versions. */
const CONSOLE_PAGES = [
  [/^\/api\/(risk-assessments|risk-batches|transcriptions|etl-jobs|moderation\/batches)\/([^/]+)$/, (kind, id) => `/${kind}/${id}`],
  [/^\/api\/moderation\/retrains\/[^/]+$/, () => '/moderation/models'],
];

/** The console page of an API job resource (`/api/etl-jobs/x` → `/etl-jobs/x`); systems checks have none. */
export function consolePath(apiPath) {
  if (!apiPath) return null;
  for (const [pattern, page] of CONSOLE_PAGES) {
    const match = pattern.exec(apiPath);
    if (match) return page(...match.slice(1));
  }
  return null;
}

/** Definition list from [term, description] pairs. */
export const facts = (pairs) =>
  h(
    'dl',
    { class: 'facts' },
    pairs.filter(Boolean).map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value ?? '—'))),
  );
