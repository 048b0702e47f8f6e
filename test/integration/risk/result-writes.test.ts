import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Pool } from 'pg';
import { loadConfig } from '../../../src/config';
import { AAL_GRADES } from '../../../src/domain/risk/loss';
import { HAZARDS, type HazardResult } from '../../../src/domain/risk/types';
import { createPool, withTransaction } from '../../../src/infra/db/pool';
import * as assessments from '../../../src/infra/risk/queries/assessments';
import { site } from '../../support/risk';

// Numbers that text round trips or float4 would change: they must come back bit for bit.
const AWKWARD = [0.1 + 0.2, 1 / 3, 5e-324, -0, Number.MAX_VALUE, 2 ** 53 + 2, 123456789.123456789];

function results(seed: number): HazardResult[] {
  return HAZARDS.map((hazard, i) => {
    // Seed 0 keeps the awkward values as they are (adding 0 would turn -0 into 0).
    const x = (k: number) => (seed === 0 ? AWKWARD[(i + k) % AWKWARD.length] : AWKWARD[(seed + i + k) % AWKWARD.length] + seed);
    return { hazard, h: x(0), e: x(1), v: x(2), pBins: i === 0 ? [] : [x(3), x(4), 1 / (seed + 7)], baseAal: x(5), finalAal: x(6), expectedLoss: x(0), integratedScore: x(1), grade: AAL_GRADES[(seed + i) % AAL_GRADES.length] };
  });
}

let pool: Pool;
let n = 0;

async function newSite(): Promise<{ assessmentId: string; siteId: string; scenario: 'SSP245' }> {
  n += 1;
  const assessmentId = `result-writes-${Date.now()}-${n}`;
  await withTransaction(pool, async (tx) => {
    await assessments.insertAssessment(tx, { id: assessmentId, scenarios: ['SSP245'], yearFrom: 2021, yearTo: 2030, siteCount: 1 });
    await assessments.insertSites(tx, assessmentId, [site('s') as never]);
  });
  return { assessmentId, siteId: 's', scenario: 'SSP245' };
}

async function stored(target: { assessmentId: string }) {
  const { rows } = await pool.query(
    `SELECT year, hazard, h, e, v, p_bins AS "pBins", base_aal AS "baseAal", final_aal AS "finalAal", expected_loss AS "expectedLoss",
            integrated_score AS "integratedScore", grade, model_version AS "modelVersion"
     FROM risk_results WHERE assessment_id = $1 ORDER BY year, hazard`,
    [target.assessmentId],
  );
  return rows;
}

const expected = (cells: Array<{ year: number; results: HazardResult[] }>, modelVersion: string) =>
  cells
    .flatMap((c) => c.results.map((r) => ({ year: c.year, ...r, modelVersion })))
    .sort((a, b) => a.year - b.year || (a.hazard < b.hazard ? -1 : 1));

describe('site results written with a binary COPY', () => {
  before(() => {
    pool = createPool(loadConfig(), 'dp-test-result-writes');
  });
  after(() => pool.end());

  test('every number arrives bit for bit, empty and non-empty bins alike', async () => {
    const target = await newSite();
    const cells = [2021, 2022].map((year) => ({ year, results: results(year - 2021) }));
    await withTransaction(pool, (tx) => assessments.replaceCellsResults(tx, target, cells, 'risk-model/test', 1));
    const rows = await stored(target);
    assert.equal(rows.length, 2 * HAZARDS.length);
    assert.deepEqual(rows, expected(cells, 'risk-model/test'));
    assert.ok(rows.some((r) => Object.is(r.e, -0)), 'negative zero kept its sign');
  });

  test('a retry replaces the earlier rows of the same cells and leaves the other cells alone', async () => {
    const target = await newSite();
    const first = [2021, 2022, 2023].map((year) => ({ year, results: results(1) }));
    await withTransaction(pool, (tx) => assessments.replaceCellsResults(tx, target, first, 'risk-model/test', 1));
    const again = [2022, 2023].map((year) => ({ year, results: results(2) }));
    await withTransaction(pool, (tx) => assessments.replaceCellsResults(tx, target, again, 'risk-model/test', 2));
    assert.deepEqual(await stored(target), expected([first[0], ...again], 'risk-model/test'));
    const { rows } = await pool.query(`SELECT year, status, attempts FROM risk_cells WHERE assessment_id = $1 ORDER BY year`, [target.assessmentId]);
    assert.deepEqual(rows, [
      { year: 2021, status: 'COMPLETED', attempts: 1 },
      { year: 2022, status: 'COMPLETED', attempts: 2 },
      { year: 2023, status: 'COMPLETED', attempts: 2 },
    ]);
  });

  test('two writers of the same cells at once (a timed-out attempt still running beside its retry) both succeed, one row per key', async () => {
    const target = await newSite();
    const cells = (seed: number) => [2021, 2022].map((year) => ({ year, results: results(seed) }));
    const slow = await pool.connect();
    try {
      await slow.query('BEGIN');
      await assessments.replaceCellsResults(slow, target, cells(3), 'risk-model/test', 1);
      // The second writer waits on the first's lock until it commits, then replaces its rows.
      const second = withTransaction(pool, (tx) => assessments.replaceCellsResults(tx, target, cells(4), 'risk-model/test', 2));
      await new Promise((r) => setTimeout(r, 200));
      await slow.query('COMMIT');
      await second;
    } finally {
      slow.release();
    }
    assert.deepEqual(await stored(target), expected(cells(4), 'risk-model/test'));
  });
});
