import { api, getJson, problemOf } from '../api.js';
import { fill, h, poll, table } from '../dom.js';
import { count, dateTime, facts, percent } from '../format.js';
import { moderationNav } from './moderation-shared.js';

const metric = (metrics, name) => (metrics ? percent(metrics[name], 1) : '—');

function versionRow(v) {
  return h(
    'tr',
    { 'data-version': v.version },
    h('th', { scope: 'row' }, `v${v.version}`, v.current ? [' ', h('span', { class: 'status status-completed' }, 'current')] : null),
    h('td', {}, v.trigger, h('div', { class: 'muted' }, v.retrainId)),
    h('td', { class: 'num' }, `${count(v.trainingExamples)} / ${count(v.heldoutExamples)}`),
    h('td', { class: 'num' }, metric(v.metrics, 'precision')),
    h('td', { class: 'num' }, metric(v.metrics, 'recall')),
    h('td', { class: 'num' }, metric(v.metrics, 'f1')),
    h('td', {}, v.baseline ? `v${v.baseline.version}: F1 ${percent(v.baseline.metrics.f1, 1)}` : '—'),
    h('td', {}, v.decision ?? 'deciding…', v.decisionReason ? h('div', { class: 'muted' }, v.decisionReason) : null),
    h('td', {}, dateTime(v.createdAt)),
  );
}

/** 202: the run's id; 409: one is running already, which is the schedule doing its job, not an error. */
async function retrainOutcome(res) {
  if (res.status === 202) {
    const { retrainId } = await res.json();
    return { retrainId, text: `Retraining ${retrainId ?? ''} started. The new version appears below once it is trained and evaluated.` };
  }
  if (res.status === 409) return { text: 'A retraining is already running, so this one was skipped. Its version appears below when it finishes.' };
  return { text: `Could not start a retraining: ${(await problemOf(res)).message}` };
}

/** Model versions with held-out metrics and which one is current; retraining on demand. */
export async function renderModels({ main, signal, ready }) {
  const head = h('div');
  const body = h('tbody');
  const updated = h('span', { class: 'muted updated' });
  const message = h('p', { role: 'status', class: 'muted' });
  const retrain = h('button', { type: 'button' }, 'Retrain now');
  // The run started from this page, until its version is decided.
  let started;
  retrain.addEventListener('click', async () => {
    retrain.disabled = true;
    try {
      const outcome = await retrainOutcome(await api('/api/moderation/retrain', { method: 'POST' }));
      started = outcome.retrainId ?? started;
      fill(message, outcome.text);
    } finally {
      retrain.disabled = false;
    }
  });
  const headers = ['Version', 'Trained by', 'Examples (training / held out)', 'Precision (%)', 'Recall (%)', 'F1 (%)', 'Compared with (same held-out examples)', 'Decision', 'Trained'];
  main.append(
    h('h1', { tabindex: '-1' }, 'Model versions'),
    moderationNav('/moderation/models'),
    h('p', { class: 'lead' }, 'Each retraining learns from every label, is scored with the current model on the same held-out examples (spam is the positive class), and is promoted only if its F1 is not lower. New batches use the current version.'),
    head,
    h('div', { class: 'actions' }, retrain),
    message,
    table(['Model versions, newest first', updated], headers, body, { class: 'models' }),
  );
  await poll(2000, signal, async () => {
    const models = await getJson('/api/moderation/models', { signal });
    const { schedule, labels } = models;
    fill(
      head,
      facts([
        ['Current version', models.currentVersion ? `v${models.currentVersion}` : 'none yet'],
        ['Labelled examples', `${count(labels.seed)} seed + ${count(labels.feedback)} from reviewers`],
        ['Next scheduled retraining', !schedule.exists ? 'no schedule (the moderation worker creates it)' : schedule.paused ? 'paused' : dateTime(schedule.nextRunAt)],
        ['Retraining now', schedule.runningRetrainIds.length ? schedule.runningRetrainIds.join(', ') : 'nothing'],
      ]),
    );
    const decided = started && models.versions.find((v) => v.retrainId === started && v.decision);
    if (decided) {
      fill(message, `Retraining ${started} trained v${decided.version}: ${decided.decision}.`);
      started = undefined;
    }
    fill(body, models.versions.length ? models.versions.map(versionRow) : h('tr', {}, h('td', { colspan: headers.length }, 'No model yet.')));
    fill(updated, `Updated ${new Date().toLocaleTimeString('en-GB')}; refreshes every 2 s.`);
    ready('Model versions');
  }, (err) => fill(updated, `Could not refresh (${err.message}); trying again.`));
}
