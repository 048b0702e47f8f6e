import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postAssessment, resultCount, site, waitForAssessment } from '../../support/risk';
import { startTestStack, testConfig, waitUntil } from '../../support/stack';
import { spawnWorker } from '../../support/worker-process';

test('a worker killed with SIGKILL mid-assessment: a new worker finishes it with exactly the expected rows', { timeout: 180_000 }, async () => {
  // API only here; the workers are real processes.
  const stack = await startTestStack({ config: testConfig({ RISK_HEARTBEAT_TIMEOUT_S: '2' }), queues: false });
  const cells = async (id: string) => (await stack.pool.query(`SELECT count(*)::int AS n FROM risk_cells WHERE assessment_id = $1`, [id])).rows[0].n as number;
  try {
    const first = spawnWorker(stack.config, ['--queue', 'risk']);
    const { body } = await postAssessment(stack, { sites: Array.from({ length: 4 }, (_, i) => site(`k${i}`, i)) }, 'kill-9');
    await waitUntil('some cells to be stored', async () => (await cells(body.id)) >= 40, 60_000);
    first.child.kill('SIGKILL');
    await first.exited();
    const atKill = await cells(body.id);
    assert.ok(atKill < 1280, `the worker was killed mid-run (${atKill} of 1280 cells stored)`);

    const second = spawnWorker(stack.config, ['--queue', 'risk']);
    try {
      const view = await waitForAssessment(stack, body.id, 'COMPLETED', 120_000);
      assert.equal(view.progress.completedCells, 1280);
      assert.deepEqual(await resultCount(stack, body.id), { rows: 4 * 2880, distinct: 4 * 2880 });
    } finally {
      second.child.kill('SIGTERM');
      await second.exited();
    }
  } finally {
    await stack.stop();
  }
});
