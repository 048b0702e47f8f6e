import type { GridCellResult, GridHazardResult } from '../../../domain/risk/cell';
import type { GridChunk, GridIdRange } from '../../../domain/risk/grid-chunks';
import type { Hazard, Scenario } from '../../../domain/risk/types';
import type { Queryable } from '../../db/queryable';
import { binaryArray, float8s } from './reference-rows';

/**
 * All SQL of the grid batch (migration 006): the batch and chunk bookkeeping, bulk upserts of
 * H and P(H) per (grid point, scenario, year, hazard), and the read that lets site assessments
 * reuse them.
 */

const IN_RANGE = '($1::bigint IS NULL OR id BETWEEN $1 AND $2)';

export async function countGridPoints(db: Queryable, range?: GridIdRange): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM risk_grid_points WHERE ${IN_RANGE}`, [range?.from ?? null, range?.to ?? null]);
  return rows[0].n;
}

/**
 * The next `limit` chunks of `pointsPerChunk` consecutive grid points after `afterGridId`.
 * Chunks follow the ids actually present (the grid has gaps over the sea), so every chunk but
 * the last holds exactly `pointsPerChunk` points.
 */
export async function nextGridChunks(
  db: Queryable,
  opts: { afterGridId: number; pointsPerChunk: number; limit: number; range?: GridIdRange },
): Promise<GridChunk[]> {
  const { rows } = await db.query<{ first_id: string; last_id: string; points: number }>(
    `SELECT min(id) AS first_id, max(id) AS last_id, count(*)::int AS points
     FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / $4::int AS chunk
           FROM (SELECT id FROM risk_grid_points WHERE ${IN_RANGE} AND id > $3 ORDER BY id LIMIT $4::int * $5::int) ids) numbered
     GROUP BY chunk ORDER BY chunk`,
    [opts.range?.from ?? null, opts.range?.to ?? null, opts.afterGridId, opts.pointsPerChunk, opts.limit],
  );
  return rows.map((r) => ({ firstGridId: Number(r.first_id), lastGridId: Number(r.last_id), points: r.points }));
}

export async function gridIdsBetween(db: Queryable, firstGridId: number, lastGridId: number): Promise<number[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM risk_grid_points WHERE id BETWEEN $1 AND $2 ORDER BY id', [firstGridId, lastGridId]);
  return rows.map((r) => Number(r.id));
}

/**
 * A first start of the grid batch: a grid is loaded, yet no hazard score is stored and no batch
 * has ever been recorded. False as soon as any batch has started, whatever became of it.
 */
export async function isFirstGridBatch(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ first: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM risk_grid_points) AND NOT EXISTS (SELECT 1 FROM hazard_results)
            AND NOT EXISTS (SELECT 1 FROM risk_grid_batches) AS first`,
  );
  return rows[0].first;
}

