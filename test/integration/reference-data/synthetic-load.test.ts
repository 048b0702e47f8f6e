import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Pool } from 'pg';
import { loadSiteInputs, readReferenceMeta, ReferenceDataMissingError, referenceDataStatus } from '../../../src/infra/risk/queries/reference';
import { ensureReferenceData } from '../../../src/infra/risk/reference-data/ensure';
import { loadSyntheticReferenceData } from '../../../src/infra/risk/reference-data/load-synthetic';
import { generateGridPoints, generateYearlyIndicators, SYNTHETIC_SOURCE } from '../../../src/domain/risk/synthetic';
import { SCENARIOS } from '../../../src/domain/risk/types';
import { migratedScratchDatabase } from './scratch';

const COARSE = { resolutionDeg: 0.5, seed: 42 };
const COARSE_POINTS = generateGridPoints(COARSE);
const quiet = () => undefined;

let scratch: Awaited<ReturnType<typeof migratedScratchDatabase>>;
let pool: Pool;

before(async () => {
  scratch = await migratedScratchDatabase(2);
  pool = scratch.pools[0];
});
after(() => scratch.close());

async function counts(): Promise<{ points: number; rows: number }> {
  const { rows } = await pool.query<{ points: string; rows: string }>(
    'SELECT (SELECT count(*) FROM risk_grid_points) AS points, (SELECT count(*) FROM risk_yearly_indicators) AS rows',
  );
  return { points: Number(rows[0].points), rows: Number(rows[0].rows) };
}

describe('ensureReferenceData', () => {
  test('two processes starting together on an empty database load it exactly once', async () => {
    const results = await Promise.all(scratch.pools.map((p) => ensureReferenceData(p, COARSE, quiet)));
    assert.deepEqual(results.map((r) => r.loaded).sort(), [false, true]);
    for (const r of results) assert.equal(r.gridPoints, COARSE_POINTS.length);
    assert.deepEqual(await counts(), { points: COARSE_POINTS.length, rows: COARSE_POINTS.length * 4 * 80 });
  });

  test('does nothing when data is there, even for another resolution, and says how to switch', async () => {
    const messages: string[] = [];
    const result = await ensureReferenceData(pool, { resolutionDeg: 0.25, seed: 42 }, (m) => messages.push(m));
    assert.equal(result.loaded, false);
    assert.equal(result.gridPoints, COARSE_POINTS.length);
    assert.match(messages.join('\n'), /--resolution 0\.25/);
    assert.equal((await referenceDataStatus(pool)).resolutionDeg, 0.5);
  });
});

describe('loadSyntheticReferenceData', () => {
  test('re-loading the same spec keeps the row counts and rewrites no row', async () => {
    const xmins = async () => (await pool.query('SELECT xmin::text AS x FROM risk_yearly_indicators ORDER BY grid_id, scenario, year')).rows.map((r) => r.x);
    const before = await xmins();
    const result = await loadSyntheticReferenceData(pool, COARSE, quiet);
    assert.equal(result.replaced, false);
    assert.deepEqual({ points: result.gridPoints, rows: result.yearlyIndicators }, { points: COARSE_POINTS.length, rows: COARSE_POINTS.length * 320 });
    assert.deepEqual(await counts(), { points: COARSE_POINTS.length, rows: COARSE_POINTS.length * 320 });
    assert.deepEqual(await xmins(), before, 'unchanged rows must not be rewritten');
  });

  test('metadata records source, resolution, seed, load time and counts', async () => {
    const meta = await readReferenceMeta(pool);
    assert.equal(meta.source, SYNTHETIC_SOURCE);
    assert.equal(meta.resolutionDeg, 0.5);
    assert.equal(meta.seed, 42);
    assert.ok(meta.loadedAt && Date.now() - Date.parse(meta.loadedAt) < 600_000);
    assert.deepEqual(meta.counts, { gridPoints: COARSE_POINTS.length, yearlyIndicators: COARSE_POINTS.length * 320 });
    const grid = await pool.query('SELECT DISTINCT source FROM risk_grid_points');
    assert.deepEqual(grid.rows, [{ source: SYNTHETIC_SOURCE }]);
  });

  test('another seed replaces the dataset instead of mixing two', async () => {
    const other = { resolutionDeg: 0.5, seed: 7 };
    const result = await loadSyntheticReferenceData(pool, other, quiet);
    assert.equal(result.replaced, true);
    assert.equal(result.gridPoints, generateGridPoints(other).length);
    assert.equal((await readReferenceMeta(pool)).seed, 7);
    await loadSyntheticReferenceData(pool, COARSE, quiet);
    assert.deepEqual(await counts(), { points: COARSE_POINTS.length, rows: COARSE_POINTS.length * 320 });
  });
});

describe('loadSiteInputs', () => {
  test('returns exactly what the generator produced for a point', async () => {
    for (const point of [COARSE_POINTS[0], COARSE_POINTS[Math.floor(COARSE_POINTS.length / 2)], COARSE_POINTS.at(-1)!]) {
      const { id, ...grid } = point;
      const loaded = await loadSiteInputs(pool, id);
      assert.deepEqual(loaded.grid, grid);
      for (const scenario of SCENARIOS) assert.deepEqual(loaded.series[scenario], generateYearlyIndicators(point, scenario, COARSE), `${id} ${scenario}`);
    }
  });

  test('fails clearly for an unknown grid point or an incomplete series', async () => {
    await assert.rejects(loadSiteInputs(pool, 999_999_999), (err: Error) => err instanceof ReferenceDataMissingError && /999999999/.test(err.message));
    const id = COARSE_POINTS[1].id;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("DELETE FROM risk_yearly_indicators WHERE grid_id = $1 AND scenario = 'SSP370' AND year = 2050", [id]);
      await assert.rejects(loadSiteInputs(client, id), /SSP370 has 79 of 80 years/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
