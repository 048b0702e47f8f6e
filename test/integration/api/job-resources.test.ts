import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { LIVE_STATE_TIMEOUT_MS } from '../../../src/api/shared/live-state';
import { site } from '../../support/risk';
import { startBundleWorker, startTestStack, testConfig, waitUntil, type TestStack } from '../../support/stack';
import { wav } from '../../support/stt';

interface Answer {
  status: number;
  location: string | null;
  body: any;
}

/** One job resource: where it lives, how a request for a new job is sent, and what accepting one writes. */
interface Resource {
  name: string;
  base: string;
  /** The pipeline's name, which also begins its workflow ids. */
  prefix: 'risk' | 'stt' | 'etl';
  request(): { body: string | FormData; headers?: Record<string, string> };
  /** The table accepting writes to last: locked, that write fails after any earlier one succeeded. */
  lastWrite: string;
  /** The job's row, by id. */
  jobTable: string;
  /** Where the request's input is stored before the job row is written. */
  inputDir?: string;
}

const RESOURCES: Resource[] = [
  {
    name: 'risk assessments',
    base: '/api/risk-assessments',
    prefix: 'risk',
    request: () => ({
      body: JSON.stringify({ sites: [site('first', 0), site('second', 1)], scenarios: ['SSP126'], years: { from: 2030, to: 2031 } }),
      headers: { 'content-type': 'application/json' },
    }),
    // The assessment row is written first, its sites second.
    lastWrite: 'risk_sites',
    jobTable: 'risk_assessments',
  },
  {
    name: 'transcriptions',
    base: '/api/transcriptions',
    prefix: 'stt',
    request: () => {
      const form = new FormData();
      form.append('file', new Blob([wav(11)], { type: 'audio/wav' }), 'lecture.wav');
      return { body: form };
    },
    lastWrite: 'stt_jobs',
    jobTable: 'stt_jobs',
    inputDir: 'stt/uploads',
  },
  {
    name: 'ETL jobs',
    base: '/api/etl-jobs',
    prefix: 'etl',
    request: () => {
      const form = new FormData();
      form.append('file', new Blob(['id,title,video_url\nv1,One,http://127.0.0.1:9/v1.mp4\n'], { type: 'text/csv' }), 'videos.csv');
      return { body: form };
    },
    lastWrite: 'etl_jobs',
    jobTable: 'etl_jobs',
    inputDir: 'etl/inputs',
  },
];

