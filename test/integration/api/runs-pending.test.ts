import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { startBundleWorker, startTestStack, waitUntil, type TestStack } from '../../support/stack';

// A worker whose activity fails on purpose, so the run view has a retrying activity to show.
let stack: TestStack;
let worker: { stop(): Promise<void> };

before(async () => {
  stack = await startTestStack({ queues: false });
  worker = await startBundleWorker(stack, stack.config.pipelines.risk.queue.taskQueue, {
    async recordSystemCheck() {
      throw ApplicationFailure.retryable('database is on fire', 'TestFailure');
    },
  });
});

after(async () => {
  await worker.stop();
  await stack.stop();
});

test('a retrying activity shows attempt, last failure and next attempt time', async () => {
  const res = await fetch(`${stack.apiUrl}/api/system-checks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'failing' },
    body: JSON.stringify({ queues: ['risk'] }),
  });
  assert.equal(res.status, 202);
  const run = (await waitUntil('a second attempt', async () => {
    const view = (await (await fetch(`${stack.apiUrl}/api/runs/check-failing-risk`)).json()) as Record<string, any>;
    return view.pendingActivities?.[0]?.attempt >= 2 ? view : undefined;
  })) as Record<string, any>;
  const [activity] = run.pendingActivities;
  assert.equal(run.status, 'RUNNING');
  assert.equal(activity.activityType, 'recordSystemCheck');
  assert.equal(activity.maximumAttempts, 5);
  assert.match(activity.lastFailure, /database is on fire/);
  assert.equal(activity.state, 'SCHEDULED');
  assert.ok(Date.parse(activity.nextAttemptAt) >= Date.parse(activity.scheduledAt));
  await stack.temporal.workflow.getHandle('check-failing-risk').terminate('test done');
});
