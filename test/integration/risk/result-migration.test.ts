import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Pool } from 'pg';
import { loadConfig } from '../../../src/config';
import { AAL_GRADES } from '../../../src/domain/risk/loss';
import { HAZARDS, SCENARIOS } from '../../../src/domain/risk/types';
import { migrate } from '../../../src/infra/db/migrate';
import { createPool, withTransaction } from '../../../src/infra/db/pool';
import type { Queryable } from '../../../src/infra/db/queryable';
import { GRADE_CODES, HAZARD_CODES, SCENARIO_CODES } from '../../../src/infra/risk/queries/result-codes';
import { createScratchDatabase } from '../../support/scratch-database';

const MIGRATIONS_DIR = path.resolve(__dirname, '../../../src/infra/db/migrations');
const NARROW_ROWS = '015_risk_cell_results.sql';
// Doubles a lossy move (text with too few digits, float4) would change.
const AWKWARD = [0.1 + 0.2, 1 / 3, 5e-324, Number.MAX_VALUE, 2 ** 53 + 2, 123456789.123456789, -7.25];

let db: Awaited<ReturnType<typeof createScratchDatabase>>;
let pool: Pool;

/**
 * What an earlier deployment stored: wide rows, two sites, two model versions, bins of every
 * length including none. One transaction, as a cell's rows always were, so they share computed_at.
 */
async function storeWideRows(): Promise<void> {
  await withTransaction(pool, (tx) => storeWideRowsIn(tx));
}

async function storeWideRowsIn(tx: Queryable): Promise<void> {
  await tx.query(
    `INSERT INTO risk_assessments (id, scenarios, year_from, year_to, site_count, workflow_id) VALUES ('old', '{SSP126,SSP585}', 2021, 2022, 2, 'old')`,
  );
  await tx.query(
    `INSERT INTO risk_sites (assessment_id, site_id, ordinal, latitude, longitude, building, asset_value, insurance_rate)
     VALUES ('old', 'b', 0, 36, 127, '{}', 1e9, 0), ('old', 'a', 1, 37, 128, '{}', 2e9, 0.1)`,
  );
  let n = 0;
  for (const siteId of ['a', 'b']) {
    for (const scenario of ['SSP126', 'SSP585']) {
      for (const year of [2021, 2022]) {
        for (const [i, hazard] of HAZARDS.entries()) {
          n += 1;
          const x = (k: number) => AWKWARD[(n + k) % AWKWARD.length];
          await tx.query(
            `INSERT INTO risk_results (assessment_id, site_id, scenario, year, hazard, h, e, v, p_bins, base_aal, final_aal, expected_loss, integrated_score, grade, model_version)
             VALUES ('old', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
            [siteId, scenario, year, hazard, x(0), x(1), x(2), Array.from({ length: i % 4 }, (_, k) => x(k + 3)), x(4), x(5), x(6), x(0), AAL_GRADES[n % AAL_GRADES.length], year === 2021 ? 'risk-model/1' : 'risk-model/2'],
          );
        }
      }
    }
  }
}

const allRows = async () =>
  (await pool.query(`SELECT *, computed_at::text AS computed_at FROM risk_results ORDER BY assessment_id, site_id, scenario, year, hazard`)).rows;

describe('migration 015: site results from wide rows to one row per cell', () => {
  let before015: Array<Record<string, unknown>>;

  before(async () => {
    db = await createScratchDatabase();
    pool = createPool(loadConfig({ ...process.env, DATABASE_URL: db.url, PG_POOL_MAX: '2' }), 'dp-test-result-migration');
    const earlier = mkdtempSync(path.join(os.tmpdir(), 'dp-migrations-'));
    try {
      for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && f < NARROW_ROWS)) cpSync(path.join(MIGRATIONS_DIR, f), path.join(earlier, f));
      await migrate(pool, earlier);
    } finally {
      rmSync(earlier, { recursive: true, force: true });
    }
    await storeWideRows();
    before015 = await allRows();
    assert.equal(before015.length, 2 * 2 * 2 * HAZARDS.length);
    const { applied } = await migrate(pool);
    assert.ok(applied.includes(NARROW_ROWS.replace(/\.sql$/, '')), applied.join());
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  test('every stored row reads back unchanged through the risk_results view, bit for bit', async () => {
    assert.deepEqual(await allRows(), before015);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM risk_cell_results`);
    assert.equal(rows[0].n, 2 * 2 * 2, 'one row per (site, scenario, year)');
  });

  test('the code tables say what the writer encodes', async () => {
    const table = async (name: string, column: string) =>
      Object.fromEntries((await pool.query(`SELECT ${column} AS name, code FROM ${name} ORDER BY code`)).rows.map((r) => [r.name, r.code]));
    assert.deepEqual(await table('risk_scenario_codes', 'scenario'), SCENARIO_CODES);
    assert.deepEqual(await table('risk_hazard_codes', 'hazard'), HAZARD_CODES);
    assert.deepEqual(await table('risk_grade_codes', 'grade'), GRADE_CODES);
    assert.deepEqual(Object.keys(SCENARIO_CODES).sort(), [...SCENARIOS].sort());
    assert.deepEqual(Object.keys(HAZARD_CODES).sort(), [...HAZARDS].sort());
  });
});
