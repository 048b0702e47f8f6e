import type { GridStatic, LandCover, Scenario, YearIndicators } from '../../../domain/risk/types';
import { FIRST_YEAR, LAST_YEAR, SCENARIOS } from '../../../domain/risk/types';
import type { Queryable } from '../../db/queryable';
import type { GridPointRecord, YearlyIndicatorBatch } from './reference-rows';
import { binaryArray, float8s, INDICATOR_COLUMNS, INDICATOR_NAMES } from './reference-rows';

export type { GridPointRecord } from './reference-rows';
export { INDICATOR_COLUMNS, YearlyIndicatorBatch } from './reference-rows';

/**
 * All SQL for the climate reference tables (migration 002). Bulk writers take a whole batch as
 * one `unnest(...)` statement per table, each column one binary array parameter, so 10,000 rows
 * cost one round trip and no per-value text parsing.
 */

export class ReferenceDataMissingError extends Error {
  override readonly name = 'ReferenceDataMissingError';
}

const GRID_NAMES = ['latitude', 'longitude', 'land_cover', 'imperviousness', 'river_distance_m', 'coast_distance_m', 'forest_distance_m', 'elevation_m', 'source'];
const GRID_COLUMNS = GRID_NAMES.slice(0, -1).join(', ');
const qualified = (names: readonly string[], table: string) => names.map((c) => `${table}.${c}`).join(', ');

/** Upserts grid points; unchanged rows are left alone so a re-run writes nothing new. */
export async function upsertGridPoints(db: Queryable, points: readonly GridPointRecord[], source: string): Promise<void> {
  if (points.length === 0) return;
  const col = (f: (p: GridPointRecord) => number | null) => float8s(points.map(f));
  await db.query(
    `INSERT INTO risk_grid_points (id, ${GRID_COLUMNS}, source)
     SELECT u.*, $10::text
     FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[]) AS u
     ON CONFLICT (id) DO UPDATE SET
       latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, land_cover = EXCLUDED.land_cover,
       imperviousness = EXCLUDED.imperviousness, river_distance_m = EXCLUDED.river_distance_m,
       coast_distance_m = EXCLUDED.coast_distance_m, forest_distance_m = EXCLUDED.forest_distance_m,
       elevation_m = EXCLUDED.elevation_m, source = EXCLUDED.source
     WHERE (${qualified(GRID_NAMES, 'risk_grid_points')}) IS DISTINCT FROM (${qualified(GRID_NAMES, 'EXCLUDED')})`,
    [
      binaryArray(points.map((p) => p.id), 'int8'),
      col((p) => p.latitude),
      col((p) => p.longitude),
      points.map((p) => p.landCover),
      col((p) => p.imperviousness),
      col((p) => p.riverDistanceM),
      col((p) => p.coastDistanceM),
      col((p) => p.forestDistanceM),
      col((p) => p.elevationM),
      source,
    ],
  );
}

// Built once from the column list above (identifiers only; values always travel as parameters).
const UPSERT_INDICATORS_SQL = `
  INSERT INTO risk_yearly_indicators (grid_id, scenario, year, ${INDICATOR_NAMES.join(', ')})
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::smallint[], ${INDICATOR_NAMES.map((_, i) => `$${i + 4}::float8[]`).join(', ')})
  ON CONFLICT (grid_id, scenario, year) DO UPDATE SET ${INDICATOR_NAMES.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
  WHERE (${qualified(INDICATOR_NAMES, 'risk_yearly_indicators')}) IS DISTINCT FROM (${qualified(INDICATOR_NAMES, 'EXCLUDED')})`;

/** Upserts a batch of yearly rows; unchanged rows are left alone so a re-run writes nothing new. */
export async function upsertYearlyIndicators(db: Queryable, batch: YearlyIndicatorBatch): Promise<void> {
  if (batch.size === 0) return;
  await db.query(UPSERT_INDICATORS_SQL, [
    binaryArray(batch.gridIds, 'int8'),
    batch.scenarios,
    binaryArray(batch.years, 'int2'),
    ...batch.values.map(float8s),
  ]);
}

