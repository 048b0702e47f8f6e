import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_REGION_YEARS } from '../../../src/domain/risk/regions/types';
import { generateGridPoints, SYNTHETIC_SOURCE } from '../../../src/domain/risk/synthetic';
import { mulberry32 } from '../../../src/domain/risk/synthetic/random';
import { regionScores, regionScoreSingle, REGION_SCORES_SQL, type RegionScoreQuery } from '../../../src/infra/risk/queries/region-scores';
import { analyzeReferenceTables, findNearestGridPoints, upsertGridPoints } from '../../../src/infra/risk/queries/reference';
import { upsertRegions } from '../../../src/infra/risk/queries/regions';
import { ensureRegions } from '../../../src/infra/risk/reference-data/regions';
import { fillHazardResults, regionScratchDatabase } from '../../support/regions';
import { startTestStack, testConfig, type TestStack } from '../../support/stack';

/**
 * A database of this file's own, so it can leave holes in hazard_results and add a region off
 * the grid without disturbing other tests. The grid is the 0.05° synthetic lattice (points only:
 * region queries read no yearly indicators), so the planner sees a realistically sized index.
 */
const POINTS = generateGridPoints({ resolutionDeg: 0.05, seed: 42 });
const SCENARIO = 'SSP126';
const HAZARD = 'typhoon';
const score = (gridId: number, year: number) => (gridId * 7 + year) % 101;

let scratch: Awaited<ReturnType<typeof regionScratchDatabase>>;
let stack: TestStack;

before(async () => {
  scratch = await regionScratchDatabase();
  stack = await startTestStack({ config: testConfig({ DATABASE_URL: scratch.url }), queues: false });
});
after(async () => {
  await stack.stop();
  await scratch.close();
});

const get = async (query: string) => {
  const res = await fetch(`${stack.apiUrl}/api/regions/scores?${query}`);
  return { status: res.status, body: (await res.json()) as any };
};
const q = (years: readonly number[] = DEFAULT_REGION_YEARS): RegionScoreQuery => ({ hazard: HAZARD, scenario: SCENARIO, years, maxDistanceKm: 20 });
const ASK = `hazard=${HAZARD}&scenario=${SCENARIO}`;

