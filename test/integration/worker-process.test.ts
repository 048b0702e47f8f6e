import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findFreePort } from '../../src/infra/net';
import { PIPELINE_NAMES } from '../../src/pipelines';
import { startTestStack, waitUntil, type TestStack } from '../support/stack';
import { spawnWorker } from '../support/worker-process';

describe('standalone worker process', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ queues: false });
  });
  after(() => stack.stop());

  test('serves only the queues named by --queue, exposes /metrics and /readyz, and exits 0 on SIGTERM', async () => {
    const metricsPort = await findFreePort();
    const worker = spawnWorker(stack.config, ['--queue', 'risk'], { WORKER_METRICS_PORT: String(metricsPort) });
    try {
      const run = (queue: string) =>
        stack.temporal.workflow.start('systemCheckWorkflow', {
          workflowId: `proc-${queue}-${Date.now()}`,
          taskQueue: queue,
          args: [`proc-${queue}`],
        });
      const served = await run(stack.config.pipelines.risk.queue.taskQueue);
      const notServed = await run(stack.config.pipelines.etl.queue.taskQueue);
      const result = (await served.result()) as { taskQueue: string };
      assert.equal(result.taskQueue, stack.config.pipelines.risk.queue.taskQueue);
      assert.equal((await notServed.describe()).status.name, 'RUNNING');
      const metrics = await waitUntil('worker metrics', async () => {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`).catch(() => undefined))?.text();
        return text?.includes('temporal_') ? text : undefined;
      });
      assert.match(metrics, /^dp_process_cpu_seconds_total/m);
      assert.match(metrics, /temporal_workflow_completed\{/);
      const ready = await fetch(`http://127.0.0.1:${metricsPort}/readyz`);
      assert.deepEqual([ready.status, await ready.json()], [200, { status: 'ready', pid: worker.child.pid }], 'ready, and says which process answered');
      await notServed.terminate('not served by this worker');
    } finally {
      worker.child.kill('SIGTERM');
    }
    assert.equal(await worker.exited(), 0, worker.output());
  });

  test('an unknown --queue fails with one line', async () => {
    const worker = spawnWorker(stack.config, ['--queue', 'video']);
    assert.equal(await worker.exited(), 1);
    assert.equal(worker.output().trim(), `error: --queue: unknown queue "video" (expected ${PIPELINE_NAMES.join(', ')})`);
  });
});
