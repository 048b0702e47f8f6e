import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestStack, testConfig } from '../../support/stack';
import { startFakeSttVendor, sttEnv, upload, wav, waitForTranscription } from '../../support/stt';

// One poll per activity call (a 1 ms wait inside it) puts every poll in the history, as a job polled
// for hours would: the vendor job runs long enough for the history to pass the limit.
test('a job polled every 1 ms for a long vendor job continues as new before 2,000 events, and completes submitted once', { timeout: 420_000 }, async () => {
  const vendor = await startFakeSttVendor({ processingMs: 60_000 });
  const stack = await startTestStack({ config: testConfig(sttEnv(vendor, { STT_POLL_INTERVAL_MS: '1', STT_POLL_WAIT_IN_ACTIVITY_MS: '1' })), queues: ['stt'] });
  try {
    const { body } = await upload(stack, { bytes: wav(1300), name: 'hours-long.wav' }, { key: 'long-poll' });
    const view = await waitForTranscription(stack, body.id, 'COMPLETED', 380_000);
    assert.ok(view.vendorJobId);

    // Follow the chain from the first run: each continued run names the next.
    const handle = stack.temporal.workflow.getHandle(body.id);
    const runs: Array<{ events: number; continued: boolean }> = [];
    let runId: string | undefined = (await handle.describe()).raw.workflowExecutionInfo?.firstRunId ?? undefined;
    while (runId) {
      const events = (await stack.temporal.workflow.getHandle(body.id, runId).fetchHistory()).events ?? [];
      const next = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      runs.push({ events: events.length, continued: next !== undefined });
      runId = next;
    }
    assert.ok(runs.length >= 2, `continued as new at least once (${runs.length} runs of ${runs.map((r) => r.events).join(', ')} events; ${vendor.admin.stats().polls.total} polls)`);
    assert.ok(runs.every((r) => r.events < 2_000), `every run stayed under 2,000 events: ${runs.map((r) => r.events).join(', ')}`);
    assert.equal(runs.filter((r) => !r.continued).length, 1, 'exactly one run (the last) did not continue');
    assert.equal((await handle.describe()).status.name, 'COMPLETED');

    const stats = vendor.admin.stats();
    assert.equal(stats.submits.byFilename[`${body.id}.wav`], 1, 'submitted once across runs');
    assert.ok(stats.polls.byJob[view.vendorJobId] > 100, `polled many times (${stats.polls.byJob[view.vendorJobId]})`);
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM vendor_slots WHERE job_id = $1`, [body.id]);
    assert.equal(rows[0].n, 0, 'the slot carried across runs was released at the end');
  } finally {
    await stack.stop();
    await vendor.stop();
  }
});
