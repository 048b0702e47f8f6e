import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { roundScore } from '../../../src/api/risk/units';
import { DEFAULT_REGION_YEARS } from '../../../src/domain/risk/regions/types';
import { findNearestGridPoints } from '../../../src/infra/risk/queries/reference';
import { regionScores, regionScoreSingle, type RegionScoreQuery } from '../../../src/infra/risk/queries/region-scores';
import { listRegions } from '../../../src/infra/risk/queries/regions';
import { fillHazardResults } from '../../support/regions';
import { startTestStack, type TestStack } from '../../support/stack';

/**
 * Against the run's database: the 250 synthetic regions that start-up loads, the synthetic grid,
 * and hazard scores this file stores for the regions' nearest grid points (the domain's H from the
 * real reference rows; rows a grid batch stored earlier are kept). Expectations come from the
 * per-region single queries at the time, never from constants, since other tests write
 * hazard_results too.
 */
let stack: TestStack;
const SCENARIO = 'SSP370';
const HAZARD = 'river_flood';
const EXTRA_YEAR = 2021;

before(async () => {
  stack = await startTestStack({ queues: false });
});
after(() => stack.stop());

const get = async (query: string) => {
  const res = await fetch(`${stack.apiUrl}/api/regions/scores?${query}`);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
};

/** Scores as the API states them: 2 decimals, no float noise (full precision stays in the database). */
const rounded = (years: Record<string, number>) => Object.fromEntries(Object.entries(years).map(([year, h]) => [year, roundScore(h)]));

function query(years: readonly number[]): RegionScoreQuery {
  return { hazard: HAZARD, scenario: SCENARIO, years, maxDistanceKm: stack.config.pipelines.risk.assessment.maxGridDistanceKm };
}

describe('GET /api/regions', () => {
  test('lists the 250 synthetic regions start-up loaded, clearly labelled', async () => {
    const res = await fetch(`${stack.apiUrl}/api/regions`);
    const body = (await res.json()) as { total: number; items: Array<{ code: string; source: string }> };
    assert.equal(res.status, 200);
    assert.equal(body.total, 250);
    assert.equal(new Set(body.items.map((r) => r.code)).size, 250);
    assert.ok(body.items.every((r) => r.source === 'synthetic/v1' && /^SYN-\d{3}$/.test(r.code)));
  });
});

describe('GET /api/regions/scores', () => {
  test("one statement picks each region's great-circle nearest grid point, the same as findNearestGridPoints", async () => {
    const regions = await listRegions(stack.pool);
    const nearest = await findNearestGridPoints(stack.pool, regions);
    const result = await regionScores(stack.pool, query(DEFAULT_REGION_YEARS));
    for (const [i, r] of regions.entries()) {
      const got = result.grid[r.code];
      assert.ok(got && nearest[i], r.code);
      assert.equal(got.gridId, nearest[i]!.gridId, r.code);
      assert.ok(Math.abs(got.distanceKm - nearest[i]!.distanceKm) < 1e-9, r.code);
      assert.ok(got.distanceKm <= stack.config.pipelines.risk.assessment.maxGridDistanceKm, `${r.code} is inside the grid`);
    }
  });

  test('returns 250 × 16 scores, each equal to the per-region single query', async () => {
    const before = await regionScores(stack.pool, query(DEFAULT_REGION_YEARS));
    const gridIds = Object.values(before.grid).map((g) => g!.gridId);
    await fillHazardResults(stack.pool, { gridIds, scenario: SCENARIO, hazard: HAZARD, years: [...DEFAULT_REGION_YEARS, EXTRA_YEAR] });

    const { status, body } = await get(`hazard=${HAZARD}&scenario=${SCENARIO}`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.years, DEFAULT_REGION_YEARS);
    const codes = Object.keys(body.regionScores);
    assert.equal(codes.length, 250);
    let cells = 0;
    for (const code of codes) {
      assert.deepEqual(Object.keys(body.regionScores[code]).map(Number), DEFAULT_REGION_YEARS, code);
      for (const h of Object.values<number>(body.regionScores[code])) {
        assert.ok(h >= 0 && h <= 100, `${code}: ${h}`);
        assert.ok((String(h).split('.')[1] ?? '').length <= 2, `${code}: ${h} is stated to 2 decimals`);
        cells++;
      }
      const single = await regionScoreSingle(stack.pool, code, query(DEFAULT_REGION_YEARS));
      assert.deepEqual(single.gaps, [], code);
      assert.deepEqual(body.regionScores[code], rounded(single.regionScores[code]), code);
    }
    assert.equal(cells, 250 * 16);
    // Scores vary by place; a constant map would mean every region read the same row.
    assert.ok(new Set(codes.map((c) => body.regionScores[c]['2050'])).size > 10);
  });

  test('answers exactly the years asked for, in any order', async () => {
    const { status, body } = await get(`hazard=${HAZARD}&scenario=${SCENARIO}&years=2100,${EXTRA_YEAR},2050`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.years, [EXTRA_YEAR, 2050, 2100]);
    const single = await regionScoreSingle(stack.pool, 'SYN-123', query([EXTRA_YEAR, 2050, 2100]));
    assert.deepEqual(body.regionScores['SYN-123'], rounded(single.regionScores['SYN-123']));
    for (const years of Object.values<Record<string, number>>(body.regionScores)) assert.deepEqual(Object.keys(years), ['2021', '2050', '2100']);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['scenario=SSP245', 'query.hazard', /./],
    ['hazard=volcano&scenario=SSP245', 'query.hazard', /./],
    ['hazard=drought&scenario=SSP999', 'query.scenario', /./],
    ['hazard=drought&scenario=SSP245&years=2020', 'query.years', /"2020" is not a year within 2021–2100/],
    ['hazard=drought&scenario=SSP245&years=2030,abc', 'query.years', /"abc" is not a year/],
    ['hazard=drought&scenario=SSP245&years=', 'query.years', /"" is not a year/],
    ['hazard=drought&scenario=SSP245&years=2030,2040,2030', 'query.years', /2030 is listed twice/],
    ['hazard=drought&scenario=SSP245&years=2030&years=2040', 'query.years', /./],
  ];
  for (const [q, field, message] of bad) {
    test(`400 naming ${field} for ?${q}`, async () => {
      const { status, type, body } = await get(q);
      assert.equal(status, 400);
      assert.match(type ?? '', /application\/problem\+json/);
      assert.equal(body.errors[0].field, field);
      assert.match(body.errors[0].message, message);
      assert.match(body.detail, new RegExp(`^${field.replace('.', '\\.')}: `));
    });
  }

  test('more than 80 years is a 400 as well (all 80 model years are fine)', async () => {
    const all = Array.from({ length: 80 }, (_, i) => 2021 + i);
    assert.notEqual((await get(`hazard=drought&scenario=SSP245&years=${all.join(',')}`)).status, 400);
    const tooMany = await get(`hazard=drought&scenario=SSP245&years=${[...all, 2101].join(',')}`);
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.errors[0].field, 'query.years');
  });

  test('is documented in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as { paths: Record<string, any> };
    const op = doc.paths['/api/regions/scores'].get;
    assert.deepEqual(op.parameters.map((p: { name: string; required: boolean }) => [p.name, p.required]), [['hazard', true], ['scenario', true], ['years', false]]);
    assert.ok(op.responses['409']);
    assert.ok(doc.paths['/api/regions'].get);
  });
});
