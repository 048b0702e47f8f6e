import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createLogger } from '../../../src/infra/logger';
import { createMetrics } from '../../../src/infra/metrics/registry';
import { installTemporalRuntime } from '../../../src/stack/workers';
import { startTestStack, waitUntil, type TestStack } from '../../support/stack';

// The system check's one activity writes its id to PostgreSQL: real errors, no stand-ins.
const EventType = temporal.api.enums.v1.EventType;
type LogLine = Record<string, any>;

describe('activity failures are classified by the worker’s interceptor', () => {
  const lines: LogLine[] = [];
  let stack: TestStack;

  before(async () => {
    // The Temporal runtime logs through the logger it is installed with: install it first, capturing its lines.
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    await installTemporalRuntime(createMetrics(), createLogger('warn', 'worker', capture));
    stack = await startTestStack({ queues: ['risk'] });
  });
  after(() => stack.stop());

  const run = (checkId: string) =>
    stack.temporal.workflow.start('systemCheckWorkflow', { taskQueue: stack.config.pipelines.risk.queue.taskQueue, workflowId: `check-failures-${randomUUID()}`, args: [checkId] });

  const events = async (workflowId: string) => (await stack.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];

  test('bad data fails at once: attempt 1, non-retryable, typed BadData, the database error kept as its cause', async () => {
    // PostgreSQL refuses a NUL byte in text (SQLSTATE 22021) however often it is asked.
    const handle = await run('bad\u0000data');
    const err = await handle.result().then(
      () => assert.fail('the run should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError);
    const activity = err.cause;
    assert.ok(activity instanceof ActivityFailure);
    assert.equal(activity.retryState, 'NON_RETRYABLE_FAILURE');
    const failure = activity.cause;
    assert.ok(failure instanceof ApplicationFailure);
    assert.deepEqual([failure.type, failure.nonRetryable], ['BadData', true]);
    assert.match(failure.message, /invalid byte sequence for encoding "UTF8": 0x00/);
    assert.ok(failure.cause instanceof ApplicationFailure);
    assert.deepEqual([failure.cause.type, failure.cause.details], ['DatabaseError', [{ code: '22021' }]]);

    const history = await events(handle.workflowId);
    const started = history.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
    assert.deepEqual(started.map((e) => e.activityTaskStartedEventAttributes?.attempt), [1]);
    const failed = history.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)?.activityTaskFailedEventAttributes;
    assert.equal(failed?.failure?.applicationFailureInfo?.type, 'BadData');
    assert.equal(failed?.failure?.applicationFailureInfo?.nonRetryable, true);

    // The worker's warning carries the failure's type, message, stack and cause: never `"error":{}`.
    const line = await waitUntil('the worker’s "Activity failed" line', async () =>
      lines.find((l) => l.msg === 'Activity failed' && l.workflowId === handle.workflowId),
    );
    assert.deepEqual([line.level, line.component, line.activityType, line.attempt], [40, 'worker', 'recordSystemCheck', 1]);
    assert.ok(!Number.isNaN(Date.parse(line.time)));
    assert.equal(line.error.type, 'ApplicationFailure');
    assert.equal(line.error.failureType, 'BadData');
    assert.equal(line.error.nonRetryable, true);
    assert.match(line.error.message, /invalid byte sequence/);
    assert.match(line.error.stack, /invalid byte sequence/);
    assert.equal(line.error.cause.failureType, 'DatabaseError');
    assert.deepEqual(line.error.cause.details, [{ code: '22021' }]);
  });

  test('a connection reset is retried: the second attempt completes the run', async () => {
    let killed = false;
    // The next checkout is the activity's: its connection dies under it, as when PostgreSQL restarts.
    stack.workerPool.once('acquire', (client) => {
      killed = true;
      client.query('SELECT pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
    });
    const handle = await run(`reset-${randomUUID()}`);
    const result = await handle.result();
    assert.ok(killed, 'the fault was injected');
    assert.equal(result.attempts, 1, 'one row written, by the attempt that succeeded');

    const history = await events(handle.workflowId);
    const started = history.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)?.activityTaskStartedEventAttributes;
    assert.equal(started?.attempt, 2);
    assert.equal(started?.lastFailure?.applicationFailureInfo?.nonRetryable, false);
    assert.match(started?.lastFailure?.message ?? '', /terminat/i);
    assert.ok(history.some((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED));
    assert.ok(!history.some((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED));

    const line = lines.find((l) => l.msg === 'Activity failed' && l.workflowId === handle.workflowId);
    assert.ok(line, 'the failed first attempt was logged');
    assert.equal(line.attempt, 1);
    assert.equal(line.error.nonRetryable, false);
    assert.match(line.error.message, /terminat/i);
  });
});