/** Empties the three reference tables (before loading a different dataset), inside the caller's transaction. */
export async function deleteReferenceData(db: Queryable): Promise<void> {
  await db.query('DELETE FROM risk_yearly_indicators');
  await db.query('DELETE FROM risk_grid_points');
  await db.query('DELETE FROM risk_reference_meta');
}

// Any constant works; it only has to be the same for every process that loads reference data.
const REFERENCE_LOAD_LOCK_KEY = 7_233_002;

/**
 * Serialises loaders (start-up `ensure`, the CLI) until the caller's transaction ends. A load can
 * outlast the pool's statement timeout, so waiting for the lock and the load's own statements get
 * a longer, still bounded, limit for this transaction only.
 */
export async function lockReferenceDataForLoad(db: Queryable, timeoutMs: number): Promise<void> {
  await db.query("SELECT set_config('statement_timeout', $1, true)", [String(timeoutMs)]);
  await db.query('SELECT pg_advisory_xact_lock($1)', [REFERENCE_LOAD_LOCK_KEY]);
}

/**
 * Refreshes the grid's planner statistics after a bulk load, so the first nearest-point lookups
 * are planned for the real table size. The yearly table is only ever read by primary key, so it
 * is left to autovacuum rather than adding a quarter of a second to every load.
 */
export async function analyzeReferenceTables(db: Queryable): Promise<void> {
  // A GiST index grown row by row during a bulk load answers KNN probes about half as fast as
  // one rebuilt in bulk afterwards (bench:risk-scale, region query); rebuilding 100k points is quick.
  await db.query('REINDEX INDEX risk_grid_points_location');
  await db.query('ANALYZE risk_grid_points');
}

export interface ReferenceMeta {
  source: string | null;
  resolutionDeg: number | null;
  seed: number | null;
  loadedAt: string | null;
  counts: { gridPoints: number; yearlyIndicators: number } | null;
}

