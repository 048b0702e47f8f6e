import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HAZARDS } from '../../../src/domain/risk/types';
import { firstGridPoints, startGridBatch } from '../../support/grid-batch';
import { postAssessment, site, waitForAssessment } from '../../support/risk';
import { startTestStack, type TestStack } from '../../support/stack';

describe('site reports and grid batch chunks (the console’s risk endpoints)', () => {
  let stack: TestStack;
  let id: string;
  before(async () => {
    stack = await startTestStack({ queues: ['risk'] });
    const sites = [site('seoul', 0, { name: '서울 본사' }), site('busan', 1)];
    const { body } = await postAssessment(stack, { sites, scenarios: ['SSP245', 'SSP585'], years: { from: 2040, to: 2044 } }, `report-${Date.now()}`);
    id = body.id;
    await waitForAssessment(stack, id, 'COMPLETED');
  });
  after(() => stack.stop());

  const get = async (path: string) => {
    const res = await fetch(`${stack.apiUrl}${path}`);
    return { status: res.status, body: (await res.json()) as any };
  };

  test("sites at one scenario and year: totals equal the sum of that cell's hazard results", async () => {
    const { status, body } = await get(`/api/risk-assessments/${id}/sites?scenario=SSP245&year=2042`);
    assert.equal(status, 200);
    assert.deepEqual([body.total, body.scenario, body.year], [2, 'SSP245', 2042]);
    assert.deepEqual(body.items.map((s: any) => [s.siteId, s.name]), [['seoul', '서울 본사'], ['busan', 'Site busan']]);
    const results = await get(`/api/risk-assessments/${id}/results?siteId=seoul&scenario=SSP245&year=2042`);
    const rows = results.body.items as Array<{ finalAal: number; expectedLoss: number; grade: string; hazard: string }>;
    const totals = body.items[0].totals;
    // Both sides are rounded to the stated precision (rates 8 decimals, KRW whole won): nine roundings apart at most.
    assert.ok(Math.abs(totals.finalAal - rows.reduce((s, r) => s + r.finalAal, 0)) <= 9 * 0.5e-8, `${totals.finalAal}`);
    assert.ok(Math.abs(totals.expectedLossKrw - rows.reduce((s, r) => s + r.expectedLoss, 0)) <= 9 * 0.5, `${totals.expectedLossKrw}`);
    assert.ok(Number.isInteger(totals.expectedLossKrw));
    const worst = [...rows].sort((a, b) => b.finalAal - a.finalAal);
    assert.equal(totals.grade, worst[0].grade);
    assert.deepEqual(totals.topHazards, worst.slice(0, 3).map((r) => r.hazard));
  });

  test('without a scenario and year: the last scenario, 2050 clamped into the years; outside them a 400 naming the field', async () => {
    const { body } = await get(`/api/risk-assessments/${id}/sites`);
    assert.deepEqual([body.scenario, body.year], ['SSP585', 2044]);
    assert.equal((await get(`/api/risk-assessments/${id}/sites?scenario=SSP126`)).body.errors[0].field, 'query.scenario');
    assert.equal((await get(`/api/risk-assessments/${id}/sites?year=2050`)).body.errors[0].field, 'query.year');
    assert.equal((await get(`/api/risk-assessments/nope/sites`)).status, 404);
  });

  test("one site's report: its grid point and a series per scenario × hazard over the stored years", async () => {
    const { status, body } = await get(`/api/risk-assessments/${id}/sites/seoul`);
    assert.equal(status, 200);
    assert.equal(body.name, '서울 본사');
    assert.deepEqual(body.cells, { total: 10, completed: 10, failed: 0 });
    const view = await get(`/api/risk-assessments/${id}`);
    const listed = view.body.sites.find((s: any) => s.siteId === 'seoul');
    assert.equal(body.gridPoint.id, listed.gridId);
    assert.equal(body.gridPoint.distanceKm, listed.gridDistanceKm);
    assert.equal(body.gridPoint.source, 'synthetic/v1');
    assert.equal(body.series.length, 2 * HAZARDS.length);
    const flood = body.series.find((s: any) => s.scenario === 'SSP585' && s.hazard === 'river_flood');
    assert.deepEqual(flood.years, [2040, 2041, 2042, 2043, 2044]);
    const stored = await get(`/api/risk-assessments/${id}/results?siteId=seoul&scenario=SSP585&hazard=river_flood`);
    assert.deepEqual(flood.finalAal, stored.body.items.map((r: any) => r.finalAal));
    assert.deepEqual(flood.expectedLossKrw, stored.body.items.map((r: any) => r.expectedLoss));
    assert.deepEqual(flood.grade, stored.body.items.map((r: any) => r.grade));
    assert.equal((await get(`/api/risk-assessments/${id}/sites/nowhere`)).status, 404);
  });

  test('a grid batch by chunk: stored chunks in grid order, none failed once it completed', { timeout: 120_000 }, async () => {
    const range = await firstGridPoints(stack, 12);
    const batchId = `batch-chunks-${Date.now()}`;
    await (await startGridBatch(stack, batchId, range, { pointsPerChild: 6, pointsPerActivity: 3 })).result();
    const { status, body } = await get(`/api/risk-batches/${batchId}/chunks`);
    assert.equal(status, 200);
    assert.equal(body.batch.id, batchId);
    assert.equal(body.chunks.length, 4);
    assert.deepEqual(body.chunks.map((c: any) => c.firstGridId), [...body.chunks.map((c: any) => c.firstGridId)].sort((a, b) => a - b));
    assert.equal(body.chunks.reduce((n: number, c: any) => n + c.points, 0), 12);
    assert.deepEqual([body.failedChunks, body.chunksInFlight], [0, 0]);
    assert.equal((await get('/api/risk-batches/nope/chunks')).status, 404);
  });
});
