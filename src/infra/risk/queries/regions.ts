import type { Region } from '../../../domain/risk/regions/types';
import type { Queryable } from '../../db/queryable';
import { float8s } from './reference-rows';

/** All SQL for the `risk_regions` table (migration 007); the score query is in region-scores.ts. */

export interface RegionRecord extends Region {
  source: string;
}

/** Upserts regions in one statement; unchanged rows are left alone so a re-run writes nothing new. */
export async function upsertRegions(db: Queryable, regions: readonly RegionRecord[]): Promise<void> {
  if (regions.length === 0) return;
  await db.query(
    `INSERT INTO risk_regions (code, name, latitude, longitude, source)
     SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::text[])
     ON CONFLICT (code) DO UPDATE SET
       name = EXCLUDED.name, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, source = EXCLUDED.source
     WHERE (risk_regions.name, risk_regions.latitude, risk_regions.longitude, risk_regions.source)
       IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.latitude, EXCLUDED.longitude, EXCLUDED.source)`,
    [
      regions.map((r) => r.code),
      regions.map((r) => r.name),
      float8s(regions.map((r) => r.latitude)),
      float8s(regions.map((r) => r.longitude)),
      regions.map((r) => r.source),
    ],
  );
  // A few hundred rows appear at once; without fresh statistics the first KNN join is planned for an empty table.
  await db.query('ANALYZE risk_regions');
}

export async function deleteRegions(db: Queryable): Promise<void> {
  await db.query('DELETE FROM risk_regions');
}

// Any constant works; it only has to be the same for every process that loads regions.
const REGION_LOAD_LOCK_KEY = 7_233_007;

/** Serialises region loaders (start-up `ensure`, the CLI) until the caller's transaction ends. */
export async function lockRegionsForLoad(db: Queryable): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1)', [REGION_LOAD_LOCK_KEY]);
}

export interface RegionStatus {
  regions: number;
  /** Region count per source label, e.g. `{"synthetic/v1": 250}`. */
  sources: Record<string, number>;
}

export async function regionStatus(db: Queryable): Promise<RegionStatus> {
  const { rows } = await db.query<{ source: string; n: string }>('SELECT source, count(*) AS n FROM risk_regions GROUP BY source ORDER BY source');
  const sources = Object.fromEntries(rows.map((r) => [r.source, Number(r.n)]));
  return { regions: rows.reduce((sum, r) => sum + Number(r.n), 0), sources };
}

/** Every region, by code; a few hundred rows, so no paging. */
export async function listRegions(db: Queryable): Promise<RegionRecord[]> {
  const { rows } = await db.query<RegionRecord>('SELECT code, name, latitude, longitude, source FROM risk_regions ORDER BY code');
  return rows;
}
