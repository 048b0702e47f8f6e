import { getJson } from '../api.js';
import { countsBar, figure, loadPlot } from '../charts.js';
import { field, fill, h, poll } from '../dom.js';
import { jobKeyField, problemSummary, startJobForm, uploadBody } from '../forms.js';
import { bytes, count, dateTime, facts, isActive, statusBadge } from '../format.js';
import { recentJobs } from './recent.js';

/** The CSV upload form and recent jobs. */
export async function renderList({ main, signal, navigate, ready }) {
  const form = h(
    'form',
    { class: 'start-form', 'aria-labelledby': 'new-etl-job', novalidate: true },
    h('h2', { id: 'new-etl-job' }, 'New ETL job'),
    problemSummary(),
    field(
      'Videos CSV',
      h('input', { type: 'file', name: 'file', accept: '.csv,text/csv', 'data-field': 'file', required: true }),
      'Columns id, title, category, instructor, duration, published date and video URL, with Korean or English headers (영상ID, 제목, …).',
    ),
    jobKeyField('etl'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Upload and load')),
  );
  startJobForm(form, { path: '/api/etl-jobs', request: (data) => uploadBody(data, {}), navigate });
  main.append(
    h('h1', { tabindex: '-1' }, 'Video metadata ETL'),
    h('p', { class: 'lead' }, 'Each row is validated, its URL probed (.asx playlists resolved), the video streamed into object storage with a sha256, and loaded into PostgreSQL.'),
    form,
    recentJobs({ title: 'Recent ETL jobs', pipeline: 'etl', type: 'etlJobWorkflow', signal }),
  );
  ready('Video ETL');
}

const PARTS = [
  ['loaded', 'Loaded', '#009E73'],
  ['failed', 'Failed', '#D55E00'],
  ['rejected', 'Rejected rows', '#CC79A7'],
  ['downloaded', 'Downloaded', '#56B4E9'],
  ['pending', 'Pending', '#BBBBBB'],
];

function rejectionsTable(items) {
  return h(
    'table',
    { class: 'rejections' },
    h('caption', {}, `Rejected rows (${items.length})`),
    h('thead', {}, h('tr', {}, ['Row', 'Column', 'Reason'].map((l) => h('th', { scope: 'col' }, l)))),
    h('tbody', {}, items.length ? items.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.rowNumber), h('td', {}, r.column ?? '—'), h('td', {}, r.reason))) : h('tr', {}, h('td', { colspan: 3 }, 'None.'))),
  );
}

function videosTable(items) {
  return h(
    'table',
    { class: 'videos' },
    h('caption', {}, `Videos (${items.length})`),
    h('thead', {}, h('tr', {}, ['Video', 'Title', 'Status', 'HTTP', 'Size', 'sha256', 'Resolved URL'].map((l) => h('th', { scope: 'col' }, l)))),
    h(
      'tbody',
      {},
      items.map((v) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, v.videoId),
          h('td', {}, v.title),
          h('td', {}, v.status, v.error ? h('div', { class: 'muted' }, v.error) : null),
          h('td', { class: 'num' }, v.httpStatus ?? '—'),
          h('td', { class: 'num' }, bytes(v.sizeBytes)),
          h('td', {}, v.sha256 ? h('code', { class: 'hash', title: v.sha256 }, v.sha256) : '—'),
          h('td', { class: 'url' }, v.resolvedUrl ?? '—'),
        ),
      ),
    ),
  );
}

/** One ETL job: counts as a bar, rejections and videos, refreshed while it runs. */
export async function renderJob({ main, params, signal, ready }) {
  const [id] = params;
  const base = `/api/etl-jobs/${encodeURIComponent(id)}`;
  const [head, bar, rejections, videos] = [h('div'), h('div'), h('section'), h('section')];
  main.append(h('p', { class: 'breadcrumb' }, h('a', { href: '/etl-jobs' }, 'Video ETL'), ' › job'), h('h1', { tabindex: '-1' }, `ETL job ${id}`), head, bar, rejections, videos);
  const Plot = await loadPlot();
  await poll(2000, signal, async () => {
    const [job, rej, vids] = await Promise.all([getJson(base, { signal }), getJson(`${base}/rejections?limit=1000`, { signal }), getJson(`${base}/videos?limit=1000`, { signal })]);
    const c = job.counts;
    fill(
      head,
      facts([
        ['Status', statusBadge(job.status)],
        ['Input rows', count(c.total)],
        job.chunks ? ['Chunks', `${job.chunks.done} of ${job.chunks.total}`] : null,
        ['Created', dateTime(job.createdAt)],
        ['Finished', dateTime(job.finishedAt)],
        job.error ? ['Error', job.error] : null,
        ['Temporal', h('a', { href: job.links.webUi, target: '_blank', rel: 'noopener' }, 'Web UI (opens a new tab)')],
      ]),
    );
    const parts = PARTS.map(([key, name, color]) => ({ name: `${name}: ${c[key]}`, value: c[key], color }));
    fill(bar, figure('Rows by outcome', countsBar(Plot, parts, `Rows by outcome: ${parts.map((p) => p.name).join(', ')}`)));
    fill(rejections, rejectionsTable(rej.items));
    fill(videos, videosTable(vids.items));
    ready(`ETL job ${id}`);
    return isActive(job.status);
  }, () => {});
}
