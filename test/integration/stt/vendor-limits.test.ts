import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, testConfig, waitUntil, type TestStack } from '../../support/stack';
import { startFakeSttVendor, sttEnv, upload, wav, waitForTranscription, type FakeVendor } from '../../support/stt';

describe('sharing one vendor account', () => {
  let vendor: FakeVendor;
  let stack: TestStack;
  before(async () => {
    vendor = await startFakeSttVendor({ processingMs: 400, maxConcurrentJobs: 3, retryAfter: true, retryAfterSeconds: 1, seed: 7 });
    stack = await startTestStack({ config: testConfig(sttEnv(vendor, { STT_MAX_IN_FLIGHT: '3' })), queues: ['stt'] });
  });
  after(async () => {
    await stack.stop();
    await vendor.stop();
  });

  test('20 jobs, a 3-job account and random 429s: all complete, never over the limit, nobody calls during a pause', { timeout: 180_000 }, async () => {
    vendor.admin.reset();
    vendor.admin.configure({ random429Rate: 0.15 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await upload(stack, { bytes: wav(100 + i), name: `batch-${i}.wav` }, { key: `batch-${i}` })).body.id);
    for (const id of ids) await waitForTranscription(stack, id, 'COMPLETED', 150_000);
    const stats = vendor.admin.stats();
    vendor.admin.configure({ random429Rate: 0 });
    assert.ok(stats.responses429.total > 0, 'the vendor did send 429s');
    assert.ok(stats.maxConcurrentJobsObserved <= 3, `max concurrent jobs ${stats.maxConcurrentJobsObserved}`);
    assert.equal(stats.responses429.A0002, 0, 'the global cap kept the account under its concurrency limit');
    for (const id of ids) assert.equal(stats.submits.byFilename[`${id}.wav`], 1, `${id} submitted once`);
    // Only requests already on the wire when a 429 went out may arrive inside its window.
    const late = stats.requestsWhileLimitedLog.filter((r) => r.msSinceLimited > 250);
    assert.deepEqual(late, [], 'no request was sent after the gate closed');
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM vendor_slots`);
    assert.equal(rows[0].n, 0, 'every slot was released');
  });

  test('an expired token is refreshed once and the job completes', async () => {
    vendor.admin.reset();
    const first = await upload(stack, { bytes: wav(300), name: 'warm.wav' }, { key: 'token-warm' });
    await waitForTranscription(stack, first.body.id, 'COMPLETED');
    const before = vendor.admin.stats().authenticates;
    vendor.admin.expireTokens();
    const second = await upload(stack, { bytes: wav(301), name: 'after-expiry.wav' }, { key: 'token-expired' });
    await waitForTranscription(stack, second.body.id, 'COMPLETED');
    const stats = vendor.admin.stats();
    // Requests in flight together may each meet the 401, but they share one refresh.
    assert.equal(stats.authenticates - before, 1);
    assert.ok(stats.responses401 >= 1);
  });

  test('a vendor job that fails ends FAILED with the vendor’s message', async () => {
    vendor.admin.configure({ failureRate: 1 });
    try {
      const { body } = await upload(stack, { bytes: wav(400), name: 'noise.wav' }, { key: 'vendor-failed' });
      const view = await waitForTranscription(stack, body.id, 'FAILED');
      assert.equal(view.phase, 'failed');
      assert.match(view.error, /could not transcribe/);
      const { rows } = await stack.pool.query(`SELECT status, error FROM stt_jobs WHERE id = $1`, [body.id]);
      assert.equal(rows[0].status, 'FAILED');
    } finally {
      vendor.admin.configure({ failureRate: 0 });
    }
  });

  test('a vendor 400 fails the job at once, without retries', async () => {
    vendor.admin.reset();
    // The first run's submit hangs at the vendor, so it cannot land after the test rewrites the job.
    vendor.admin.configure({ hang: 'submit' });
    const { body } = await upload(stack, { bytes: wav(500), name: 'bad-config.wav' }, { key: 'vendor-400' });
    await waitUntil('the first run’s submit to hang', async () => vendor.admin.stats().hungRequests >= 1, 30_000);
    await stack.temporal.workflow.getHandle(body.id).terminate('replaced by the test');
    vendor.admin.configure({ hang: 'off' });
    // Options the API would refuse, written straight to the job, to make the vendor answer 400 H0001.
    await stack.pool.query(`UPDATE stt_jobs SET options = '{"diarization": true, "speakerCount": -1}', vendor_job_id = NULL WHERE id = $1`, [body.id]);
    const submitsBefore = vendor.admin.stats().requests.submit;
    const rerun = await stack.temporal.workflow.start('transcriptionWorkflow', {
      workflowId: `${body.id}-rerun`,
      taskQueue: stack.config.pipelines.stt.queue.taskQueue,
      args: [{ jobId: body.id, pollIntervalMs: 300 }],
    });
    await assert.rejects(rerun.result());
    const { rows } = await stack.pool.query(`SELECT status, error FROM stt_jobs WHERE id = $1`, [body.id]);
    assert.equal(rows[0].status, 'FAILED');
    assert.match(rows[0].error, /spk_count/);
    // One request, or two when the first met an expired token: a 400 itself is not retried.
    const submitted = vendor.admin.stats().requests.submit - submitsBefore;
    assert.ok(submitted <= 2, `the rejected submit was not retried (${submitted} submit requests)`);
    const history = await rerun.fetchHistory();
    const attempts = history.events?.filter((e) => e.activityTaskStartedEventAttributes?.attempt && e.activityTaskStartedEventAttributes.attempt > 1) ?? [];
    assert.deepEqual(attempts, []);
  });

  test('during a 429 pause the job shows rate_limited with a future retryAt, and SSE delivers it', async () => {
    vendor.admin.reset();
    vendor.admin.configure({ random429Rate: 1, retryAfterSeconds: 3 });
    const { body } = await upload(stack, { bytes: wav(600), name: 'busy.wav' }, { key: 'rate-limited' });
    const events = fetch(`${stack.apiUrl}/api/transcriptions/${body.id}/events`);
    const limited = await waitUntil('rate_limited', async () => {
      const view = (await (await fetch(`${stack.apiUrl}/api/transcriptions/${body.id}`)).json()) as any;
      return view.phase === 'rate_limited' ? view : undefined;
    });
    assert.equal(limited.status, 'RUNNING');
    assert.ok(Date.parse(limited.retryAt) > Date.now(), `retryAt ${limited.retryAt} is in the future`);
    assert.match(limited.reason, /^rate_limited/);
    vendor.admin.configure({ random429Rate: 0 });
    const done = await waitForTranscription(stack, body.id, 'COMPLETED', 60_000);
    assert.equal(done.submitsInDoubt, 0, 'a submit refused with a 429 started no job');
    const stream = await (await events).text();
    const phases = [...stream.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]).phase);
    assert.ok(phases.includes('rate_limited'), phases.join());
    assert.equal(phases.at(-1), 'completed');
  });
});
