import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feedbackEnv, insertChallenge, postFeedbackJob, startFakeModelServer, storedResults, waitForFeedbackJob } from '../../support/feedback';
import { startTestStack, testConfig } from '../../support/stack';

test('a storm of 429s from the model server: every job completes, each with one stored result from one valid call', { timeout: 180_000 }, async () => {
  // The server takes 2 requests at once; the workers would send 6: most first calls meet a 429.
  const server = await startFakeModelServer({ tokenLatencyMs: 3, maxConcurrentRequests: 2, retryAfterSeconds: 0.5, unavailableRate: 0.1 });
  const stack = await startTestStack({ config: testConfig(feedbackEnv(server, { LLM_MAX_IN_FLIGHT: '6' })), queues: ['feedback'] });
  try {
    await stack.pool.query(`DELETE FROM vendor_limits WHERE vendor = 'llm'`);
    await insertChallenge(stack.pool, 'storm-challenge');
    const ids = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => (await postFeedbackJob(stack, { challengeId: 'storm-challenge', submission: { text: `Submission number ${i}` } }, `storm-${i}`)).body.id as string),
    );
    for (const id of ids) await waitForFeedbackJob(stack, id, 'COMPLETED', 150_000);

    const stats = server.admin.stats();
    assert.ok(stats.rateLimited + stats.unavailable > 0, 'the server refused some calls');
    assert.ok(stats.peakInFlight <= 2);
    const results = await storedResults(stack.pool, ids);
    assert.deepEqual(ids.map((id) => results.get(id)), ids.map(() => 1));
    const { rows } = await stack.pool.query<{ job_id: string; valid: number; limited: number }>(
      `SELECT job_id, count(*) FILTER (WHERE outcome = 'valid')::int AS valid, count(*) FILTER (WHERE outcome = 'rate_limited')::int AS limited
       FROM feedback_model_calls WHERE job_id = ANY($1) GROUP BY job_id`,
      [ids],
    );
    assert.ok(rows.every((r) => r.valid === 1));
    assert.ok(rows.some((r) => r.limited > 0), 'refused calls are recorded');
    // The 429s named a concurrency limit: the shared cap learned it.
    const limits = await stack.pool.query<{ learned_cap: number | null }>(`SELECT learned_cap FROM vendor_limits WHERE vendor = 'llm'`);
    assert.ok(limits.rows[0].learned_cap !== null && limits.rows[0].learned_cap < 6);
    const slots = await stack.pool.query(`SELECT 1 FROM vendor_slots WHERE vendor = 'llm'`);
    assert.equal(slots.rowCount, 0, 'every slot was given back');
  } finally {
    await stack.stop();
    await server.stop();
  }
});