export async function startBatch(
  db: Queryable,
  batch: { id: string; trigger: string; windowYears: number; pointsTotal: number },
): Promise<void> {
  // A continued or retried run of the same batch keeps its original start time.
  await db.query(
    `INSERT INTO risk_grid_batches (id, trigger, window_years, points_total)
     VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
    [batch.id, batch.trigger, batch.windowYears, batch.pointsTotal],
  );
}

export async function finishBatch(db: Queryable, id: string, status: string, error?: string): Promise<void> {
  await db.query('UPDATE risk_grid_batches SET status = $2, error = $3, finished_at = now() WHERE id = $1', [id, status, error ?? null]);
}

/** First grid ids of the chunks this batch has already stored, so a continued batch skips them. */
export async function storedChunkStarts(db: Queryable, batchId: string, firstGridIds: readonly number[]): Promise<Set<number>> {
  const { rows } = await db.query<{ first_grid_id: string }>(
    'SELECT first_grid_id FROM risk_grid_batch_chunks WHERE batch_id = $1 AND first_grid_id = ANY($2::bigint[])',
    [batchId, binaryArray(firstGridIds, 'int8')],
  );
  return new Set(rows.map((r) => Number(r.first_grid_id)));
}

export async function recordChunk(
  db: Queryable,
  chunk: GridChunk & { batchId: string; rowsWritten: number; failedPoints: number; attempts: number },
): Promise<void> {
  await db.query(
    `INSERT INTO risk_grid_batch_chunks (batch_id, first_grid_id, last_grid_id, points, rows_written, failed_points, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (batch_id, first_grid_id) DO UPDATE SET
       last_grid_id = EXCLUDED.last_grid_id, points = EXCLUDED.points, rows_written = EXCLUDED.rows_written,
       failed_points = EXCLUDED.failed_points, attempts = EXCLUDED.attempts, finished_at = now()`,
    [chunk.batchId, chunk.firstGridId, chunk.lastGridId, chunk.points, chunk.rowsWritten, chunk.failedPoints, chunk.attempts],
  );
}

export interface BatchRow {
  id: string;
  trigger: string;
  status: string;
  windowYears: number;
  pointsTotal: number;
  pointsDone: number;
  chunksDone: number;
  maxChunkAttempts: number;
  failedPoints: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

const BATCH_SELECT = `
  SELECT b.*, coalesce(c.points_done, 0)::int AS points_done, coalesce(c.chunks_done, 0)::int AS chunks_done,
         coalesce(c.max_attempts, 0)::int AS max_attempts, coalesce(c.failed_points, 0)::int AS failed_points
  FROM risk_grid_batches b
  LEFT JOIN LATERAL (SELECT sum(points) AS points_done, count(*) AS chunks_done, max(attempts) AS max_attempts,
                            sum(failed_points) AS failed_points
                     FROM risk_grid_batch_chunks WHERE batch_id = b.id) c ON true`;

function toBatch(r: Record<string, any>): BatchRow {
  return {
    id: r.id,
    trigger: r.trigger,
    status: r.status,
    windowYears: r.window_years,
    pointsTotal: r.points_total,
    pointsDone: r.points_done,
    chunksDone: r.chunks_done,
    maxChunkAttempts: r.max_attempts,
    failedPoints: r.failed_points,
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export async function findBatch(db: Queryable, id: string): Promise<BatchRow | undefined> {
  const { rows } = await db.query(`${BATCH_SELECT} WHERE b.id = $1`, [id]);
  return rows[0] && toBatch(rows[0]);
}

export async function listBatches(db: Queryable, limit: number): Promise<BatchRow[]> {
  const { rows } = await db.query(`${BATCH_SELECT} ORDER BY b.started_at DESC, b.id LIMIT $1`, [limit]);
  return rows.map(toBatch);
}

/** Who wrote grid results: a batch id, or `site:<assessment>` when a site computed them on the fly. */
export interface GridResultsWrite {
  writer: string;
  windowYears: number;
  modelVersion: string;
}

/**
 * Upserts H and P(H) of some grid points in two statements. Rows travel column-wise as binary
 * arrays; each row's bins are a slice of one flat array, so the floats arrive bit for bit.
 */
export async function upsertGridResults(db: Queryable, write: GridResultsWrite, points: ReadonlyArray<{ gridId: number; cells: readonly GridCellResult[] }>): Promise<number> {
  const gridIds: number[] = [];
  const scenarios: Scenario[] = [];
  const years: number[] = [];
  const hazards: Hazard[] = [];
  const h: number[] = [];
  const baseAal: number[] = [];
  const binStart: number[] = [];
  const binEnd: number[] = [];
  const bins: number[] = [];
  for (const point of points) {
    for (const cell of point.cells) {
      for (const r of cell.results) {
        gridIds.push(point.gridId);
        scenarios.push(cell.scenario);
        years.push(cell.year);
        hazards.push(r.hazard);
        h.push(r.h);
        baseAal.push(r.baseAal);
        binStart.push(bins.length + 1);
        bins.push(...r.pBins);
        binEnd.push(bins.length);
      }
    }
  }
  if (gridIds.length === 0) return 0;
  const ids = binaryArray(gridIds, 'int8');
  const yearArray = binaryArray(years, 'int2');
  await db.query(
    `INSERT INTO hazard_results AS t (grid_id, scenario, year, hazard, h, batch_id, model_version)
     SELECT u.grid_id, u.scenario, u.year, u.hazard, u.h, $6, $7
     FROM unnest($1::bigint[], $2::text[], $3::smallint[], $4::text[], $5::float8[]) AS u(grid_id, scenario, year, hazard, h)
     ON CONFLICT (grid_id, scenario, year, hazard) DO UPDATE SET
       h = EXCLUDED.h, batch_id = EXCLUDED.batch_id, model_version = EXCLUDED.model_version, computed_at = now()`,
    [ids, scenarios, yearArray, hazards, float8s(h), write.writer, write.modelVersion],
  );
  await db.query(
    `INSERT INTO probability_results AS t (grid_id, scenario, year, hazard, window_years, p_bins, base_aal, batch_id, model_version)
     SELECT u.grid_id, u.scenario, u.year, u.hazard, $9, ($7::float8[])[u.lo:u.hi], u.base_aal, $8, $10
     FROM unnest($1::bigint[], $2::text[], $3::smallint[], $4::text[], $5::float8[], $6::int[], $11::int[])
       AS u(grid_id, scenario, year, hazard, base_aal, lo, hi)
     ON CONFLICT (grid_id, scenario, year, hazard) DO UPDATE SET
       window_years = EXCLUDED.window_years, p_bins = EXCLUDED.p_bins, base_aal = EXCLUDED.base_aal,
       batch_id = EXCLUDED.batch_id, model_version = EXCLUDED.model_version, computed_at = now()`,
    [ids, scenarios, yearArray, hazards, float8s(baseAal), binStart, float8s(bins), write.writer, write.windowYears, write.modelVersion, binEnd],
  );
  return gridIds.length;
}

/**
 * Stored grid results of one point for some years of a scenario, keyed by year; only years with
 * every hazard present, computed with the same window and under one of `modelVersions` (labels
 * that all stand for the same hazard rules), are returned. One statement whatever the labels.
 */
export async function loadGridResults(
  db: Queryable,
  query: { gridId: number; scenario: Scenario; years: readonly number[]; windowYears: number; modelVersions: readonly string[]; hazards: readonly Hazard[] },
): Promise<Map<number, GridHazardResult[]>> {
  const { rows } = await db.query<{ year: number; hazard: Hazard; h: number; p_bins: number[]; base_aal: number }>(
    `SELECT p.year, p.hazard, h.h, p.p_bins, p.base_aal
     FROM probability_results p
     JOIN hazard_results h USING (grid_id, scenario, year, hazard)
     WHERE p.grid_id = $1 AND p.scenario = $2 AND p.year = ANY($3::smallint[]) AND p.window_years = $4
       AND p.model_version = ANY($5::text[]) AND h.model_version = ANY($5::text[])`,
    [query.gridId, query.scenario, binaryArray(query.years, 'int2'), query.windowYears, query.modelVersions],
  );
  const byYear = new Map<number, Map<Hazard, GridHazardResult>>();
  for (const r of rows) {
    const year = byYear.get(r.year) ?? new Map<Hazard, GridHazardResult>();
    year.set(r.hazard, { hazard: r.hazard, h: r.h, pBins: r.p_bins, baseAal: r.base_aal });
    byYear.set(r.year, year);
  }
  const complete = new Map<number, GridHazardResult[]>();
  for (const [year, results] of byYear) {
    if (query.hazards.every((hazard) => results.has(hazard))) complete.set(year, query.hazards.map((hazard) => results.get(hazard)!));
  }
  return complete;
}

export interface BatchChunkRow {
  firstGridId: number;
  lastGridId: number;
  points: number;
  rowsWritten: number;
  failedPoints: number;
  attempts: number;
  finishedAt: Date;
}

/** The stored chunks of a batch in grid order (a chunk is stored once all its points are). */
export async function listBatchChunks(db: Queryable, batchId: string, limit: number): Promise<BatchChunkRow[]> {
  const { rows } = await db.query(
    `SELECT first_grid_id, last_grid_id, points, rows_written, failed_points, attempts, finished_at
     FROM risk_grid_batch_chunks WHERE batch_id = $1 ORDER BY first_grid_id LIMIT $2`,
    [batchId, limit],
  );
  return rows.map((r) => ({
    firstGridId: Number(r.first_grid_id),
    lastGridId: Number(r.last_grid_id),
    points: r.points,
    rowsWritten: r.rows_written,
    failedPoints: r.failed_points,
    attempts: r.attempts,
    finishedAt: r.finished_at,
  }));
}
