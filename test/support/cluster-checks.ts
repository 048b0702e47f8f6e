import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import type { ClusterProcess } from '../../devtools/cluster/app-processes';
import { postCsv } from './etl';
import { postAssessment, site } from './risk';
import { waitUntil } from './stack';
import { upload, wav } from './stt';
import type { Apis } from './cluster-loads';

/**
 * SIGKILLs `worker` once `progress()` reaches `atLeast` (0: at once), and answers the progress
 * read right after its death, checked to be short of `total`: the kill landed mid-run. `moment`,
 * if given, picks the instant after that: it calls its argument (which signals before any await) then.
 */
export async function killedMidRun(
  worker: ClusterProcess,
  progress: () => Promise<number>,
  atLeast: number,
  total: number,
  moment: (kill: () => Promise<void>) => Promise<void> = (kill) => kill(),
): Promise<number> {
  if (atLeast > 0) await waitUntil(`${worker.name}'s work to be under way`, async () => (await progress()) >= atLeast, 180_000);
  const child = worker.current();
  await moment(async () => {
    const { exitCode, signalCode } = child.process;
    assert.ok(child.process.kill('SIGKILL'), `${worker.name} could be signalled (it had already exited: code ${exitCode}, signal ${signalCode}; its last output is printed above)`);
    await child.exited;
  });
  assert.equal(child.process.signalCode, 'SIGKILL');
  const reached = await progress();
  assert.ok(reached < total, `${worker.name} was killed mid-run (${reached} of ${total} done)`);
  return reached;
}

/**
 * A system check over every queue: each queue's answer comes from the worker process that survives
 * there (the system check records the answering worker as `host:pid`).
 */
export async function systemCheckAnsweredBy(api: { apiUrl: string }, key: string, survivors: Record<string, ClusterProcess>): Promise<void> {
  const res = await fetch(`${api.apiUrl}/api/system-checks`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: '{}' });
  assert.equal(res.status, 202);
  const { id, runs } = (await res.json()) as { id: string; runs: unknown[] };
  type View = { queues: Array<{ queue: string; worker: string }> };
  const view = await waitUntil(
    'every queue to answer the system check',
    async () => {
      const answer = await fetch(`${api.apiUrl}/api/system-checks/${id}`);
      const v = (await answer.json()) as Partial<View>;
      // 404 until the first queue has written its row.
      return answer.ok && v.queues?.length === runs.length ? (v as View) : undefined;
    },
    120_000,
  );
  assert.deepEqual(view.queues.map((q) => q.queue).sort(), Object.keys(survivors).sort());
  for (const q of view.queues) {
    const pid = Number(q.worker.split(':').pop());
    assert.equal(pid, survivors[q.queue].current().process.pid, `${q.queue} was answered by ${survivors[q.queue].name} (${q.worker})`);
  }
}

/** Executions with this workflow id; visibility is written shortly after a start, so wait for the first. */
async function executionsOf(temporal: Client, workflowId: string): Promise<number> {
  const count = async () => (await temporal.workflow.count(`WorkflowId = "${workflowId}"`)).count;
  await waitUntil(`${workflowId} in visibility`, async () => (await count()) > 0, 30_000);
  await new Promise((r) => setTimeout(r, 1_000));
  return count();
}

/**
 * For each pipeline's start route, four requests to each API process at once with one
 * Idempotency-Key: one 202, the rest 200 with the same id, one row and one workflow.
 */
export async function oneWorkflowPerKey(apis: Apis, temporal: Client, key: string, videoUrl: string): Promise<void> {
  const sends = {
    risk: (i: number) => postAssessment(apis(i), { sites: [site(`${key}-site`)], scenarios: ['SSP126'], years: { from: 2030, to: 2031 } }, `${key}-risk`),
    stt: (i: number) => upload(apis(i), { bytes: wav(77), name: `${key}.wav` }, { key: `${key}-stt` }),
    etl: (i: number) => postCsv(apis(i), `id,title,video_url\n${key},Same,${videoUrl}\n`, `${key}-etl`),
  };
  for (const [pipeline, send] of Object.entries(sends)) {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => send(i)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [...Array(7).fill(200), 202].sort(), `${pipeline}: ${JSON.stringify(answers.map((a) => a.body))}`);
    const ids = new Set(answers.map((a) => a.body.id as string));
    assert.equal(ids.size, 1, `${pipeline}: one id for every answer (${[...ids].join(', ')})`);
    assert.equal(await executionsOf(temporal, [...ids][0]), 1, `${pipeline}: one workflow`);
  }
}
