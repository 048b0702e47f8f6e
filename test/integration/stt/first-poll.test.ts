import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestStack, testConfig } from '../../support/stack';
import { startFakeSttVendor, sttEnv, upload, wav, waitForTranscription } from '../../support/stt';

test('once recent jobs show how long the vendor takes, a job is first polled when it can be done, not from the start', { timeout: 240_000 }, async () => {
  const vendor = await startFakeSttVendor({ processingMs: 6_000 });
  const stack = await startTestStack({ config: testConfig(sttEnv(vendor, { STT_POLL_INTERVAL_MS: '1000' })), queues: ['stt'] });
  try {
    const audio = (seed: number) => ({ bytes: wav(seed, 8_000), name: `same-length-${seed}.wav` });
    const learning = await Promise.all([1, 2, 3].map((seed) => upload(stack, audio(seed), { key: `first-poll-learn-${seed}` })));
    const learned = await Promise.all(learning.map(({ body }) => waitForTranscription(stack, body.id, 'COMPLETED')));
    const pollsOf = (vendorJobId: string) => vendor.admin.stats().polls.byJob[vendorJobId];
    // Without timing: polled about every second through the vendor's 6 s (the dev server's timers tick about once a second).
    for (const job of learned) assert.ok(pollsOf(job.vendorJobId) >= 3, `a job before any timing was polled ${pollsOf(job.vendorJobId)} times`);

    const { body } = await upload(stack, audio(4), { key: 'first-poll-timed' });
    const timed = await waitForTranscription(stack, body.id, 'COMPLETED');
    assert.ok(pollsOf(timed.vendorJobId) <= 2, `the timed job was polled ${pollsOf(timed.vendorJobId)} times`);
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM stt_jobs WHERE vendor_done_at >= vendor_submitted_at`);
    assert.equal(rows[0].n, 4, 'every completed job recorded when the vendor took it and when it was found done');
    // The workers' clocks bound the vendor's 6 s: found done no sooner, found transcribing no later.
    const timing = await stack.pool.query<{ id: string; elapsed: number; running: number | null }>(
      `SELECT id, vendor_elapsed_ms AS elapsed, vendor_running_ms AS running FROM stt_jobs WHERE id = ANY($1) ORDER BY created_at`,
      [[...learning.map(({ body: job }) => job.id), body.id]],
    );
    assert.equal(timing.rows.length, 4);
    for (const job of timing.rows) {
      assert.ok(job.elapsed >= 5_900, `${job.id} was found done ${job.elapsed} ms after the vendor took it, before its 6 s`);
      if (job.running !== null) assert.ok(job.running < job.elapsed && job.running <= 6_100, `${job.id}: still transcribing at ${job.running} ms, done by ${job.elapsed} ms`);
    }
    const learnedRunning = timing.rows.slice(0, 3).filter((job) => job.running !== null).length;
    assert.equal(learnedRunning, 3, 'the jobs polled from the start saw the vendor still transcribing');
  } finally {
    await stack.stop();
    await vendor.stop();
  }
});

test('polls wait inside one activity call, on the worker’s clock: no workflow timer or activity round trip between them', { timeout: 120_000 }, async () => {
  const vendor = await startFakeSttVendor({ processingMs: 4_000 });
  const stack = await startTestStack({ config: testConfig(sttEnv(vendor, { STT_POLL_INTERVAL_MS: '300' })), queues: ['stt'] });
  try {
    const { body } = await upload(stack, { bytes: wav(21), name: 'polled-in-activity.wav' }, { key: 'polls-in-activity' });
    const done = await waitForTranscription(stack, body.id, 'COMPLETED');
    const polls = vendor.admin.stats().polls.byJob[done.vendorJobId];
    assert.ok(polls >= 5, `polled every 300 ms through the vendor's 4 s (${polls} polls)`);
    assert.equal(done.attempts, polls + 1, 'the job counts its submit and every poll');
    const events = (await stack.temporal.workflow.getHandle(body.id).fetchHistory()).events ?? [];
    const scheduled = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    assert.deepEqual(scheduled.filter((name) => name === 'awaitTranscription' || name === 'pollTranscription'), ['awaitTranscription']);
    assert.equal(events.filter((e) => e.timerStartedEventAttributes).length, 0, 'no workflow timer before a poll');
  } finally {
    await stack.stop();
    await vendor.stop();
  }
});
