import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postAssessment, site, waitForAssessment } from '../../support/risk';
import { startTestStack, waitUntil, type TestStack } from '../../support/stack';

/**
 * GET /api/runs against the run's Temporal server, which other test files share: assertions pick
 * this file's runs out by id and check that filters keep only what they name.
 */
describe('GET /api/runs: every pipeline’s jobs from Temporal visibility', () => {
  let stack: TestStack;
  let assessmentId: string;
  let checkId: string;
  before(async () => {
    stack = await startTestStack({ queues: ['risk', 'system-check'] });
    const risk = await postAssessment(stack, { sites: [site('a', 0), site('b', 1)], scenarios: ['SSP126'], years: { from: 2030, to: 2032 } }, `runs-${Date.now()}`);
    assessmentId = risk.body.id;
    const check = await fetch(`${stack.apiUrl}/api/system-checks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queues: ['risk'] }) });
    checkId = ((await check.json()) as { id: string }).id;
    await waitForAssessment(stack, assessmentId, 'COMPLETED');
  });
  after(() => stack.stop());

  const list = async (query: string) => {
    const res = await fetch(`${stack.apiUrl}/api/runs?${query}`);
    return { status: res.status, body: (await res.json()) as any };
  };

  test('a finished assessment is listed once, with its progress, status detail and links; its site workflows are not', async () => {
    const { status, body } = await list('pipeline=risk&limit=200');
    assert.equal(status, 200);
    assert.ok(body.items.every((run: any) => run.pipeline === 'risk'));
    assert.ok(!body.items.some((run: any) => run.workflowId.startsWith(`${assessmentId}-site-`)), 'child workflows are parts of their run');
    const run = body.items.find((r: any) => r.workflowId === assessmentId);
    assert.equal(run.type, 'riskAssessmentWorkflow');
    assert.equal(run.status, 'COMPLETED');
    assert.equal(run.statusDetail, 'completed');
    assert.equal(run.businessKey, assessmentId);
    assert.deepEqual(run.progress, { done: 2 * 3, failed: 0, total: 2 * 3, unit: 'cells' });
    assert.deepEqual(run.links, { job: `/api/risk-assessments/${assessmentId}`, run: `/api/runs/${assessmentId}`, webUi: run.links.webUi });
    assert.match(run.links.webUi, new RegExp(`/workflows/${assessmentId}$`));
    assert.ok(Date.parse(run.closedAt) >= Date.parse(run.startedAt));
  });

  test('status filters keep only runs in that state; a system check links to its check', async () => {
    const run = await waitUntil('the check run to complete', async () => {
      const { body } = await list('pipeline=system-check&status=COMPLETED&limit=200');
      assert.ok(body.items.every((r: any) => r.status === 'COMPLETED' && r.pipeline === 'system-check'));
      return body.items.find((r: any) => r.workflowId === `${checkId}-risk`);
    });
    assert.equal(run.links.job, `/api/system-checks/${checkId}`);
    assert.equal(run.progress, null);
    const running = await list('status=RUNNING&limit=200');
    assert.ok(running.body.items.every((r: any) => r.status === 'RUNNING'));
    assert.ok(!running.body.items.some((r: any) => r.workflowId === assessmentId));
  });

  test('pages follow nextPageToken without repeating a run', async () => {
    const first = await list('limit=1');
    assert.equal(first.body.items.length, 1);
    assert.equal(typeof first.body.nextPageToken, 'string');
    const second = await list(`limit=1&pageToken=${first.body.nextPageToken}`);
    assert.equal(second.status, 200);
    assert.equal(second.body.items.length, 1);
    assert.notEqual(second.body.items[0].runId, first.body.items[0].runId);
    // A damaged token is refused here rather than handed to Temporal.
    const token: string = first.body.nextPageToken;
    const damaged = `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;
    const refused = await list(`limit=1&pageToken=${damaged}`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, 'query.pageToken');
  });

  test('bad filters and tokens are 400 problems naming the parameter', async () => {
    for (const [query, field] of [
      ['pipeline=video', 'query.pipeline'],
      ['status=DONE', 'query.status'],
      ['limit=0', 'query.limit'],
      ['pageToken=not%20a%20token', 'query.pageToken'],
      ['pageToken=AAAA', 'query.pageToken'],
    ]) {
      const { status, body } = await list(query);
      assert.equal(status, 400, query);
      assert.equal(body.errors[0].field, field, query);
    }
  });

  test('/openapi.json documents the list with its response schema', async () => {
    const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as any;
    const op = doc.paths['/api/runs'].get;
    assert.deepEqual(op.parameters.map((p: any) => p.name), ['pipeline', 'status', 'limit', 'pageToken']);
    const item = op.responses['200'].content['application/json'].schema.properties.items.items;
    assert.ok(['workflowId', 'pipeline', 'status', 'statusDetail', 'progress', 'links'].every((k) => k in item.properties));
  });
});
