import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PIPELINE_NAMES } from '../../src/pipelines';
import { startTestStack, waitUntil, type TestStack } from '../support/stack';

describe('system check: API → Temporal → worker → activity → PostgreSQL', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.stop());

  const start = (key: string) =>
    fetch(`${stack.apiUrl}/api/system-checks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({}),
    });

  test('one workflow per registered pipeline queue writes one row each', async () => {
    const res = await start('e2e');
    assert.equal(res.status, 202);
    const body = (await res.json()) as { id: string; runs: Array<{ queue: string; workflowId: string; created: boolean }> };
    assert.equal(body.id, 'check-e2e');
    assert.deepEqual(
      body.runs.map((r) => [r.queue, r.workflowId, r.created]),
      PIPELINE_NAMES.map((name) => [name, `check-e2e-${name}`, true]),
    );
    for (const run of body.runs) await stack.temporal.workflow.getHandle(run.workflowId).result();

    const view = (await (await fetch(`${stack.apiUrl}/api/system-checks/check-e2e`)).json()) as { queues: Array<{ queue: string; attempts: number }> };
    assert.deepEqual(
      view.queues.map((q) => q.queue),
      PIPELINE_NAMES.map((name) => stack.config.pipelines[name].queue.taskQueue).sort(),
    );
    assert.ok(view.queues.every((q) => q.attempts === 1));
  });

  test('the same Idempotency-Key returns the existing runs and writes nothing new', async () => {
    const again = (await (await start('e2e')).json()) as { runs: Array<{ created: boolean }> };
    assert.ok(again.runs.every((r) => r.created === false));
    const { rows } = await stack.pool.query('SELECT count(*)::int AS n, max(attempts) AS attempts FROM system_checks WHERE check_id = $1', ['check-e2e']);
    assert.deepEqual(rows[0], { n: PIPELINE_NAMES.length, attempts: 1 });
  });

  test('GET /api/runs/:id shows the Temporal view with search attributes and a Web UI link', async () => {
    const run = (await waitUntil('run view', async () => {
      const r = await fetch(`${stack.apiUrl}/api/runs/check-e2e-risk`);
      return r.status === 200 ? r.json() : undefined;
    })) as Record<string, any>;
    assert.equal(run.type, 'systemCheckWorkflow');
    assert.equal(run.status, 'COMPLETED');
    assert.equal(run.taskQueue, stack.config.pipelines.risk.queue.taskQueue);
    assert.deepEqual(run.pendingActivities, []);
    assert.equal(run.searchAttributes.DpPipeline, 'system-check');
    assert.equal(run.searchAttributes.DpBusinessKey, 'check-e2e');
    assert.equal(run.webUiUrl, `${stack.config.temporal.uiUrl}/namespaces/default/workflows/check-e2e-risk/${run.runId}/history`);
    assert.ok(Date.parse(run.closedAt) >= Date.parse(run.startedAt));
  });
});