describe('job resources: one accept / view / cancel behaviour for every pipeline', () => {
  let stack: TestStack;
  before(async () => {
    // No workers: every run stays PENDING, which is all these answers need. A short statement
    // timeout turns a write blocked by a test's lock into a prompt failure.
    stack = await startTestStack({ config: testConfig({ PG_STATEMENT_TIMEOUT_MS: '1500', FETCH_ALLOW_HOSTS: '127.0.0.1:*' }), queues: false });
  });
  after(async () => {
    for await (const run of stack.temporal.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
      if (RESOURCES.some((r) => run.workflowId.startsWith(`${r.prefix}-jr-`))) await stack.temporal.workflow.getHandle(run.workflowId).terminate('test done');
    }
    await stack.stop();
  });

  const send = async (method: string, route: string, init: { body?: string | FormData; headers?: Record<string, string> } = {}): Promise<Answer> => {
    const res = await fetch(`${stack.apiUrl}${route}`, { method, ...init, signal: AbortSignal.timeout(15_000) });
    return { status: res.status, location: res.headers.get('location'), body: await res.json() };
  };
  const accept = (r: Resource, key: string) => {
    const { body, headers } = r.request();
    return send('POST', r.base, { body, headers: { ...headers, 'idempotency-key': key } });
  };
  const workflowExists = async (id: string) => {
    try {
      await stack.temporal.workflow.getHandle(id).describe();
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };
  const storedInputs = (dir: string | undefined) => {
    const full = dir ? path.join(stack.config.storage.rootDir, dir) : undefined;
    return full && existsSync(full) ? readdirSync(full).sort() : [];
  };
  const rowsOf = async (table: string, id: string) => {
    const column = table === 'risk_sites' ? 'assessment_id' : 'id';
    return (await stack.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [id])).rows[0].n as number;
  };

  /** Holds a lock that blocks inserts into `table` (reads go on) until `fn` is done. */
  async function withInsertsBlocked<T>(table: string, fn: () => Promise<T>): Promise<T> {
    const locker = new PgClient({ connectionString: stack.config.postgres.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${table} IN SHARE MODE`);
      return await fn();
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  }

  for (const r of RESOURCES) {
    test(`${r.name}: a write that fails inside accept leaves no row, no stored input and no run; the retry is accepted`, async () => {
      const key = `jr-fail-${r.prefix}`;
      const id = `${r.prefix}-${key}`;
      const inputsBefore = storedInputs(r.inputDir);
      const failed = await withInsertsBlocked(r.lastWrite, () => accept(r, key));
      assert.equal(failed.status, 503, JSON.stringify(failed.body));
      assert.equal(failed.body.title, 'Service Unavailable');
      assert.equal(await rowsOf(r.jobTable, id), 0, 'no job row');
      if (r.lastWrite !== r.jobTable) assert.equal(await rowsOf(r.lastWrite, id), 0);
      assert.deepEqual(storedInputs(r.inputDir), inputsBefore, 'the stored input was deleted');
      assert.equal(await workflowExists(id), false, 'no run was started');

      const retried = await accept(r, key);
      assert.equal(retried.status, 202, JSON.stringify(retried.body));
      assert.equal(retried.body.id, id);
      assert.equal(await rowsOf(r.jobTable, id), 1);
      if (r.lastWrite !== r.jobTable) assert.equal(await rowsOf(r.lastWrite, id), 2);
      const added = storedInputs(r.inputDir).filter((f) => !inputsBefore.includes(f) && !f.endsWith('.meta.json'));
      assert.equal(added.length, r.inputDir ? 1 : 0, added.join());
      assert.equal(await workflowExists(id), true);
    });
  }

  for (const r of RESOURCES) {
    test(`${r.name}: accept, view and cancel answer { id, status, …, links: { self, run, webUi } } as documented`, async () => {
      const key = `jr-shape-${r.prefix}`;
      const id = `${r.prefix}-${key}`;
      const self = `${r.base}/${id}`;
      const links = { self, run: `/api/runs/${id}`, webUi: `${stack.config.temporal.uiUrl}/namespaces/default/workflows/${id}` };
      const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
      const documented = (route: string, method: string, status: number) => doc.paths[route][method].responses[status].content['application/json'].schema;
      const assertAnswer = (answer: Answer, status: number, schema: any) => {
        assert.equal(answer.status, status, JSON.stringify(answer.body));
        const keys = Object.keys(answer.body);
        assert.deepEqual([keys[0], keys[1], keys.at(-1)], ['id', 'status', 'links']);
        assert.equal(answer.body.id, id);
        assert.deepEqual(keys.sort(), Object.keys(schema.properties).sort(), 'the answer has exactly the documented fields');
        assert.deepEqual(Object.keys(answer.body.links).sort(), Object.keys(schema.properties.links.properties).sort());
        assert.deepEqual({ self: answer.body.links.self, run: answer.body.links.run, webUi: answer.body.links.webUi }, links);
      };

      const accepted = await accept(r, key);
      assertAnswer(accepted, 202, documented(r.base, 'post', 202));
      assert.equal(accepted.location, self);
      assert.equal(accepted.body.created, true);
      assert.equal(accepted.body.status, 'PENDING');

      const again = await accept(r, key);
      assertAnswer(again, 200, documented(r.base, 'post', 200));
      assert.equal(again.location, self);
      assert.equal(again.body.created, false);

      const view = await send('GET', self);
      assertAnswer(view, 200, documented(`${r.base}/{id}`, 'get', 200));
      assert.deepEqual(Object.keys(view.body).sort(), Object.keys(accepted.body).filter((k) => k !== 'created').sort(), 'the view is the accept answer without `created`');
      assert.deepEqual(view.body.links, accepted.body.links);

      const canceling = await send('POST', `${self}/cancel`);
      assertAnswer(canceling, 202, documented(`${r.base}/{id}/cancel`, 'post', 202));
      assert.equal(canceling.body.status, 'CANCELING');
      assert.deepEqual(canceling.body.links, view.body.links);

      await stack.temporal.workflow.getHandle(id).terminate('test done');
      const ended = await send('POST', `${self}/cancel`);
      assert.equal(ended.status, 409, JSON.stringify(ended.body));
      assert.equal((await send('GET', `${r.base}/${r.prefix}-jr-missing`)).status, 404);
    });
  }

  for (const r of RESOURCES) {
    test(`${r.name}: a running job whose workers have stopped is still shown, from its stored row, without waiting for them`, async () => {
      const key = `jr-orphaned-${r.prefix}`;
      const id = `${r.prefix}-${key}`;
      // A worker with the real workflows and no activities takes the run's first workflow task and
      // stops: the run is RUNNING, and no worker is left to answer a query.
      const worker = await startBundleWorker(stack, stack.config.pipelines[r.prefix].queue.taskQueue);
      try {
        assert.equal((await accept(r, key)).status, 202);
        await waitUntil('the first workflow task', async () => (await stack.temporal.workflow.getHandle(id).describe()).historyLength > 2);
      } finally {
        await worker.stop();
      }

      const started = performance.now();
      const view = await send('GET', `${r.base}/${id}`);
      const elapsedMs = performance.now() - started;
      assert.equal(view.status, 200, JSON.stringify(view.body));
      assert.equal(view.body.id, id);
      assert.equal(view.body.status, 'RUNNING');
      assert.ok(elapsedMs < LIVE_STATE_TIMEOUT_MS + 2_000, `answered after ${Math.round(elapsedMs)} ms`);
      await stack.temporal.workflow.getHandle(id).terminate('test done');
    });
  }
});