/** Records what is loaded; counts come from the tables themselves. */
export async function writeReferenceMeta(db: Queryable, meta: { source: string; resolutionDeg: number | null; seed: number | null }): Promise<ReferenceMeta> {
  await db.query(
    `WITH counts AS (
       SELECT jsonb_build_object(
         'gridPoints', (SELECT count(*) FROM risk_grid_points),
         'yearlyIndicators', (SELECT count(*) FROM risk_yearly_indicators)) AS value)
     INSERT INTO risk_reference_meta (key, value)
     SELECT k, v FROM counts, LATERAL (VALUES
       ('source', to_jsonb($1::text)),
       ('resolution_deg', coalesce(to_jsonb($2::float8), 'null')),
       ('seed', coalesce(to_jsonb($3::bigint), 'null')),
       ('loaded_at', to_jsonb(now())), ('counts', counts.value)) AS m(k, v)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [meta.source, meta.resolutionDeg, meta.seed],
  );
  return readReferenceMeta(db);
}

export async function readReferenceMeta(db: Queryable): Promise<ReferenceMeta> {
  const { rows } = await db.query<{ key: string; value: unknown }>('SELECT key, value FROM risk_reference_meta');
  const get = (key: string) => rows.find((r) => r.key === key)?.value ?? null;
  return {
    source: get('source') as string | null,
    resolutionDeg: get('resolution_deg') as number | null,
    seed: get('seed') as number | null,
    loadedAt: get('loaded_at') as string | null,
    counts: get('counts') as ReferenceMeta['counts'],
  };
}

export async function referenceDataStatus(db: Queryable): Promise<{ gridPoints: number; source: string | null; resolutionDeg: number | null }> {
  const { rows } = await db.query<{ grid_points: string; source: string | null; resolution_deg: number | null }>(
    `SELECT (SELECT count(*) FROM risk_grid_points) AS grid_points,
            (SELECT value #>> '{}' FROM risk_reference_meta WHERE key = 'source') AS source,
            (SELECT (value #>> '{}')::float8 FROM risk_reference_meta WHERE key = 'resolution_deg') AS resolution_deg`,
  );
  return { gridPoints: Number(rows[0].grid_points), source: rows[0].source, resolutionDeg: rows[0].resolution_deg };
}

/** Mean Earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;
/**
 * Candidates within this multiple of the first KNN hit's equirectangular distance are re-ranked
 * by great-circle distance. For a segment at latitude φ the ratio equirectangular/great-circle
 * lies between 1 (north–south) and 0.809/cos φ (east–west), so the great-circle winner is
 * always inside the circle while max/min of those bounds stays ≤ 1.15: φ from about 22° to 45°N
 * (within the grid's 33–39°N it is at most 1.04). Further out the nearest point is hundreds of
 * km away and fails the caller's distance limit anyway.
 */
export const RERANK_RADIUS_FACTOR = 1.15;

/** Exported for the EXPLAIN test. $1 latitudes, $2 longitudes (float8[] of equal length). */
export const NEAREST_GRID_POINTS_SQL = `
  SELECT q.ord, best.id, best.distance_km
  FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS q(lat, lon, ord)
  LEFT JOIN LATERAL (
    SELECT g.location <-> point(q.lon * 0.809, q.lat) AS d
    FROM risk_grid_points g
    ORDER BY g.location <-> point(q.lon * 0.809, q.lat)
    LIMIT 1
  ) first ON true
  LEFT JOIN LATERAL (
    SELECT g.id, 2 * ${EARTH_RADIUS_KM} * asin(sqrt(
             sin(radians(g.latitude - q.lat) / 2) ^ 2
             + cos(radians(q.lat)) * cos(radians(g.latitude)) * sin(radians(g.longitude - q.lon) / 2) ^ 2)) AS distance_km
    FROM risk_grid_points g
    WHERE g.location <@ circle(point(q.lon * 0.809, q.lat), first.d * ${RERANK_RADIUS_FACTOR} + 1e-6)
    ORDER BY distance_km, g.id
    LIMIT 1
  ) best ON true
  ORDER BY q.ord`;

/**
 * The nearest grid point (great-circle) to each coordinate, in input order, with its distance in
 * km; null when no grid point is loaded. One statement for any number of coordinates: a KNN probe
 * of the GiST index per coordinate, then an exact re-rank of the few points around it.
 */
export async function findNearestGridPoints(
  db: Queryable,
  coords: ReadonlyArray<{ latitude: number; longitude: number }>,
): Promise<Array<{ gridId: number; distanceKm: number } | null>> {
  if (coords.length === 0) return [];
  for (const [i, c] of coords.entries()) {
    if (!(Math.abs(c.latitude) <= 90 && Math.abs(c.longitude) <= 180)) {
      throw new RangeError(`coordinate ${i} is not a valid latitude/longitude: (${c.latitude}, ${c.longitude})`);
    }
  }
  const { rows } = await db.query<{ id: string | null; distance_km: number | null }>(NEAREST_GRID_POINTS_SQL, [
    float8s(coords.map((c) => c.latitude)),
    float8s(coords.map((c) => c.longitude)),
  ]);
  return rows.map((r) => (r.id === null ? null : { gridId: Number(r.id), distanceKm: r.distance_km as number }));
}

interface GridRow {
  latitude: number;
  longitude: number;
  land_cover: LandCover;
  imperviousness: number;
  river_distance_m: number;
  coast_distance_m: number;
  forest_distance_m: number | null;
  elevation_m: number;
}

type IndicatorRow = { scenario: Scenario; year: number } & Record<(typeof INDICATOR_NAMES)[number], number | null>;

/** A site's inputs: the grid point's statics and all 4 × 80 yearly rows, in two indexed queries. */
export async function loadSiteInputs(db: Queryable, gridId: number): Promise<{ grid: GridStatic; series: Record<Scenario, YearIndicators[]> }> {
  const [grid, indicators] = await Promise.all([
    db.query<GridRow>(`SELECT ${GRID_COLUMNS} FROM risk_grid_points WHERE id = $1`, [gridId]),
    db.query<IndicatorRow>(
      `SELECT scenario, year, ${INDICATOR_NAMES.join(', ')} FROM risk_yearly_indicators WHERE grid_id = $1 ORDER BY scenario, year`,
      [gridId],
    ),
  ]);
  if (grid.rows.length === 0) throw new ReferenceDataMissingError(`grid point ${gridId} is not in the reference data (risk_grid_points)`);
  return { grid: toGridStatic(grid.rows[0]), series: toSeries(gridId, indicators.rows) };
}

/** Inputs of many grid points (the grid batch's chunk) in two indexed range queries, keyed by id. */
export async function loadGridInputs(db: Queryable, gridIds: readonly number[]): Promise<Map<number, { grid: GridStatic; series: Record<Scenario, YearIndicators[]> }>> {
  const ids = binaryArray(gridIds, 'int8');
  const [grids, indicators] = await Promise.all([
    db.query<GridRow & { id: string }>(`SELECT id, ${GRID_COLUMNS} FROM risk_grid_points WHERE id = ANY($1::bigint[])`, [ids]),
    db.query<IndicatorRow & { grid_id: string }>(
      `SELECT grid_id, scenario, year, ${INDICATOR_NAMES.join(', ')} FROM risk_yearly_indicators
       WHERE grid_id = ANY($1::bigint[]) ORDER BY grid_id, scenario, year`,
      [ids],
    ),
  ]);
  const rowsByPoint = new Map<number, IndicatorRow[]>();
  for (const r of indicators.rows) {
    const id = Number(r.grid_id);
    const list = rowsByPoint.get(id) ?? [];
    list.push(r);
    rowsByPoint.set(id, list);
  }
  const inputs = new Map<number, { grid: GridStatic; series: Record<Scenario, YearIndicators[]> }>();
  for (const g of grids.rows) {
    const id = Number(g.id);
    inputs.set(id, { grid: toGridStatic(g), series: toSeries(id, rowsByPoint.get(id) ?? []) });
  }
  for (const id of gridIds) {
    if (!inputs.has(id)) throw new ReferenceDataMissingError(`grid point ${id} is not in the reference data (risk_grid_points)`);
  }
  return inputs;
}

function toGridStatic(r: GridRow): GridStatic {
  return {
    latitude: r.latitude,
    longitude: r.longitude,
    landCover: r.land_cover,
    imperviousness: r.imperviousness,
    riverDistanceM: r.river_distance_m,
    coastDistanceM: r.coast_distance_m,
    forestDistanceM: r.forest_distance_m,
    elevationM: r.elevation_m,
  };
}

const YEARS = LAST_YEAR - FIRST_YEAR + 1;

function toSeries(gridId: number, rows: IndicatorRow[]): Record<Scenario, YearIndicators[]> {
  const series = Object.fromEntries(SCENARIOS.map((s) => [s, [] as YearIndicators[]])) as Record<Scenario, YearIndicators[]>;
  for (const r of rows) {
    const out: Record<string, number | null> = { year: r.year };
    for (const [column, key] of INDICATOR_COLUMNS) out[key] = r[column];
    series[r.scenario].push(out as unknown as YearIndicators);
  }
  for (const scenario of SCENARIOS) {
    const years = series[scenario];
    // Rows come ordered by year, so a complete series is exactly FIRST_YEAR, FIRST_YEAR + 1, …
    if (years.length !== YEARS || years.some((y, i) => y.year !== FIRST_YEAR + i)) {
      throw new ReferenceDataMissingError(
        `grid point ${gridId}: scenario ${scenario} has ${years.length} of ${YEARS} years (${FIRST_YEAR}–${LAST_YEAR}) in risk_yearly_indicators`,
      );
    }
  }
  return series;
}
