import { getJson } from '../api.js';
import { fill, h, poll, select } from '../dom.js';
import { ageElement, consolePath, JOB_STATUSES, progressBar, statusBadge } from '../format.js';

const PIPELINES = [
  ['', 'All pipelines'],
  ['risk', 'Climate risk'],
  ['stt', 'Transcription'],
  ['etl', 'Video ETL'],
  ['moderation', 'Content moderation'],
  ['system-check', 'System check'],
];

const REFRESH_MS = 2000;

function runRow(run) {
  const page = consolePath(run.links.job);
  return h(
    'tr',
    { 'data-workflow-id': run.workflowId },
    h('th', { scope: 'row' }, page ? h('a', { href: page }, run.workflowId) : run.workflowId, h('div', { class: 'muted' }, run.type)),
    h('td', {}, run.pipeline),
    h('td', {}, statusBadge(run.status), run.statusDetail ? h('div', { class: 'muted' }, run.statusDetail.replaceAll('_', ' ')) : null),
    h('td', {}, run.progress ? progressBar(run.progress.done, run.progress.total, run.progress.unit, `Progress of ${run.workflowId}`) : '—'),
    h('td', {}, ageElement(run.startedAt)),
    h('td', {}, h('a', { href: run.links.webUi, target: '_blank', rel: 'noopener' }, 'Web UI', h('span', { class: 'visually-hidden' }, ` for ${run.workflowId} (opens a new tab)`))),
  );
}

/** Runs of every pipeline, newest activity first, refreshed every 2 s. */
export async function render({ main, query, signal, navigate, ready }) {
  const pipeline = query.get('pipeline') ?? '';
  const status = query.get('status') ?? '';
  const filters = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter runs' },
    h('div', { class: 'field' }, h('label', { for: 'runs-pipeline' }, 'Pipeline'), select('pipeline', PIPELINES, pipeline, { id: 'runs-pipeline' })),
    h('div', { class: 'field' }, h('label', { for: 'runs-status' }, 'Status'), select('status', [['', 'Any status'], ...JOB_STATUSES.map((s) => [s, s])], status, { id: 'runs-status' })),
  );
  filters.addEventListener('change', () => {
    const params = new URLSearchParams([...new FormData(filters)].filter(([, v]) => v));
    navigate(`/${params.size ? `?${params}` : ''}`, { replace: true });
  });
  const body = h('tbody');
  const updated = h('span', { class: 'muted updated' });
  main.append(
    h('h1', { tabindex: '-1' }, 'Runs'),
    h('p', { class: 'lead' }, 'Every job of every pipeline: running first, then the most recently finished. Start one: ',
      h('a', { href: '/risk-assessments' }, 'climate risk assessment'), ', ', h('a', { href: '/transcriptions' }, 'transcription'), ', ', h('a', { href: '/etl-jobs' }, 'video ETL job'), ', ', h('a', { href: '/moderation' }, 'moderation batch'), '.'),
    filters,
    h(
      'table',
      { class: 'runs' },
      h('caption', {}, 'Runs', updated),
      h('thead', {}, h('tr', {}, ['Run', 'Pipeline', 'Status', 'Progress', 'Started', 'Temporal'].map((label) => h('th', { scope: 'col' }, label)))),
      body,
    ),
  );
  const params = new URLSearchParams({ limit: '50' });
  if (pipeline) params.set('pipeline', pipeline);
  if (status) params.set('status', status);
  await poll(REFRESH_MS, signal, async () => {
    const page = await getJson(`/api/runs?${params}`, { signal });
    fill(body, page.items.length ? page.items.map(runRow) : h('tr', {}, h('td', { colspan: 6 }, 'No runs yet.')));
    fill(updated, `Updated ${new Date().toLocaleTimeString('en-GB')}; refreshes every 2 s.`);
    ready('Runs');
  }, (err) => fill(updated, `Could not refresh (${err.message}); trying again.`));
}
