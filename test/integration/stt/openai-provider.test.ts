import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { transcriptFor } from '../../../devtools/fake-stt-vendor/transcript';
import { startTestStack, testConfig, waitUntil, type TestStack } from '../../support/stack';
import { startFakeSttVendor, sttEnv, upload, wav, waitForTranscription, type FakeVendor } from '../../support/stt';

/** STT_PROVIDER=openai: the same pipeline against the fake vendor's synchronous OpenAI-compatible route. */
describe('transcriptions through an OpenAI-compatible vendor', () => {
  let vendor: FakeVendor;
  let stack: TestStack;
  before(async () => {
    vendor = await startFakeSttVendor({ processingMs: 400, maxConcurrentJobs: 3, retryAfterSeconds: 1, seed: 5, apiKey: 'sk-test' });
    const env = sttEnv(vendor, { STT_PROVIDER: 'openai', STT_OPENAI_API_KEY: 'sk-test', STT_OPENAI_MODEL: 'whisper-large-v3', STT_MAX_IN_FLIGHT: '3' });
    stack = await startTestStack({ config: testConfig(env), queues: ['stt'] });
  });
  after(async () => {
    await stack.stop();
    await vendor.stop();
  });

  test('upload → one synchronous request → utterances stored; the vendor is never polled', async () => {
    vendor.admin.reset();
    const bytes = wav(900);
    const { status, body } = await upload(stack, { bytes, name: 'lecture.wav' }, { key: 'openai-1' });
    assert.equal(status, 202, JSON.stringify(body));
    const done = await waitForTranscription(stack, body.id, 'COMPLETED');
    assert.equal(done.phase, 'completed');
    assert.match(done.vendorJobId, /^sync-/);

    const expected = transcriptFor(createHash('sha256').update(bytes).digest('hex'), { useDiarization: false, speakerCount: 1 });
    const { rows } = await stack.pool.query(`SELECT speaker, start_ms, duration_ms, text FROM stt_utterances WHERE job_id = $1 ORDER BY seq`, [body.id]);
    assert.deepEqual(
      rows.map((r) => [r.speaker, r.start_ms, r.duration_ms, r.text]),
      expected.map((u) => [0, u.start_at, u.duration, u.msg]),
    );
    const transcript = (await (await fetch(`${stack.apiUrl}/api/transcriptions/${body.id}/transcript`)).json()) as { utterances: unknown[] };
    assert.equal(transcript.utterances.length, expected.length);

    const stats = vendor.admin.stats();
    assert.deepEqual([stats.requests.transcriptions, stats.submits.byFilename[`${body.id}.wav`], stats.requests.poll, stats.requests.submit], [1, 1, 0, 0]);
    const history = await stack.temporal.workflow.getHandle(body.id).fetchHistory();
    const activities = history.events?.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []) ?? [];
    // The submit took the slot itself (on the slot queue), and the synchronous answer left nothing to poll.
    assert.deepEqual(activities, ['submitTranscription', 'releaseSlot', 'finishTranscription']);
    const { rows: slots } = await stack.pool.query(`SELECT count(*)::int AS n FROM vendor_slots WHERE job_id = $1`, [body.id]);
    assert.equal(slots[0].n, 0, 'the slot was released');
  });

  test('12 jobs, a 3-request account and a 429 storm: all complete, never over the limit, nobody calls during a pause', { timeout: 180_000 }, async () => {
    vendor.admin.reset();
    vendor.admin.configure({ random429Rate: 0.3 });
    const { rows: [{ now: startedAt }] } = await stack.pool.query(`SELECT now() AS now`);
    const ids: string[] = [];
    try {
      for (let i = 0; i < 12; i++) ids.push((await upload(stack, { bytes: wav(910 + i), name: `storm-${i}.wav` }, { key: `openai-storm-${i}` })).body.id);
      await waitUntil('a 429 storm', async () => vendor.admin.stats().responses429.total >= 3, 60_000);
      for (const id of ids) await waitForTranscription(stack, id, 'COMPLETED', 150_000);
    } finally {
      vendor.admin.configure({ random429Rate: 0 });
    }
    const stats = vendor.admin.stats();
    assert.ok(stats.responses429.random >= 3, `the vendor sent ${stats.responses429.random} random 429s`);
    assert.ok(stats.maxConcurrentJobsObserved <= 3, `max concurrent requests ${stats.maxConcurrentJobsObserved}`);
    assert.equal(stats.responses429.A0002, 0, 'the global cap kept the account under its concurrency limit');
    assert.equal(stats.requests.poll, 0);
    for (const id of ids) assert.equal(stats.submits.byFilename[`${id}.wav`], 1, `${id} transcribed once`);
    // Only requests already on the wire when a 429 went out may arrive inside its window.
    const late = stats.requestsWhileLimitedLog.filter((r) => r.msSinceLimited > 250);
    assert.deepEqual(late, [], 'no request was sent after the gate closed');

    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM stt_jobs WHERE id = ANY($1) AND status = 'COMPLETED'`, [ids]);
    assert.equal(rows[0].n, ids.length);
    const { rows: utterances } = await stack.pool.query(`SELECT count(DISTINCT job_id)::int AS n FROM stt_utterances WHERE job_id = ANY($1)`, [ids]);
    assert.equal(utterances[0].n, ids.length, 'every job has its transcript');
    // Other test files share this database and may leave an rtzr row behind; this storm touched only openai's.
    const { rows: gates } = await stack.pool.query(`SELECT vendor FROM vendor_limits WHERE updated_at >= $1`, [startedAt]);
    assert.deepEqual(gates.map((g) => g.vendor), ['openai'], 'the shared gate is keyed by the provider name');
  });

  test('during a 429 pause the job shows rate_limited with a future retryAt, then completes', async () => {
    vendor.admin.reset();
    vendor.admin.configure({ random429Rate: 1, retryAfterSeconds: 3 });
    try {
      const { body } = await upload(stack, { bytes: wav(930), name: 'busy.wav' }, { key: 'openai-rate-limited' });
      const limited = await waitUntil('rate_limited', async () => {
        const view = (await (await fetch(`${stack.apiUrl}/api/transcriptions/${body.id}`)).json()) as any;
        return view.phase === 'rate_limited' ? view : undefined;
      });
      assert.equal(limited.status, 'RUNNING');
      assert.ok(Date.parse(limited.retryAt) > Date.now(), `retryAt ${limited.retryAt} is in the future`);
      assert.match(limited.reason, /^rate_limited/);
      vendor.admin.configure({ random429Rate: 0 });
      await waitForTranscription(stack, body.id, 'COMPLETED', 60_000);
    } finally {
      vendor.admin.configure({ random429Rate: 0, retryAfterSeconds: 1 });
    }
  });

  test('audio the vendor cannot transcribe fails the job at once with its message', async () => {
    vendor.admin.reset();
    vendor.admin.configure({ failureRate: 1 });
    try {
      const { body } = await upload(stack, { bytes: wav(940), name: 'noise.wav' }, { key: 'openai-failed' });
      const view = await waitForTranscription(stack, body.id, 'FAILED');
      assert.match(view.error, /could not be transcribed/);
      assert.equal(vendor.admin.stats().requests.transcriptions, 1, 'a refusal is not retried');
    } finally {
      vendor.admin.configure({ failureRate: 0 });
    }
  });
});
