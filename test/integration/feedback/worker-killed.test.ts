import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feedbackEnv, insertChallenge, postFeedbackJob, startFakeModelServer, storedResults, waitForFeedbackJob } from '../../support/feedback';
import { startTestStack, testConfig, waitUntil } from '../../support/stack';
import { spawnWorker } from '../../support/worker-process';

test('a worker killed with SIGKILL mid-stream: a new worker makes a new model call, and one result is stored', { timeout: 150_000 }, async () => {
  // About 110 tokens at 60 ms each: the stream runs for several seconds.
  const server = await startFakeModelServer({ tokenLatencyMs: 60, tokensPerChunk: 1 });
  const env = feedbackEnv(server);
  const stack = await startTestStack({ config: testConfig(env), queues: false });
  const spawnFeedbackWorker = () => spawnWorker(stack.config, ['--queue', 'feedback'], env);
  try {
    await insertChallenge(stack.pool, 'killed-mid-stream');
    const first = spawnFeedbackWorker();
    const { body } = await postFeedbackJob(stack, { challengeId: 'killed-mid-stream', submission: { text: 'I cycled to work all week.' } }, 'kill-mid-stream');
    await waitUntil(
      'tokens streaming',
      async () => (await stack.pool.query(`SELECT 1 FROM feedback_stream_events WHERE job_id = $1 AND kind = 'tokens'`, [body.id])).rowCount! >= 3,
      60_000,
    );
    first.child.kill('SIGKILL');
    await first.exited();
    assert.equal(server.admin.stats().completed, 0, 'killed before the answer was complete');

    const second = spawnFeedbackWorker();
    try {
      const view = await waitForFeedbackJob(stack, body.id, 'COMPLETED', 120_000);
      assert.ok(view.result);
      assert.ok(server.admin.stats().streamed >= 2, 'the answer came from a new call');
      assert.equal((await storedResults(stack.pool, [body.id])).get(body.id), 1);
      const calls = await stack.pool.query(`SELECT kind FROM feedback_stream_events WHERE job_id = $1 AND kind = 'call'`, [body.id]);
      assert.equal(calls.rowCount, 2, 'the stream shows both calls, so a client drops the first one’s text');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited();
    }
  } finally {
    await stack.stop();
    await server.stop();
  }
});
