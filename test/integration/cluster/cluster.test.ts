import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { ClusterProcess } from '../../../devtools/cluster/app-processes';
import { mediaPath } from '../../../devtools/sample-video-host';
import { ANY_PIPELINES } from '../../../src/pipelines';
import { startPortfolio, startEtlJob, startTranscriptions } from '../../support/cluster-loads';
import { ACCOUNT_LIMIT, startTestCluster, type TestCluster } from '../../support/cluster';
import { startTestStack, testConfig, waitUntil } from '../../support/stack';
import { killWithEverySubmitRecorded } from '../../support/stt';
import { killedMidRun, oneWorkflowPerKey, systemCheckAnsweredBy } from '../../support/cluster-checks';

// The docker-compose.yml topology as real processes (devtools/cluster): Temporal server on
// PostgreSQL, Web UI, two API processes and two worker processes per task queue. One cluster
// start serves every test below; their order matters (the worker test restarts what it killed).
describe('the production topology, run for real', { timeout: 25 * 60_000 }, () => {
  let tc: TestCluster;
  let temporal: Client;
  const figures: string[] = [];

  before(async () => {
    tc = await startTestCluster();
    const t = tc.cluster.timings;
    figures.push(
      `cluster start-up: ${tc.startupSeconds.toFixed(1)} s (tools ${t.tools.toFixed(1)} s, schema ${t.schema.toFixed(1)} s, ` +
        `Temporal server ${t.server.toFixed(1)} s, namespace ${t.namespace.toFixed(1)} s, UI ${t.ui.toFixed(1)} s, ` +
        `2 APIs + ${ANY_PIPELINES.length * 2} workers ${t.processes.toFixed(1)} s)`,
    );
    const connection = await Connection.connect({ address: tc.cluster.temporal.address });
    temporal = new Client({ connection, namespace: tc.config.temporal.namespace });
  });

  after(async () => {
    for (const line of figures) console.log(`[cluster figures] ${line}`);
    await temporal?.connection.close();
    await tc?.stop();
  });

  test('a 100-site portfolio through both APIs: the cluster, then npm start’s dev server, timed in the same run', async () => {
    const onCluster = await startPortfolio(tc.api, `cluster-timed-${Date.now()}`, 100);
    const clusterSeconds = await onCluster.completes(tc.pool, 600_000);
    // The Web UI built from temporalio/ui-server reads the same run from the cluster, and the API links to it.
    const ui = tc.cluster.uiUrl.replace('localhost', '127.0.0.1');
    const described = (await (await fetch(`${ui}/api/v1/namespaces/${tc.config.temporal.namespace}/workflows/${onCluster.id}`)).json()) as any;
    assert.equal(described.workflowExecutionInfo?.status, 'WORKFLOW_EXECUTION_STATUS_COMPLETED', JSON.stringify(described).slice(0, 300));
    const run = (await (await fetch(`${tc.api(1).apiUrl}/api/runs/${onCluster.id}`)).json()) as { webUiUrl: string };
    assert.ok(run.webUiUrl.startsWith(`${tc.cluster.uiUrl}/namespaces/`), run.webUiUrl);

    // npm start's topology: the Temporal CLI dev server (the harness's) and one process with the API and every worker.
    const dev = await startTestStack({ config: testConfig({ RISK_HEARTBEAT_TIMEOUT_S: '3' }) });
    try {
      const onDev = await startPortfolio(() => dev, `dev-timed-${Date.now()}`, 100);
      const devSeconds = await onDev.completes(dev.pool, 600_000);
      figures.push(`100-site portfolio: cluster ${clusterSeconds.toFixed(1)} s, npm start's dev server ${devSeconds.toFixed(1)} s (${(clusterSeconds / devSeconds).toFixed(2)}×)`);
    } finally {
      await dev.stop();
    }
  });

  test('one of the two workers of each queue SIGKILLed mid-run: the other finishes, exactly the expected rows, one submit per job, no lease leaked', async () => {
    tc.vendor.admin.reset();
    const started = Date.now();
    const [portfolio, transcriptions, etlJob] = await Promise.all([
      startPortfolio(tc.api, `kill-risk-${Date.now()}`, 100, 1),
      startTranscriptions(tc.api, `kill-stt-${Date.now()}`, 30),
      startEtlJob(tc.api, tc.host, `kill-etl-${Date.now()}`, 100, 200_000),
    ]);
    const workers = tc.cluster.workers;
    const killed: ClusterProcess[] = Object.values(workers).map(([first]) => first);
    // Queues with work in flight lose a worker mid-run; every other registered queue loses one as well.
    const loaded = new Set(['risk', 'stt', 'etl']);
    const idle = Object.entries(workers).filter(([queue]) => !loaded.has(queue));
    try {
      // Every kill settles before anything is restarted: a kill still waiting for its queue's
      // progress would otherwise land after the restart and leave the next test a worker short.
      const kills = await Promise.allSettled([
        killedMidRun(workers.risk[0], portfolio.sitesDone, 25, 100),
        // At a moment when every upload the vendor accepted has its id recorded: a kill between the
        // vendor's answer and that commit submits the audio again, and no client can avoid it
        // (test/support/stt.ts, killWithEverySubmitRecorded). Kills elsewhere must cost no submit.
        killedMidRun(workers.stt[0], () => transcriptions.submitted(tc.pool), 6, 30, (kill) =>
          killWithEverySubmitRecorded(tc.vendor, () => transcriptions.submitted(tc.pool), kill),
        ),
        killedMidRun(workers.etl[0], etlJob.loaded, 15, 100),
        ...idle.map(([, [first]]) => killedMidRun(first, async () => 0, 0, 1)),
      ]);
      const refused = kills.find((k): k is PromiseRejectedResult => k.status === 'rejected');
      if (refused) throw refused.reason;
      const [risk, stt, etl] = kills.map((k) => (k as PromiseFulfilledResult<number>).value);
      const killedAt = Date.now();
      // Every queue is now served by its second worker alone, and answers. (Queue names are the pipelines' here.)
      await systemCheckAnsweredBy(tc.api(0), `after-kill-${Date.now()}`, Object.fromEntries(Object.entries(workers).map(([queue, [, survivor]]) => [queue, survivor])));

      const after = async (work: Promise<unknown>) => (await work, ((Date.now() - killedAt) / 1000).toFixed(1));
      const [riskDone, sttDone, etlDone] = await Promise.all([
        after(portfolio.completes(tc.pool, 600_000)),
        after(transcriptions.complete(tc.vendor, tc.pool, ACCOUNT_LIMIT, 600_000)),
        after(etlJob.completes(tc.pool, 600_000)),
      ]);
      figures.push(
        `workers SIGKILLed at ${risk} of 100 sites, ${stt} of 30 submits, ${etl} of 100 videos (${((killedAt - started) / 1000).toFixed(1)} s in); ` +
          `completed ${riskDone} s (risk), ${sttDone} s (STT), ${etlDone} s (ETL) after the kills`,
      );
      assert.equal(tc.vendor.admin.stats().submits.total, 30, 'one vendor submit per job, no more');
    } finally {
      // Two workers per queue again for the tests that follow.
      await Promise.all(killed.filter((w) => w.current().process.exitCode !== null || w.current().process.signalCode !== null).map((w) => w.start()));
    }
  });

  test('the Temporal server SIGKILLed mid-run and started again: everything completes', async () => {
    tc.vendor.admin.reset();
    const [portfolio, transcriptions, etlJob] = await Promise.all([
      startPortfolio(tc.api, `server-risk-${Date.now()}`, 20, 0),
      startTranscriptions(tc.api, `server-stt-${Date.now()}`, 6),
      startEtlJob(tc.api, tc.host, `server-etl-${Date.now()}`, 20, 200_000),
    ]);
    await waitUntil('the run to be under way', async () => (await portfolio.sitesDone()) >= 3 && tc.vendor.admin.stats().submits.total >= 1, 120_000);
    const sitesAtKill = await portfolio.sitesDone();
    const server = tc.cluster.temporal.current();
    server.process.kill('SIGKILL');
    await server.exited;
    const down = Date.now();
    assert.ok(sitesAtKill < 20, `the server died mid-run (${sitesAtKill} of 20 sites done)`);
    await tc.cluster.temporal.start();
    const restartSeconds = (Date.now() - down) / 1000;

    await Promise.all([portfolio.completes(tc.pool, 600_000), transcriptions.complete(tc.vendor, tc.pool, ACCOUNT_LIMIT, 600_000), etlJob.completes(tc.pool, 600_000)]);
    figures.push(`Temporal server SIGKILLed at ${sitesAtKill} of 20 sites, serving again after ${restartSeconds.toFixed(1)} s; everything completed ${((Date.now() - down) / 1000).toFixed(1)} s after the kill`);
    const alive = [...tc.cluster.apis, ...Object.values(tc.cluster.workers).flat()].filter((p) => p.current().process.exitCode === null && p.current().process.signalCode === null);
    assert.equal(alive.length, 2 + ANY_PIPELINES.length * 2, 'no API or worker process died with the server');
  });

  test('the same Idempotency-Key sent to both APIs at once → one workflow per pipeline', async () => {
    await oneWorkflowPerKey(tc.api, temporal, `dup-${Date.now()}`, `${tc.host.url}${mediaPath('dup', 1_000)}`);
  });
});
