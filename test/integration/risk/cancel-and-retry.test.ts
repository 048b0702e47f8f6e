import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { failWhen, isGroup } from '../../support/fault-injection';
import { getAssessment, postAssessment, resultCount, site, waitForAssessment } from '../../support/risk';
import { startTestStack, testConfig, waitUntil } from '../../support/stack';

const retryFailed = (apiUrl: string, id: string) => fetch(`${apiUrl}/api/risk-assessments/${id}/retry-failed`, { method: 'POST' });

describe('failed cells, cancellation and retry-failed', () => {
  test('a cell group that keeps failing is recorded as failed, and retry-failed re-runs only those cells', async () => {
    let failing = true;
    const stack = await startTestStack({
      config: testConfig({ RISK_YEARS_PER_ACTIVITY: '10' }),
      queues: ['risk'],
      interceptors: failWhen((type, args) => failing && isGroup('SSP126', 2041)(type, args), 'injected: indicator file unreadable'),
    });
    try {
      const { body } = await postAssessment(stack, { sites: [site('flaky', 2)] }, 'failed-cells');
      const view = await waitForAssessment(stack, body.id, 'COMPLETED');
      assert.equal(view.progress.completedCells, 310);
      assert.equal(view.progress.failedCells, 10);
      assert.equal(view.sites[0].status, 'PARTIAL');
      const { rows } = await stack.pool.query(`SELECT DISTINCT error, attempts FROM risk_cells WHERE assessment_id = $1 AND status = 'FAILED'`, [body.id]);
      assert.deepEqual(rows, [{ error: 'injected: indicator file unreadable', attempts: 1 }]);
      const run = (await (await fetch(`${stack.apiUrl}/api/runs/${body.id}`)).json()) as any;
      assert.equal(run.searchAttributes.DpStatusDetail, 'completed_with_failures');

      failing = false;
      const before = await stack.pool.query(`SELECT max(computed_at)::text AS t FROM risk_results WHERE assessment_id = $1`, [body.id]);
      const retry = await retryFailed(stack.apiUrl, body.id);
      assert.equal(retry.status, 202);
      const retried = await waitForAssessment(stack, body.id, 'COMPLETED');
      assert.equal(retried.links.run, `/api/runs/${body.id}-retry-1`);
      assert.equal(retried.progress.failedCells, 0);
      assert.equal(retried.progress.completedCells, 320);
      assert.deepEqual(await resultCount(stack, body.id), { rows: 2880, distinct: 2880 });
      const rewritten = await stack.pool.query(`SELECT count(*)::int AS n FROM risk_results WHERE assessment_id = $1 AND computed_at > $2::timestamptz`, [body.id, before.rows[0].t]);
      assert.equal(rewritten.rows[0].n, 90, 'only the 10 failed cells × 9 hazards were recomputed');
      assert.equal((await retryFailed(stack.apiUrl, body.id)).status, 409);
    } finally {
      await stack.stop();
    }
  });

  test('cancel stops new work, keeps finished sites and marks the rest; retry-failed finishes them', async () => {
    const stack = await startTestStack({ config: testConfig({ RISK_MAX_SITES_IN_FLIGHT: '1' }), queues: ['risk'] });
    try {
      const sites = Array.from({ length: 8 }, (_, i) => site(`c${i}`, i));
      const { body } = await postAssessment(stack, { sites }, 'cancel-me');
      await waitUntil('the first site to finish', async () => (await getAssessment(stack, body.id)).progress.sitesDone >= 1, 60_000);
      const cancel = await fetch(`${stack.apiUrl}/api/risk-assessments/${body.id}/cancel`, { method: 'POST' });
      assert.equal(cancel.status, 202);
      const canceled = await waitForAssessment(stack, body.id, 'CANCELED');
      const statuses = canceled.sites.map((s: any) => s.status);
      assert.ok(statuses.includes('COMPLETED'), statuses.join());
      assert.ok(statuses.includes('CANCELED'), statuses.join());
      assert.ok(statuses.every((s: string) => s === 'COMPLETED' || s === 'CANCELED'), statuses.join());
      const kept = await resultCount(stack, body.id);
      assert.equal(kept.rows, canceled.progress.completedCells * 9);
      assert.equal(kept.rows, kept.distinct);

      assert.equal((await retryFailed(stack.apiUrl, body.id)).status, 202);
      const done = await waitForAssessment(stack, body.id, 'COMPLETED', 120_000);
      assert.ok(done.sites.every((s: any) => s.status === 'COMPLETED'));
      assert.deepEqual(await resultCount(stack, body.id), { rows: 8 * 2880, distinct: 8 * 2880 });
    } finally {
      await stack.stop();
    }
  });
});
