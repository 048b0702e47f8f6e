import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { mediaPath, startSampleVideoHost } from '../../../devtools/sample-video-host';
import { getJob, jobVideos, postCsv, waitForJob } from '../../support/etl';
import { postAssessment, resultCount, site, waitForAssessment } from '../../support/risk';
import { startTestStack, testConfig, waitUntil, type TestStack } from '../../support/stack';

/** Start and close times (ms) of every execution a visibility query matches, all runs included. */
async function executions(stack: TestStack, query: string): Promise<Array<{ start: number; close: number }>> {
  const found: Array<{ start: number; close: number }> = [];
  for await (const wf of stack.temporal.workflow.list({ query })) {
    found.push({ start: wf.startTime.getTime(), close: wf.closeTime?.getTime() ?? Infinity });
  }
  return found;
}

/** The most executions running at one instant. */
function peakOverlap(runs: Array<{ start: number; close: number }>): number {
  return Math.max(...runs.map((r) => runs.filter((o) => o.start <= r.start && o.close > r.start).length));
}

// The shared fan-out (src/workflows/shared/fan-out.ts) through the pipelines that use it.
describe('fan-out of child workflows', () => {
  test('a risk portfolio: at most maxSitesInFlight sites at once, continued as new after sitesPerRun, every site once', { timeout: 180_000 }, async () => {
    const stack = await startTestStack({ config: testConfig({ RISK_MAX_SITES_IN_FLIGHT: '2', RISK_SITES_PER_RUN: '4' }), queues: ['risk'] });
    try {
      const sites = Array.from({ length: 7 }, (_, i) => site(`w${i}`, i));
      const { body } = await postAssessment(stack, { sites, scenarios: ['SSP245'], years: { from: 2030, to: 2039 } }, `fan-out-${Date.now()}`);
      const view = await waitForAssessment(stack, body.id, 'COMPLETED', 120_000);
      assert.equal(view.progress.sitesDone, 7, 'progress carried across continue-as-new');
      assert.equal(view.progress.completedCells, 7 * 10);
      assert.deepEqual(await resultCount(stack, body.id), { rows: 7 * 10 * 9, distinct: 7 * 10 * 9 });
      const { rows } = await stack.pool.query(`SELECT status, count(*)::int AS n FROM risk_sites WHERE assessment_id = $1 GROUP BY status`, [body.id]);
      assert.deepEqual(rows, [{ status: 'COMPLETED', n: 7 }]);

      const runs = await executions(stack, `WorkflowId = '${body.id}'`);
      assert.equal(runs.length, 2, 'seven sites at four per run take two runs');
      const children = await executions(stack, `WorkflowType = 'siteRiskWorkflow' AND DpBusinessKey = '${body.id}'`);
      assert.equal(children.length, 7, 'one child per site');
      assert.equal(peakOverlap(children), 2);
    } finally {
      await stack.stop();
    }
  });

  test('an ETL job cancelled while chunks wait for a slot: no chunk beyond the window starts, and CANCELED is written only after the running ones stopped', { timeout: 180_000 }, async () => {
    // Each file trickles for 16 s, longer than a cancellation takes to reach a download.
    const host = await startSampleVideoHost({ bandwidthBytesPerSecond: 500_000 });
    const env = { FETCH_ALLOW_HOSTS: '127.0.0.1:*', ETL_CHUNK_SIZE: '1', ETL_CHUNKS_IN_FLIGHT: '2', ETL_VIDEOS_IN_FLIGHT: '1', ETL_CONNECTIONS_PER_HOST: '8' };
    const stack = await startTestStack({ config: testConfig(env), queues: ['etl'] });
    try {
      const ids = ['v0', 'v1', 'v2', 'v3', 'v4'];
      const rows = ids.map((id) => `${id},Video ${id},${host.url}${mediaPath(id, 8_000_000)}`);
      const { body } = await postCsv(stack, `id,title,video_url\n${rows.join('\n')}\n`, `fan-out-cancel-${Date.now()}`);
      const served = () => host.admin.stats().bytesServed.byName;
      // Both chunks of the window well into their downloads: time enough for a third to have started, were the window broken.
      await waitUntil('two downloads past 1 MB', async () => ['v0', 'v1'].every((id) => (served()[id] ?? 0) > 1_000_000), 60_000);
      assert.deepEqual(Object.keys(served()).sort(), ['v0', 'v1'], 'two chunks in flight, the other three waiting');

      const cancel = await fetch(`${stack.apiUrl}/api/etl-jobs/${body.id}/cancel`, { method: 'POST' });
      assert.equal(cancel.status, 202);
      const canceled = await waitForJob(stack, body.id, 'CANCELED', 90_000);
      const bytesWhenCanceled = host.admin.stats().bytesServed.total;
      await sleep(2_000);

      assert.equal(host.admin.stats().bytesServed.total, bytesWhenCanceled, 'no download still running once the job says CANCELED');
      assert.deepEqual(Object.keys(served()).sort(), ['v0', 'v1'], 'no chunk started after the cancel');
      assert.deepEqual(canceled.counts, { total: 5, rejected: 0, pending: 5, downloaded: 0, failed: 0, loaded: 0 });
      assert.deepEqual((await getJob(stack, body.id)).counts, canceled.counts, 'counts final at CANCELED');
      assert.ok((await jobVideos(stack, body.id)).every((v: any) => v.status === 'PENDING'));
      const { rows: job } = await stack.pool.query(`SELECT status, finished_at FROM etl_jobs WHERE id = $1`, [body.id]);
      assert.equal(job[0].status, 'CANCELED');
      assert.ok(job[0].finished_at);
    } finally {
      await stack.stop();
      await host.stop();
    }
  });
});