describe('region scores with missing data', () => {
  test('no regions loaded: 409 saying so', async () => {
    const { status, body } = await get(ASK);
    assert.equal(status, 409);
    assert.match(body.detail, /No regions are loaded/);
  });

  test('regions but no grid: every region is reported, none dropped', async () => {
    await ensureRegions(scratch.pools[0], () => undefined);
    const result = await regionScores(scratch.pools[0], q());
    assert.equal(result.regions, 250);
    assert.equal(result.gaps.length, 250);
    assert.ok(result.gaps.every((g) => g.reason === 'no_grid'));
    const { status, body } = await get(ASK);
    assert.equal(status, 409);
    assert.match(body.detail, /^4000 of 4000 region × year scores are missing \(typhoon, SSP126\): 250 region\(s\) without a grid point within 20 km, 0 region/);
    assert.equal(body.errors.length, 10);
    assert.deepEqual(body.errors[0], { field: 'regionScores.SYN-001', message: 'no reference grid is loaded' });
  });

  test('complete scores: 200 with every region × year', async () => {
    for (let i = 0; i < POINTS.length; i += 2000) await upsertGridPoints(scratch.pools[0], POINTS.slice(i, i + 2000), SYNTHETIC_SOURCE);
    await analyzeReferenceTables(scratch.pools[0]);
    const located = await regionScores(scratch.pools[0], q());
    const gridIds = Object.values(located.grid).map((g) => g!.gridId);
    await fillHazardResults(scratch.pools[0], { gridIds, scenario: SCENARIO, hazard: HAZARD, years: DEFAULT_REGION_YEARS, score });
    const { status, body } = await get(ASK);
    assert.equal(status, 200, JSON.stringify(body).slice(0, 500));
    assert.equal(Object.keys(body.regionScores).length, 250);
    for (const [code, years] of Object.entries<Record<string, number>>(body.regionScores)) {
      const gridId = located.grid[code]!.gridId;
      assert.deepEqual(years, Object.fromEntries(DEFAULT_REGION_YEARS.map((y) => [y, score(gridId, y)])), code);
    }
  });

  test('one missing (point, year) row and one region off the grid: 409 listing both, with totals', async () => {
    const pool = scratch.pools[0];
    const located = await regionScores(pool, q());
    const hole = located.grid['SYN-100']!.gridId;
    const sharing = Object.entries(located.grid).filter(([, g]) => g!.gridId === hole).length;
    await pool.query("DELETE FROM hazard_results WHERE grid_id = $1 AND year = 2060 AND scenario = 'SSP126' AND hazard = 'typhoon'", [hole]);
    // East of Busan, over open sea: the nearest grid point is far beyond the 20 km limit.
    await upsertRegions(pool, [{ code: 'OFFSHORE-1', name: 'Off the grid', latitude: 34.2, longitude: 131.5, source: 'test' }]);

    const { status, body } = await get(ASK);
    assert.equal(status, 409);
    assert.equal(body.title, 'Region scores incomplete');
    assert.match(body.detail, new RegExp(`^${sharing + 16} of ${251 * 16} region × year scores are missing .*: 1 region\\(s\\) without a grid point within 20 km, ${sharing} region\\(s\\) whose`));
    const byField = Object.fromEntries(body.errors.map((e: { field: string; message: string }) => [e.field, e.message]));
    assert.match(byField['regionScores.OFFSHORE-1'], /^outside the reference grid: nearest grid point \d+ is \d+\.\d km away \(limit 20 km\)$/);
    assert.match(byField['regionScores.SYN-100'], new RegExp(`^no stored typhoon score for grid point ${hole} \\(SSP126\\) in 2060; run the grid batch`));
    assert.equal(body.regionScores, undefined);

    const otherYears = await get(`${ASK}&years=2050,2070`);
    assert.equal(otherYears.status, 409, 'the off-grid region is missing whatever the years');
    await pool.query("DELETE FROM risk_regions WHERE code = 'OFFSHORE-1'");
    assert.equal((await get(`${ASK}&years=2050,2070`)).status, 200, 'years without the hole are complete');
  });

  test('centroids in the middle of a lattice cell take the circle probe and still match findNearestGridPoints', async () => {
    const pool = scratch.pools[0];
    // Four equidistant corners (in the scaled plane) defeat the KNN candidates; the offsets around them test the edge of that.
    const centres = [[36.025, 127.525], [35.525, 128.025], [37.275, 127.075]].flatMap(([lat, lon]) => [
      [lat, lon],
      [lat + 0.001, lon],
      [lat, lon - 0.002],
      [lat + 0.0123, lon + 0.0177],
    ]);
    const probes = centres.map(([latitude, longitude], i) => ({ code: `CELL-${i}`, name: 'cell probe', latitude, longitude, source: 'test' }));
    await upsertRegions(pool, probes);
    try {
      const explained = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${REGION_SCORES_SQL}`, [SCENARIO, HAZARD, [2050]]);
      const circleProbes = explained.rows.map((r) => r['QUERY PLAN']).join('\n').match(/Bitmap Index Scan on risk_grid_points_location \(actual time=[\d.]+ rows=\d+ loops=(\d+)\)/);
      assert.ok(circleProbes && Number(circleProbes[1]) >= 3, `the circle probe ran for the cell centres: ${circleProbes?.[0]}`);
      const result = await regionScores(pool, q());
      const nearest = await findNearestGridPoints(pool, probes);
      for (const [i, p] of probes.entries()) {
        assert.equal(result.grid[p.code]?.gridId, nearest[i]?.gridId, p.code);
        assert.ok(Math.abs(result.grid[p.code]!.distanceKm - nearest[i]!.distanceKm) < 1e-9, p.code);
      }
    } finally {
      await pool.query("DELETE FROM risk_regions WHERE code LIKE 'CELL-%'");
    }
  });

  test('random centroids, on and off the grid, get exactly the point and distance of findNearestGridPoints and of the single query', async () => {
    const pool = scratch.pools[0];
    const random = mulberry32(2026);
    // The grid's box plus a margin; a third of them near the middle of a lattice cell or of one of
    // its edges, where several KNN candidates are (nearly) as far, so every branch of the pick runs.
    const probes = Array.from({ length: 300 }, (_, i) => {
      let latitude = 32.8 + random() * 6.4;
      let longitude = 124.3 + random() * 7.9;
      if (i % 3 === 0) {
        latitude = Math.round(latitude * 20) / 20 + 0.025 + (random() - 0.5) * 0.004;
        longitude = Math.round(longitude * 20) / 20 + (i % 2 === 0 ? 0.025 : 0) + (random() - 0.5) * 0.004;
      }
      return { code: `RND-${String(i).padStart(3, '0')}`, name: 'random probe', latitude, longitude, source: 'test' };
    });
    await upsertRegions(pool, probes);
    try {
      const result = await regionScores(pool, q());
      const nearest = await findNearestGridPoints(pool, probes);
      for (const [i, p] of probes.entries()) {
        assert.deepEqual(result.grid[p.code], nearest[i], p.code);
      }
      for (const p of probes.slice(0, 30)) {
        const single = await regionScoreSingle(pool, p.code, q());
        assert.deepEqual(single.grid[p.code], result.grid[p.code], p.code);
      }
    } finally {
      await pool.query("DELETE FROM risk_regions WHERE code LIKE 'RND-%'");
    }
  });

  test('EXPLAIN: both nearest-point probes use the GiST index, never a sequential scan of the grid', async () => {
    const { rows } = await scratch.pools[0].query<{ 'QUERY PLAN': string }>(`EXPLAIN ${REGION_SCORES_SQL}`, [SCENARIO, HAZARD, DEFAULT_REGION_YEARS]);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.doesNotMatch(plan, /Seq Scan on risk_grid_points/, plan);
    assert.match(plan, /Index (Only )?Scan using risk_grid_points_location[\s\S]*Order By: \(location <-> r\.location\)/, plan);
    // The circle probe is a subquery of the CASE that picks the winner, so it runs only for the
    // regions whose KNN candidates cannot settle it (the region's location is its parameter there).
    assert.match(plan, /SubPlan \d+\n[\s\S]*Index Scan (using|on) risk_grid_points_location[\s\S]*Index Cond: \(location <@ circle\(/, plan);
    // No per-region window or sort on the common path: the KNN candidates are reduced by one plain
    // aggregate. The only sorts allowed are the result's (by code) and the circle probe's, of its
    // few points by [km, id], inside the SubPlan that runs only when needed.
    assert.doesNotMatch(plan, /WindowAgg|Sort Key: (?!r\.code$|\(ARRAY\[)/m, plan);
    assert.doesNotMatch(plan, /Seq Scan on hazard_results/, plan);
  });
});
