import { WorkflowNotFoundError } from '@temporalio/client';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { ensureGridBatchSchedule, GRID_BATCH_TIMEZONE } from '../../../src/pipelines/risk/grid-batch-schedule';
import { hangWhen } from '../../support/fault-injection';
import { apiJson } from '../../support/grid-batch';
import { startTestStack, testConfig, waitUntil } from '../../support/stack';
import { spawnWorker } from '../../support/worker-process';

describe('grid batch schedule', () => {
  test('a risk worker creates the yearly schedule at start-up, idempotently', { timeout: 120_000 }, async () => {
    const stack = await startTestStack({ queues: false });
    const worker = spawnWorker(stack.config, ['--queue', 'risk']);
    try {
      const handle = stack.temporal.schedule.getHandle(stack.config.pipelines.risk.gridBatch.scheduleId);
      const described = await waitUntil('the schedule to exist', () => handle.describe().catch(() => undefined), 60_000);
      assert.equal(described.spec.timezone, GRID_BATCH_TIMEZONE);
      assert.deepEqual(
        described.spec.calendars?.map((c) => ({ month: c.month, dayOfMonth: c.dayOfMonth, hour: c.hour, minute: c.minute })),
        [{ month: [{ start: 'JANUARY', end: 'JANUARY', step: 1 }], dayOfMonth: [{ start: 1, end: 1, step: 1 }], hour: [{ start: 2, end: 2, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] }],
      );
      assert.equal(described.policies.overlap, ScheduleOverlapPolicy.SKIP);
      assert.equal(described.policies.catchupWindow, stack.config.pipelines.risk.gridBatch.catchupWindowSeconds * 1000);
      assert.equal(described.action.type, 'startWorkflow');
      assert.equal(described.action.workflowType, 'hazardGridBatchWorkflow');
      assert.equal(described.action.taskQueue, stack.config.pipelines.risk.queue.taskQueue);
      assert.equal(described.action.workflowExecutionTimeout, stack.config.pipelines.risk.gridBatch.timeoutSeconds * 1000);
      // 1 January 02:00 in Seoul is 31 December 17:00 UTC.
      const next = described.info.nextActionTimes[0];
      assert.deepEqual([next.getUTCMonth(), next.getUTCDate(), next.getUTCHours(), next.getUTCMinutes()], [11, 31, 17, 0]);

      // A second start-up finds it and leaves one schedule behind.
      await ensureGridBatchSchedule(stack.temporal, stack.config.pipelines.risk);
      const again = await handle.describe();
      assert.equal(again.info.createdAt.getTime(), described.info.createdAt.getTime());
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited();
      await stack.temporal.schedule.getHandle(stack.config.pipelines.risk.gridBatch.scheduleId).delete().catch(() => undefined);
      await stack.stop();
    }
  });

  test('triggering while a batch runs starts nothing; a batch over its timeout ends and the next one starts', { timeout: 180_000 }, async () => {
    let hang = true;
    const hangWhileFlagged = hangWhen((type) => type === 'computeGridChunk' && hang);
    const config = testConfig({ RISK_BATCH_TIMEOUT_S: '8', RISK_HEARTBEAT_TIMEOUT_S: '30' });
    const stack = await startTestStack({ config, queues: ['risk'], interceptors: hangWhileFlagged });
    try {
      await ensureGridBatchSchedule(stack.temporal, stack.config.pipelines.risk);
      const first = await apiJson(stack, 'POST', '/api/risk-batches');
      assert.equal(first.status, 202, JSON.stringify(first.body));
      assert.ok(first.body.batchId, 'the started batch is named');
      const second = await apiJson(stack, 'POST', '/api/risk-batches');
      assert.equal(second.status, 409, JSON.stringify(second.body));
      assert.match(second.body.detail, /still running/);

      const listed = await apiJson(stack, 'GET', '/api/risk-batches');
      assert.deepEqual(listed.body.schedule.runningBatchIds, [first.body.batchId]);

      // The hung batch hits its timeout instead of blocking the schedule forever.
      const timedOut = await waitUntil(
        'the hung batch to time out',
        async () => {
          const view = await apiJson(stack, 'GET', `/api/risk-batches/${first.body.batchId}`);
          return view.body.status === 'TIMED_OUT' && view.body;
        },
        60_000,
      );
      assert.match(timedOut.error, /TIMED_OUT/);

      hang = false;
      const next = await apiJson(stack, 'POST', '/api/risk-batches');
      assert.equal(next.status, 202, JSON.stringify(next.body));
      assert.notEqual(next.body.batchId, first.body.batchId);
      await waitUntil(
        'the next batch to store points',
        async () => {
          const view = await apiJson(stack, 'GET', `/api/risk-batches/${next.body.batchId}`);
          return view.body.pointsDone > 0;
        },
        60_000,
      );
      // Stop it if it is still running (on a fast machine it may already have finished).
      await stack.temporal.workflow.getHandle(next.body.batchId).terminate('test done').catch((err) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    } finally {
      await stack.temporal.schedule.getHandle(stack.config.pipelines.risk.gridBatch.scheduleId).delete().catch(() => undefined);
      await stack.stop();
    }
  });
});
