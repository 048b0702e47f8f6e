import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createAssessmentService } from '../../../src/api/risk/assessment-service';
import type { NewSite } from '../../../src/infra/risk/queries/assessments';
import { postAssessment, site, waitForAssessment } from '../../support/risk';
import { startTestStack, testConfig, type TestStack } from '../../support/stack';

interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

describe('ingress: JSON bodies, path ids, query parameters and the Idempotency-Key', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ config: testConfig(), queues: ['risk'] });
  });
  after(() => stack.stop());

  // Every request gets an answer in time or the test fails, instead of hanging the run.
  const send = async (method: string, route: string, init: { body?: string; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${stack.apiUrl}${route}`, { method, body: init.body, headers: init.headers, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Problem & Record<string, any> };
  };
  const postJson = (route: string, body: string, headers: Record<string, string> = {}) =>
    send('POST', route, { body, headers: { 'content-type': 'application/json', ...headers } });

  const workflowExists = async (id: string) => {
    try {
      await stack.temporal.workflow.getHandle(id).describe();
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };
  const count = async (table: string) => (await stack.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
  const storedFiles = (dir: string) => {
    const full = path.join(stack.config.storage.rootDir, dir);
    return existsSync(full) ? readdirSync(full) : [];
  };

  const assertProblem = (res: { status: number; type: string; body: Problem }, status: number, field?: string) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.match(res.type, /^application\/problem\+json/);
    if (field !== undefined) {
      assert.equal(res.body.errors?.[0]?.field, field, JSON.stringify(res.body));
      assert.ok(res.body.detail.startsWith(`${field}: `), res.body.detail);
    }
  };

  test('a NUL in a site name → 400 naming it, nothing stored; the retry with a valid body under the same key runs the site', async () => {
    const body = { sites: [site('nul-site', 0, { name: 'a\u0000b' })], scenarios: ['SSP126'], years: { from: 2030, to: 2031 } };
    const before = await count('risk_assessments');
    const refused = await postAssessment(stack, body, 'nul-name');
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.errors[0].field, 'body.sites[0].name');
    assert.equal(await count('risk_assessments'), before);
    assert.equal(await workflowExists('risk-nul-name'), false);

    const valid = { ...body, sites: [site('nul-site', 0, { name: 'ab' })] };
    const accepted = await postAssessment(stack, valid, 'nul-name');
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const done = await waitForAssessment(stack, accepted.body.id, 'COMPLETED');
    assert.equal(done.progress.totalCells, 2);
    assert.equal(done.progress.completedCells, 2);
    assert.deepEqual(
      done.sites.map((s: any) => [s.siteId, s.name, s.status]),
      [['nul-site', 'ab', 'COMPLETED']],
    );
  });

  test('the service stores an assessment and its sites in one transaction: together or not at all', async () => {
    const service = createAssessmentService(stack, stack.config.pipelines.risk);
    const id = 'risk-atomic-insert';
    const a = { id, scenarios: ['SSP126'] as const, yearFrom: 2030, yearTo: 2030 };
    const good = site('ok', 0) as unknown as NewSite;
    // PostgreSQL refuses NUL in text (ingress refuses it before a request gets here): the sites'
    // insert fails after the assessment row was written, in the same transaction.
    await assert.rejects(service.accept({ ...a, sites: [good, { ...good, id: 'bad', name: 'x\u0000y' }] }), /invalid byte sequence|0x00/);
    assert.equal(await service.find(id), undefined);
    const stored = await service.accept({ ...a, sites: [good] });
    assert.equal(stored.siteCount, 1);
    // A request that finds the id taken (it lost the race to the key) adds nothing to the assessment.
    assert.deepEqual(await service.accept({ ...a, sites: [good, { ...good, id: 'late' }] }), stored);
    const { rows } = await stack.pool.query('SELECT site_count, (SELECT count(*)::int FROM risk_sites WHERE assessment_id = $1) AS sites FROM risk_assessments WHERE id = $1', [id]);
    assert.deepEqual(rows, [{ site_count: 1, sites: 1 }]);
  });

  test('a NUL in a JSON key, in an ETL record and in csvKey → 400 naming the field; nothing stored', async () => {
    const before = { etl: await count('etl_jobs'), inputs: storedFiles('etl/inputs').length };
    assertProblem(await postJson('/api/etl-jobs', JSON.stringify({ records: [{ id: 'v1', 'ti\u0000tle': 'x' }] })), 400, 'body.records[0]["ti\\u0000tle"]');
    assertProblem(await postJson('/api/etl-jobs', JSON.stringify({ records: [{ id: 'v1', title: 'a\u0000' }] })), 400, 'body.records[0].title');
    assertProblem(await postJson('/api/etl-jobs', JSON.stringify({ csvKey: 'etl/x\u0000.csv' })), 400, 'body.csvKey');
    assertProblem(await postJson('/api/system-checks', JSON.stringify({ queues: ['risk\u0000'] })), 400, 'body.queues[0]');
    assert.equal(await count('etl_jobs'), before.etl);
    assert.equal(storedFiles('etl/inputs').length, before.inputs);
  });

  test('a 10 KB body nested 5,000 levels deep → 400 on every JSON route; nothing stored', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const before = { risk: await count('risk_assessments'), etl: await count('etl_jobs'), stt: await count('stt_jobs') };
    for (const [route, body] of [
      ['/api/risk-assessments', `{"sites":${deep}}`],
      ['/api/risk-assessments', `{"sites":[{"id":"a","building":${deep}}]}`],
      ['/api/etl-jobs', `{"records":[{"id":${deep}}]}`],
      ['/api/transcriptions', `{"audioUrl":"http://127.0.0.1/a.wav","domain":${deep}}`],
      ['/api/system-checks', `{"queues":${deep}}`],
    ]) {
      const res = await postJson(route, body);
      assertProblem(res, 400, 'body');
      assert.match(res.body.detail, /nested deeper than/);
    }
    assert.deepEqual({ risk: await count('risk_assessments'), etl: await count('etl_jobs'), stt: await count('stt_jobs') }, before);
  });

  test('a body that is not the documented JSON → 415 for the wrong type, 400 for a body where none is taken', async () => {
    const before = { risk: await count('risk_assessments'), etl: await count('etl_jobs'), stt: await count('stt_jobs') };
    assertProblem(await send('POST', '/api/system-checks', { body: '{"queues":["risk"]}', headers: { 'content-type': 'text/plain' } }), 415, 'headers.content-type');
    // fetch labels a string body text/plain when no type is given: the classic forgotten header.
    assertProblem(await send('POST', '/api/system-checks', { body: '{"queues":["risk"]}' }), 415);
    assertProblem(await send('POST', '/api/risk-assessments', { body: 'sites=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
    assertProblem(await send('POST', '/api/risk-batches', { body: 'run now', headers: { 'content-type': 'text/plain' } }), 415);
    assertProblem(await postJson('/api/risk-batches', '{"window":5}'), 400, 'body');
    assertProblem(await postJson('/api/risk-assessments/x/cancel', '{"reason":"test"}'), 400, 'body');
    assertProblem(await send('POST', '/api/etl-jobs', { body: 'id,title\n', headers: { 'content-type': 'text/csv' } }), 415);
    assertProblem(await send('POST', '/api/transcriptions', { body: 'RIFF', headers: { 'content-type': 'audio/wav' } }), 415);
    assert.deepEqual({ risk: await count('risk_assessments'), etl: await count('etl_jobs'), stt: await count('stt_jobs') }, before);
  });

  test('an Idempotency-Key that could not be a storage key or workflow id → 400 naming the header, on every route that takes one', async () => {
    const before = { risk: await count('risk_assessments'), etl: await count('etl_jobs'), stt: await count('stt_jobs'), inputs: storedFiles('etl/inputs').length };
    const bodies: Array<[string, string]> = [
      ['/api/etl-jobs', JSON.stringify({ records: [{ id: 'v1', title: 't', video_url: 'http://127.0.0.1/a.mp4' }] })],
      ['/api/risk-assessments', JSON.stringify({ sites: [site('key-check')], scenarios: ['SSP126'], years: { from: 2030, to: 2030 } })],
      ['/api/transcriptions', JSON.stringify({ audioUrl: 'http://127.0.0.1:9/a.wav' })],
      ['/api/system-checks', '{}'],
    ];
    for (const key of ['a:c', 'a/b', 'a b', '', 'x'.repeat(129), 'clé']) {
      for (const [route, body] of bodies) {
        const res = await postJson(route, body, { 'idempotency-key': key });
        assertProblem(res, 400, 'headers.idempotency-key');
      }
    }
    assert.deepEqual({ risk: await count('risk_assessments'), etl: await count('etl_jobs'), stt: await count('stt_jobs'), inputs: storedFiles('etl/inputs').length }, before);
  });

  test('a NUL or a broken percent-escape in any path id or query parameter → 400 naming it, on every documented route', async () => {
    const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { parameters: Array<{ name: string; in: string }> }>> };
    let checked = 0;
    for (const [template, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const pathParams = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
        const queryParams = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
        const fill = (value: (name: string) => string) => template.replace(/\{(\w+)\}/g, (_, name: string) => value(name));
        for (const name of pathParams) {
          const res = await send(method.toUpperCase(), fill((n) => (n === name ? 'a%00b' : 'x')));
          assertProblem(res, 400, `params.${name}`);
          assertProblem(await send(method.toUpperCase(), fill((n) => (n === name ? '%E0%A4%A' : 'x'))), 400, `params.${name}`);
          checked++;
        }
        for (const name of queryParams) {
          const res = await send(method.toUpperCase(), `${fill(() => 'x')}?${name}=a%00b`);
          assertProblem(res, 400, `query.${name}`);
          checked++;
        }
      }
    }
    // runs, ETL (4), transcriptions (4), risk assessments (4 + results query), batches, system checks, regions: all covered.
    assert.ok(checked >= 25, `only ${checked} parameters checked`);
  });
});
