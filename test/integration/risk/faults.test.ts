import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hangWhen, isGroup } from '../../support/fault-injection';
import { postAssessment, resultCount, site, waitForAssessment } from '../../support/risk';
import { startTestStack, testConfig } from '../../support/stack';

describe('a hung or disconnected worker costs one retry, never a stuck job', () => {
  test('an activity that hangs on its first attempt is timed out by its heartbeat and retried', async () => {
    const stack = await startTestStack({
      config: testConfig({ RISK_HEARTBEAT_TIMEOUT_S: '2', WORKER_SHUTDOWN_GRACE_MS: '1000', RISK_YEARS_PER_ACTIVITY: '10' }),
      queues: ['risk'],
      interceptors: hangWhen((type, args, attempt) => attempt === 1 && isGroup('SSP370', 2031)(type, args)),
    });
    try {
      const { body } = await postAssessment(stack, { sites: [site('hang')] }, 'hung-activity');
      await waitForAssessment(stack, body.id, 'COMPLETED', 60_000);
      assert.deepEqual(await resultCount(stack, body.id), { rows: 2880, distinct: 2880 });
      const { rows } = await stack.pool.query(
        `SELECT year, attempts FROM risk_cells WHERE assessment_id = $1 AND scenario = 'SSP370' AND year BETWEEN 2031 AND 2040 ORDER BY year`,
        [body.id],
      );
      assert.deepEqual(rows.map((r) => r.attempts), Array(10).fill(2), 'the hung group completed on its second attempt');
      const { rows: others } = await stack.pool.query(`SELECT max(attempts)::int AS max FROM risk_cells WHERE assessment_id = $1 AND NOT (scenario = 'SSP370' AND year BETWEEN 2031 AND 2040)`, [body.id]);
      assert.equal(others[0].max, 1);
    } finally {
      await stack.stop();
    }
  });

  test('a database connection killed mid-group is retried and the site completes', async () => {
    const stack = await startTestStack({ config: testConfig({ RISK_YEARS_PER_ACTIVITY: '80' }), queues: ['risk'] });
    let acquired = 0;
    let killed = false;
    // About eight checkouts per group (reads, grid rows, one transaction): the 15th falls inside the second group.
    stack.workerPool.on('acquire', (client) => {
      acquired += 1;
      if (acquired !== 15) return;
      killed = true;
      client.query('SELECT pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
    });
    try {
      const { body } = await postAssessment(stack, { sites: [site('reset', 1)] }, 'killed-connection');
      await waitForAssessment(stack, body.id, 'COMPLETED', 60_000);
      assert.ok(killed, 'the fault was injected');
      assert.deepEqual(await resultCount(stack, body.id), { rows: 2880, distinct: 2880 });
      const { rows } = await stack.pool.query(`SELECT status, max(attempts)::int AS attempts, count(*)::int AS n FROM risk_cells WHERE assessment_id = $1 GROUP BY status`, [body.id]);
      assert.deepEqual(rows, [{ status: 'COMPLETED', attempts: 2, n: 320 }]);
    } finally {
      await stack.stop();
    }
  });
});

