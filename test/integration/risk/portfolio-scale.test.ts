import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getAssessment, postAssessment, resultCount, site, waitForAssessment } from '../../support/risk';
import { startTestStack, testConfig, waitUntil } from '../../support/stack';
import { spawnWorker } from '../../support/worker-process';

const SITES = 200;

test('a 200-site portfolio survives a SIGKILLed worker: exactly 200 × 2,880 rows, progress throughout', { timeout: 900_000 }, async () => {
  // Few sites per run, so this portfolio also continues as new several times.
  const config = testConfig({ RISK_HEARTBEAT_TIMEOUT_S: '3', RISK_SITES_PER_RUN: '60', RISK_MAX_SITES_IN_FLIGHT: '10' });
  const stack = await startTestStack({ config, queues: false });
  const sitesDone = async (id: string) => (await getAssessment(stack, id)).progress?.sitesDone ?? 0;
  try {
    const first = spawnWorker(stack.config, ['--queue', 'risk']);
    const sites = Array.from({ length: SITES }, (_, i) => site(`s${i}`, i));
    const { status, body } = await postAssessment(stack, { sites }, `portfolio-${Date.now()}`);
    assert.equal(status, 202, JSON.stringify(body));
    await waitUntil('a third of the sites to finish', async () => (await sitesDone(body.id)) >= 70, 600_000);
    first.child.kill('SIGKILL');
    await first.exited();
    const atKill = await sitesDone(body.id);
    assert.ok(atKill < SITES, `the worker was killed mid-run (${atKill} of ${SITES} sites done)`);

    const second = spawnWorker(stack.config, ['--queue', 'risk']);
    try {
      const view = await waitForAssessment(stack, body.id, 'COMPLETED', 600_000);
      assert.equal(view.progress.sitesDone, SITES);
      assert.equal(view.progress.completedCells, SITES * 320);
      assert.equal(view.progress.failedCells, 0);
      assert.deepEqual(await resultCount(stack, body.id), { rows: SITES * 2880, distinct: SITES * 2880 });
      const runs = await stack.temporal.workflow.getHandle(body.id).describe();
      assert.ok(runs.historyLength < 5_000, `one run's history stays small (${runs.historyLength} events)`);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited();
    }
  } finally {
    await stack.stop();
  }
});
