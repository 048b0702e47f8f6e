import { download, getJson, streamEvents } from '../api.js';
import { fill, h, sleep } from '../dom.js';
import { bytes, dateTime, facts, isActive, statusBadge } from '../format.js';
import { vendorPanel } from './stt-vendor.js';

const VENDOR_STEPS = [
  ['waiting_for_slot', 'Waiting for a vendor slot'],
  ['submitted', 'Submitted'],
  ['transcribing', 'Transcribing'],
  ['completed', 'Completed'],
];
// A job given an audioUrl fetches its audio before it queues for the vendor.
const stepsOf = (state) => (state.audioUrl ? [['fetching_audio', 'Fetching audio'], ...VENDOR_STEPS] : VENDOR_STEPS);

function timeline(state, reached) {
  const steps = stepsOf(state);
  const current = state.phase === 'completed' ? steps.length - 1 : reached;
  return h(
    'ol',
    { class: 'timeline', 'aria-label': 'Phases' },
    steps.map(([phase, label], i) =>
      h('li', { class: i < current || state.phase === 'completed' ? 'done' : i === current ? 'current' : 'todo', 'aria-current': i === current && state.phase !== 'completed' ? 'step' : null, 'data-phase': phase }, label),
    ),
  );
}

const clock = (ms) => {
  const total = Math.round(ms);
  const mm = String(Math.floor(total / 60_000)).padStart(2, '0');
  const ss = String(Math.floor((total % 60_000) / 1000)).padStart(2, '0');
  return `${mm}:${ss}.${String(total % 1000).padStart(3, '0')}`;
};

function transcriptTable(utterances) {
  return h(
    'table',
    { class: 'transcript' },
    h('caption', {}, `${utterances.length} utterances`),
    h('thead', {}, h('tr', {}, ['Speaker', 'Start', 'End', 'Text'].map((l) => h('th', { scope: 'col' }, l)))),
    h('tbody', {}, utterances.map((u) => h('tr', {}, h('td', {}, `Speaker ${u.speaker}`), h('td', {}, clock(u.startMs)), h('td', {}, clock(u.startMs + u.durationMs)), h('td', {}, u.text)))),
  );
}

function downloads(id) {
  const base = `/api/transcriptions/${encodeURIComponent(id)}/transcript`;
  const button = (label, format, accept, ext) => h('button', { type: 'button', onclick: () => download(`${base}?format=${format}`, accept, `${id}.${ext}`) }, label);
  return h('div', { class: 'actions' }, button('Download text', 'text', 'text/plain', 'txt'), button('Download SRT', 'srt', 'application/x-subrip', 'srt'), button('Download JSON', 'json', 'application/json', 'json'));
}

/** Live countdown to `retryAt` while the vendor's rate limit holds the job. */
function rateLimitBanner(state, signal) {
  const countdown = h('span', { class: 'countdown', role: 'timer' });
  const tick = () => {
    const seconds = Math.ceil((Date.parse(state.retryAt) - Date.now()) / 1000);
    fill(countdown, seconds > 0 ? `${seconds} s` : 'now');
  };
  tick();
  const timer = setInterval(tick, 250);
  signal.addEventListener('abort', () => clearInterval(timer));
  const banner = h(
    'div',
    { class: 'rate-limited', role: 'status' },
    h('p', {}, h('strong', {}, 'Delayed by the vendor’s rate limit'), state.reason ? ` (${state.reason})` : ''),
    h('p', {}, 'Retrying in ', countdown, state.retryAt ? ` (at ${dateTime(state.retryAt)})` : '', '. Nothing has failed: every worker waits for the same moment.'),
  );
  return banner;
}

const jobFacts = (state) =>
  facts([
    ['Status', statusBadge(state.status)],
    ['Phase', state.phase.replaceAll('_', ' ')],
    ['File', `${state.filename} (${bytes(state.sizeBytes)})`],
    ['Vendor job', state.vendorJobId ?? '—'],
    ['Attempts', state.attempts],
    // Shown only when it happened: the vendor may have run (and billed) this audio more than once.
    state.submitsInDoubt > 0 ? ['Submits in doubt', `${state.submitsInDoubt}: sent, answer lost; the vendor may have run this audio more than once`] : null,
    ['Created', dateTime(state.createdAt)],
    ['Finished', dateTime(state.finishedAt)],
    state.error ? ['Error', state.error] : null,
    ['Temporal', h('a', { href: state.links.webUi, target: '_blank', rel: 'noopener' }, 'Web UI (opens a new tab)')],
  ]);

/** One transcription, live over server-sent events: phases, the rate-limit countdown, the transcript. */
export async function renderJob({ main, params, signal, ready }) {
  const [id] = params;
  const base = `/api/transcriptions/${encodeURIComponent(id)}`;
  const [timelineSlot, bannerSlot, factsSlot, transcriptSlot] = [h('div'), h('div'), h('div'), h('section', { 'aria-labelledby': 'transcript-title' })];
  let reached = 0;
  let shownBanner = '';
  let bannerTimer;
  let transcriptShown = false;
  const show = async (state) => {
    const step = stepsOf(state).findIndex(([phase]) => phase === state.phase);
    reached = Math.max(reached, step);
    fill(timelineSlot, timeline(state, reached));
    fill(factsSlot, jobFacts(state));
    const banner = state.phase === 'rate_limited' ? `${state.retryAt}|${state.reason}` : '';
    if (banner !== shownBanner) {
      shownBanner = banner;
      bannerTimer?.abort();
      bannerTimer = new AbortController();
      signal.addEventListener('abort', () => bannerTimer.abort());
      fill(bannerSlot, banner ? rateLimitBanner(state, bannerTimer.signal) : null);
    }
    if (state.status === 'COMPLETED' && !transcriptShown) {
      transcriptShown = true;
      const transcript = await getJson(`${base}/transcript`, { signal });
      fill(transcriptSlot, h('h2', { id: 'transcript-title' }, 'Transcript'), downloads(id), transcriptTable(transcript.utterances));
    }
  };
  let state = await getJson(base, { signal });
  main.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: '/transcriptions' }, 'Transcription'), ' › job'),
    h('h1', { tabindex: '-1' }, state.filename),
    timelineSlot,
    bannerSlot,
    factsSlot,
    vendorPanel(signal),
    transcriptSlot,
  );
  await show(state);
  ready(state.filename);
  // Events arrive faster than a transcript loads: show them one after another.
  let queue = Promise.resolve();
  while (isActive(state.status) && !signal.aborted) {
    try {
      await streamEvents(`${base}/events`, (name, data) => {
        if (name !== 'state') return;
        state = JSON.parse(data);
        const next = state;
        queue = queue.then(() => show(next));
      }, signal);
      await queue;
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
    }
    // The stream ends when the job does; if it broke off earlier, listen again.
    if (isActive(state.status)) await sleep(1000, signal);
  }
}
