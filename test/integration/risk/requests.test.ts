import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postAssessment, site } from '../../support/risk';
import { startTestStack, testConfig, type TestStack } from '../../support/stack';

describe('risk assessment requests', () => {
  let stack: TestStack;
  before(async () => {
    // No workers: these requests are judged by the API alone.
    stack = await startTestStack({ config: testConfig({ API_BODY_LIMIT: '20kb' }), queues: false });
  });
  after(() => stack.stop());

  const assessments = async () => (await stack.pool.query('SELECT count(*)::int AS n FROM risk_assessments')).rows[0].n as number;

  const bad: Array<[string, unknown, string]> = [
    ['latitude north of the grid', { sites: [site('a', 0, { latitude: 40.5 })] }, 'body.sites[0].latitude'],
    ['a point in the sea, inside the bounding box', { sites: [site('a', 0, { latitude: 34.0, longitude: 131.5 })] }, 'body.sites[0].latitude'],
    ['an unknown structure', { sites: [site('a', 0, { building: { ...site('a').building, structure: 'straw' } })] }, 'body.sites[0].building.structure'],
    ['a negative asset value', { sites: [site('a', 0, { asset: { value: -1, insuranceRate: 0.1 } })] }, 'body.sites[0].asset.value'],
    ['an insurance rate above 1', { sites: [site('a', 0, { asset: { value: 1, insuranceRate: 1.5 } })] }, 'body.sites[0].asset.insuranceRate'],
    ['an empty site list', { sites: [] }, 'body.sites'],
    ['duplicate site ids', { sites: [site('a', 0), site('a', 1)] }, 'body.sites[1].id'],
    ['an unknown scenario', { sites: [site('a')], scenarios: ['SSP999'] }, 'body.scenarios[0]'],
    ['years out of order', { sites: [site('a')], years: { from: 2090, to: 2030 } }, 'body.years.to'],
  ];
  for (const [name, body, field] of bad) {
    test(`${name} → 400 naming ${field}, nothing started`, async () => {
      const before = await assessments();
      const res = await postAssessment(stack, body);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.errors[0].field, field);
      assert.ok(res.body.detail.startsWith(`${field}: `), res.body.detail);
      assert.equal(await assessments(), before);
    });
  }

  test('malformed JSON → 400, oversized body → 413, both problem+json', async () => {
    const malformed = await postAssessment(stack, '{"sites": [');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.title, 'Malformed JSON body');
    const big = await postAssessment(stack, { sites: Array.from({ length: 200 }, (_, i) => site(`s${i}`, i)) });
    assert.equal(big.status, 413);
    assert.equal(big.body.status, 413);
  });

  test('the same Idempotency-Key twice → one assessment, one workflow', async () => {
    const body = { sites: [site('twice')], scenarios: ['SSP126'], years: { from: 2030, to: 2031 } };
    const first = await postAssessment(stack, body, 'double-submit');
    const second = await postAssessment(stack, body, 'double-submit');
    assert.equal(first.status, 202);
    assert.equal(second.status, 200);
    assert.equal(second.body.id, first.body.id);
    assert.equal(second.body.created, false);
    const runs = [];
    for await (const run of stack.temporal.workflow.list({ query: `WorkflowId = "${first.body.id}"` })) runs.push(run);
    assert.equal(runs.length, 1);
    await stack.temporal.workflow.getHandle(first.body.id).terminate('test done');
  });

  test('without a key, the same body is the same assessment', async () => {
    const body = { sites: [site('same-body')], scenarios: ['SSP245'], years: { from: 2050, to: 2050 } };
    const first = await postAssessment(stack, body);
    const second = await postAssessment(stack, body);
    assert.equal(second.body.id, first.body.id);
    assert.match(first.body.id, /^risk-[0-9a-f]{20}$/);
    await stack.temporal.workflow.getHandle(first.body.id).terminate('test done');
  });
});
