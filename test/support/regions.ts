import { Pool as PgPool, type Pool } from 'pg';
import { HAZARD_MODEL_VERSION } from '../../src/domain/risk/model-version';
import { hazardScore } from '../../src/domain/risk/hazard-scores';
import type { Hazard, Scenario } from '../../src/domain/risk/types';
import { FIRST_YEAR } from '../../src/domain/risk/types';
import { migrate } from '../../src/infra/db/migrate';
import { loadSiteInputs } from '../../src/infra/risk/queries/reference';
import { createScratchDatabase } from './scratch-database';

/**
 * Stands in for the grid batch: stores hazard scores for some grid points so region queries have
 * something to read. Existing rows are kept (ON CONFLICT DO NOTHING), so a real batch that ran
 * earlier in the same database wins and nothing another test relies on is overwritten.
 */
export interface HazardFill {
  gridIds: Iterable<number>;
  scenario: Scenario;
  hazard: Hazard;
  years: readonly number[];
  /** Default: H of the domain model from the grid point's reference rows, ×100 as stored. */
  score?: (gridId: number, year: number) => number;
}

export async function fillHazardResults(pool: Pool, fill: HazardFill): Promise<number> {
  const ids = [...new Set(fill.gridIds)];
  const rows: Array<[number, number, number]> = [];
  for (const gridId of ids) {
    const score = fill.score ? (year: number) => fill.score!(gridId, year) : await domainScore(pool, gridId, fill.scenario, fill.hazard);
    for (const year of fill.years) rows.push([gridId, year, score(year)]);
  }
  const { rowCount } = await pool.query(
    `INSERT INTO hazard_results (grid_id, scenario, year, hazard, h, batch_id, model_version)
     SELECT u.grid_id, $4, u.year, $5, u.h, 'test-regions', $6
     FROM unnest($1::bigint[], $2::smallint[], $3::float8[]) AS u(grid_id, year, h)
     ON CONFLICT (grid_id, scenario, year, hazard) DO NOTHING`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), fill.scenario, fill.hazard, HAZARD_MODEL_VERSION],
  );
  return rowCount ?? 0;
}

async function domainScore(pool: Pool, gridId: number, scenario: Scenario, hazard: Hazard): Promise<(year: number) => number> {
  const { grid, series } = await loadSiteInputs(pool, gridId);
  return (year) => 100 * hazardScore(hazard, series[scenario][year - FIRST_YEAR], grid);
}

/** A migrated database of the caller's own, for tests that replace regions or the grid; `url` for child processes. */
export async function regionScratchDatabase(pools = 1): Promise<{ url: string; pools: Pool[]; close(): Promise<void> }> {
  const db = await createScratchDatabase();
  const created = Array.from({ length: pools }, () => new PgPool({ connectionString: db.url, max: 4 }));
  await migrate(created[0]);
  return {
    url: db.url,
    pools: created,
    async close() {
      await Promise.all(created.map((p) => p.end()));
      await db.drop();
    },
  };
}
