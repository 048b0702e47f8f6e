import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestStack, testConfig } from '../../support/stack';
import { startFakeSttVendor, sttEnv, upload, wav, waitForTranscription } from '../../support/stt';

test('a job polled every 1 ms for a long vendor job continues as new before 2,000 events, and completes submitted once', { timeout: 240_000 }, async () => {
  const vendor = await startFakeSttVendor({ processingMs: 30_000 });
  const stack = await startTestStack({ config: testConfig(sttEnv(vendor, { STT_POLL_INTERVAL_MS: '1' })), queues: ['stt'] });
  try {
    const { body } = await upload(stack, { bytes: wav(1300), name: 'hours-long.wav' }, { key: 'long-poll' });
    const view = await waitForTranscription(stack, body.id, 'COMPLETED', 200_000);
    assert.ok(view.vendorJobId);

    const runs: Array<{ events: number; continued: boolean }> = [];
    const handle = stack.temporal.workflow.getHandle(body.id);
    for await (const run of stack.temporal.workflow.list({ query: `WorkflowId = '${body.id}'` })) {
      const history = await stack.temporal.workflow.getHandle(body.id, run.runId).fetchHistory();
      const events = history.events ?? [];
      runs.push({ events: events.length, continued: events.some((e) => e.workflowExecutionContinuedAsNewEventAttributes) });
    }
    assert.ok(runs.length >= 2, `continued as new at least once (${runs.length} runs)`);
    assert.ok(runs.every((r) => r.events < 2_000), `every run stayed under 2,000 events: ${runs.map((r) => r.events).join(', ')}`);
    assert.equal(runs.filter((r) => !r.continued).length, 1, 'exactly one run (the last) did not continue');
    assert.equal((await handle.describe()).status.name, 'COMPLETED');

    const stats = vendor.admin.stats();
    assert.equal(stats.submits.byFilename[`${body.id}.wav`], 1, 'submitted once across runs');
    assert.ok(stats.polls.byJob[view.vendorJobId] > 190, `polled many times (${stats.polls.byJob[view.vendorJobId]})`);
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM vendor_slots WHERE job_id = $1`, [body.id]);
    assert.equal(rows[0].n, 0, 'the slot carried across runs was released at the end');
  } finally {
    await stack.stop();
    await vendor.stop();
  }
});
