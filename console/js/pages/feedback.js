import { getJson, streamEvents } from '../api.js';
import { field, fill, h, poll, sleep, table } from '../dom.js';
import { jobKeyField, problemSummary, startJobForm } from '../forms.js';
import { ageElement, dateTime, facts, isActive, statusBadge } from '../format.js';

/** The form for a new feedback job and the recent jobs, refreshed while any runs. */
export async function renderList({ main, signal, navigate, ready }) {
  const form = h(
    'form',
    { class: 'start-form', 'aria-labelledby': 'new-feedback', novalidate: true },
    h('h2', { id: 'new-feedback' }, 'New feedback job'),
    problemSummary(),
    field('Challenge id', h('input', { name: 'challengeId', required: true, 'data-field': 'body.challengeId', autocomplete: 'off' })),
    field('Submission', h('textarea', { name: 'text', rows: 4, required: true, 'data-field': 'body.submission.text' })),
    jobKeyField('feedback'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Ask for feedback')),
  );
  startJobForm(form, {
    path: '/api/feedback-jobs',
    request: (data) => ({ json: { challengeId: String(data.get('challengeId')).trim(), submission: { text: String(data.get('text')) } } }),
    navigate,
  });
  const list = h('section', { 'aria-live': 'polite' });
  main.append(
    h('h1', { tabindex: '-1' }, 'LLM feedback'),
    h('p', { class: 'lead' }, 'Each job asks the model server about one submission to a challenge; its tokens stream here while it writes.'),
    form,
    list,
  );
  const refresh = async () => {
    const { jobs } = await getJson('/api/feedback-jobs?limit=20', { signal });
    const rows = jobs.map((j) =>
      h('tr', {}, h('td', {}, h('a', { href: `/feedback-jobs/${encodeURIComponent(j.id)}` }, j.id)), h('td', {}, j.challengeId), h('td', {}, statusBadge(j.status)), h('td', {}, ageElement(j.createdAt))),
    );
    fill(list, table('Recent feedback jobs', ['Job', 'Challenge', 'Status', 'Created'], rows));
    return jobs.some((j) => j.status === 'RUNNING');
  };
  await refresh();
  ready('LLM feedback');
  await poll(2000, signal, refresh);
}

function resultView(result) {
  if (!result) return null;
  return h(
    'section',
    { 'aria-labelledby': 'feedback-result' },
    h('h2', { id: 'feedback-result' }, `Feedback: ${result.verdict.replaceAll('_', ' ')} (${result.score}/100)`),
    h('p', {}, result.summary),
    table('Criteria', ['Criterion', 'Met', 'Comment'], result.criteria.map((c) => h('tr', {}, h('td', {}, c.criterion), h('td', {}, c.met ? 'yes' : 'no'), h('td', {}, c.comment)))),
    result.suggestions.length ? h('ul', {}, result.suggestions.map((s) => h('li', {}, s))) : null,
  );
}

const jobFacts = (job) =>
  facts([
    ['Status', statusBadge(job.status)],
    ['Phase', job.phase.replaceAll('_', ' ') + (job.phase === 'rate_limited' && job.retryAt ? ` until ${dateTime(job.retryAt)}` : '')],
    ['Challenge', job.challengeId],
    ['Tokens', `${job.usage.promptTokens} in, ${job.usage.completionTokens} out, ${job.usage.calls} calls${job.repaired ? ' (repaired)' : ''}`],
    ['Created', dateTime(job.createdAt)],
    ['Finished', dateTime(job.finishedAt)],
    job.error ? ['Error', job.error] : null,
    ['Temporal', h('a', { href: job.links.webUi, target: '_blank', rel: 'noopener' }, 'Web UI (opens a new tab)')],
  ]);

/** One feedback job: its facts, the model's text as it streams, and the validated feedback. */
export async function renderJob({ main, params, signal, ready }) {
  const [id] = params;
  const base = `/api/feedback-jobs/${encodeURIComponent(id)}`;
  let job = await getJson(base, { signal });
  const [factsSlot, resultSlot] = [h('div'), h('div')];
  const tokens = h('pre', { class: 'token-stream', 'aria-live': 'off', 'data-testid': 'token-stream' });
  const callNote = h('p', { class: 'hint' });
  const show = () => {
    fill(factsSlot, jobFacts(job));
    fill(resultSlot, resultView(job.result));
  };
  main.append(h('p', { class: 'breadcrumb' }, h('a', { href: '/feedback-jobs' }, 'LLM feedback'), ' › job'), h('h1', { tabindex: '-1' }, id), factsSlot, h('h2', {}, 'Model output'), callNote, tokens, resultSlot);
  show();
  ready(id);
  for (let done = false; !done && !signal.aborted; ) {
    let text = '';
    try {
      // The stream replays from the start, so a reconnect simply redraws.
      await streamEvents(`${base}/stream`, (name, data) => {
        if (name === 'call') {
          const call = JSON.parse(data);
          text = '';
          fill(callNote, call.purpose === 'repair' ? 'Repairing an invalid answer:' : 'Answer:');
        } else if (name === 'token') {
          text += JSON.parse(data).text;
          fill(tokens, text);
        } else if (name === 'end') {
          done = true;
        }
      }, signal);
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
    }
    job = await getJson(base, { signal });
    show();
    if (!isActive(job.status)) return;
    if (!done) await sleep(1000, signal);
  }
}
