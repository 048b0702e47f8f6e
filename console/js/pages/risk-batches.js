import { api, getJson, problemOf } from '../api.js';
import { chunkStrip, figure, loadPlot } from '../charts.js';
import { fill, h, poll, sleep } from '../dom.js';
import { count, dateTime, facts, progressBar, statusBadge } from '../format.js';

const batchStatus = (status) => statusBadge(status.startsWith('COMPLETED') ? 'COMPLETED' : status === 'RUNNING' ? 'RUNNING' : status === 'CANCELED' ? 'CANCELED' : 'FAILED');

function scheduleFacts(schedule) {
  return facts([
    ['Schedule', schedule.id],
    ['Next run', schedule.paused ? 'paused' : dateTime(schedule.nextRunAt)],
    ['Running now', schedule.runningBatchIds.length ? schedule.runningBatchIds.map((id) => h('a', { href: `/risk-batches/${encodeURIComponent(id)}` }, id)) : 'nothing'],
  ]);
}

function batchRow(b) {
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, h('a', { href: `/risk-batches/${encodeURIComponent(b.id)}` }, b.id)),
    h('td', {}, batchStatus(b.status), ' ', h('span', { class: 'muted' }, b.status.toLowerCase().replaceAll('_', ' '))),
    h('td', {}, b.trigger),
    h('td', {}, progressBar(b.pointsDone, b.pointsTotal, 'grid points', `Progress of ${b.id}`)),
    h('td', { class: 'num' }, count(b.chunksDone)),
    h('td', { class: 'num' }, count(b.failedPoints)),
    h('td', {}, dateTime(b.startedAt)),
    h('td', {}, dateTime(b.finishedAt)),
  );
}

/** The schedule, a button that runs the batch now, and recent batches. */
export async function renderList({ main, signal, navigate, ready }) {
  const scheduleSlot = h('div');
  const message = h('p', { role: 'status', class: 'muted' });
  const runNow = h('button', { type: 'button' }, 'Run the grid batch now');
  runNow.addEventListener('click', async () => {
    runNow.disabled = true;
    const res = await api('/api/risk-batches', { method: 'POST' });
    runNow.disabled = false;
    if (!res.ok) return fill(message, (await problemOf(res)).message);
    const started = await res.json();
    if (!started.batchId) return fill(message, 'Started; the batch appears below in a moment.');
    fill(message, `Started ${started.batchId}; opening it once it has planned its chunks…`);
    // The batch's row exists once its first activity has run: open its page then, not before.
    for (let i = 0; i < 50 && !signal.aborted; i++) {
      const { batches } = await getJson('/api/risk-batches?limit=5', { signal });
      if (batches.some((b) => b.id === started.batchId)) return navigate(`/risk-batches/${encodeURIComponent(started.batchId)}`);
      await sleep(200, signal);
    }
  });
  const body = h('tbody');
  main.append(
    h('h1', { tabindex: '-1' }, 'Hazard grid batch'),
    h('p', { class: 'lead' }, 'H and P(H) for every grid point × scenario × year × hazard, on a yearly Temporal Schedule (overlap: skip) or on demand.'),
    scheduleSlot,
    h('div', { class: 'actions' }, runNow),
    message,
    h('table', {}, h('caption', {}, 'Recent batches'), h('thead', {}, h('tr', {}, ['Batch', 'Status', 'Trigger', 'Progress', 'Chunks stored', 'Points skipped', 'Started', 'Finished'].map((l) => h('th', { scope: 'col' }, l)))), body),
  );
  await poll(2000, signal, async () => {
    const { schedule, batches } = await getJson('/api/risk-batches?limit=20', { signal });
    fill(scheduleSlot, scheduleFacts(schedule));
    fill(body, batches.length ? batches.map(batchRow) : h('tr', {}, h('td', { colspan: 8 }, 'No batch has run yet.')));
    ready('Grid batch');
  }, () => {});
}

function chunkTable(chunks) {
  const shown = [...chunks].sort((a, b) => Date.parse(b.finishedAt) - Date.parse(a.finishedAt)).slice(0, 50);
  return h(
    'table',
    {},
    h('caption', {}, `Stored chunks, latest first${chunks.length > shown.length ? ` (${shown.length} of ${count(chunks.length)})` : ''}`),
    h('thead', {}, h('tr', {}, ['Grid points', 'Points', 'Rows written', 'Points skipped', 'Attempts', 'Finished'].map((l) => h('th', { scope: 'col' }, l)))),
    h(
      'tbody',
      {},
      shown.map((c) => h('tr', {}, h('th', { scope: 'row' }, `${c.firstGridId}–${c.lastGridId}`), h('td', { class: 'num' }, count(c.points)), h('td', { class: 'num' }, count(c.rowsWritten)), h('td', { class: 'num' }, count(c.failedPoints)), h('td', { class: 'num' }, c.attempts), h('td', {}, dateTime(c.finishedAt)))),
    ),
  );
}

/** One batch: progress by chunk, failed chunks, refreshed while it runs. */
export async function renderBatch({ main, params, signal, ready }) {
  const [id] = params;
  const head = h('div');
  const strip = h('div');
  const list = h('div');
  main.append(h('p', { class: 'breadcrumb' }, h('a', { href: '/risk-batches' }, 'Grid batch'), ' › batch'), h('h1', { tabindex: '-1' }, `Batch ${id}`), head, h('h2', {}, 'Chunks'), strip, list);
  const Plot = await loadPlot();
  await poll(2000, signal, async () => {
    const { batch: b, chunks, failedChunks, chunksInFlight } = await getJson(`/api/risk-batches/${encodeURIComponent(id)}/chunks?limit=10000`, { signal });
    fill(
      head,
      facts([
        ['Status', [batchStatus(b.status), ' ', b.status.toLowerCase().replaceAll('_', ' ')]],
        ['Grid points', progressBar(b.pointsDone, b.pointsTotal, 'grid points', 'Grid points done')],
        ['Chunks stored', count(b.chunksDone)],
        ['Chunks in flight', chunksInFlight ?? '—'],
        ['Failed chunks', failedChunks === null ? '—' : h('span', { class: failedChunks ? 'bad' : '' }, count(failedChunks))],
        ['Points skipped (unusable data)', count(b.failedPoints)],
        ['Most attempts of a chunk', b.maxChunkAttempts],
        ['Started', dateTime(b.startedAt)],
        ['Finished', dateTime(b.finishedAt)],
        b.error ? ['Error', b.error] : null,
        ['Temporal', h('a', { href: b.webUiUrl, target: '_blank', rel: 'noopener' }, 'Web UI (opens a new tab)')],
      ]),
    );
    fill(strip, chunks.length ? figure('Stored chunks in grid order', chunkStrip(Plot, chunks)) : h('p', {}, 'No chunk stored yet.'));
    fill(list, chunkTable(chunks));
    ready(`Batch ${id}`);
    return b.status === 'RUNNING';
  }, () => {});
}
