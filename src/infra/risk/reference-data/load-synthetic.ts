import { setImmediate as nextTick } from 'node:timers/promises';
import type { Pool } from 'pg';
import type { GridPoint, GridSpec } from '../../../domain/risk/synthetic';
import { generateYearlyIndicators, iterateGridPoints, SYNTHETIC_SOURCE, validateGridSpec } from '../../../domain/risk/synthetic';
import { SCENARIOS } from '../../../domain/risk/types';
import { withTransaction } from '../../db/pool';
import type { Queryable } from '../../db/queryable';
import {
  analyzeReferenceTables,
  deleteReferenceData,
  lockReferenceDataForLoad,
  readReferenceMeta,
  referenceDataStatus,
  upsertGridPoints,
  upsertYearlyIndicators,
  writeReferenceMeta,
  YearlyIndicatorBatch,
} from '../queries/reference';
import { WritePipeline } from './write-pipeline';

export interface LoadResult {
  gridPoints: number;
  yearlyIndicators: number;
  /** A different dataset was there and has been deleted first. */
  replaced: boolean;
  ms: number;
}

/**
 * Bound on a load transaction's statements, and on waiting for another loader's lock. Batches
 * take well under a second; only the wait can be long (another process loading 0.05°).
 */
export const LOAD_TIMEOUT_MS = 10 * 60_000;

/** 32 points × 4 scenarios × 80 years = 10,240 rows per INSERT: big enough to amortise a round trip, small enough to overlap. */
const POINTS_PER_BATCH = 32;
/** Points generated between yields to the event loop, so the previous batch keeps streaming to PostgreSQL meanwhile. */
const POINTS_PER_YIELD = 4;

/** Loads (or refreshes) the synthetic dataset in one transaction, serialised with other loaders. */
export async function loadSyntheticReferenceData(pool: Pool, spec: GridSpec, log: (msg: string) => void): Promise<LoadResult> {
  validateGridSpec(spec);
  return withTransaction(pool, async (tx) => {
    await lockReferenceDataForLoad(tx, LOAD_TIMEOUT_MS);
    return writeSyntheticReferenceData(tx, spec, log);
  });
}

/**
 * Writes the synthetic dataset for `spec` through `db`, which must be one client inside a
 * transaction holding the load lock (batches depend on each other through the foreign key).
 * The same spec again upserts and changes nothing; a different dataset (another resolution or
 * seed, or imported data) is deleted first, because grid ids of different lattices collide.
 *
 * Generation is CPU-bound in Node and the inserts are CPU-bound in PostgreSQL, so the two are
 * pipelined: batch k+1 is generated while batch k is being written.
 */
export async function writeSyntheticReferenceData(db: Queryable, spec: GridSpec, log: (msg: string) => void): Promise<LoadResult> {
  validateGridSpec(spec);
  const started = performance.now();
  const replaced = await clearOtherDataset(db, spec, log);
  await WritePipeline.run(async (pipeline) => {
    for (const points of batches(iterateGridPoints(spec), POINTS_PER_BATCH)) {
      const rows = await generateBatch(points, spec);
      await pipeline.send(() => writeBatch(db, points, rows));
    }
  });
  await analyzeReferenceTables(db);
  const meta = await writeReferenceMeta(db, { source: SYNTHETIC_SOURCE, resolutionDeg: spec.resolutionDeg, seed: spec.seed });
  return {
    gridPoints: meta.counts?.gridPoints ?? 0,
    yearlyIndicators: meta.counts?.yearlyIndicators ?? 0,
    replaced,
    ms: Math.round(performance.now() - started),
  };
}

async function clearOtherDataset(db: Queryable, spec: GridSpec, log: (msg: string) => void): Promise<boolean> {
  const [status, meta] = await Promise.all([referenceDataStatus(db), readReferenceMeta(db)]);
  if (status.gridPoints === 0) return false;
  if (meta.source === SYNTHETIC_SOURCE && meta.resolutionDeg === spec.resolutionDeg && meta.seed === spec.seed) return false;
  const what = meta.source === SYNTHETIC_SOURCE ? `${meta.source} at ${meta.resolutionDeg}°, seed ${meta.seed}` : (meta.source ?? 'unlabelled data');
  log(`replacing the loaded reference data (${what}, ${status.gridPoints} grid points)`);
  await deleteReferenceData(db);
  return true;
}

async function generateBatch(points: GridPoint[], spec: GridSpec): Promise<YearlyIndicatorBatch> {
  const batch = new YearlyIndicatorBatch();
  for (let i = 0; i < points.length; i++) {
    if (i > 0 && i % POINTS_PER_YIELD === 0) await nextTick();
    for (const scenario of SCENARIOS) {
      for (const row of generateYearlyIndicators(points[i], scenario, spec)) batch.add(points[i].id, scenario, row);
    }
  }
  return batch;
}

async function writeBatch(db: Queryable, points: GridPoint[], rows: YearlyIndicatorBatch): Promise<void> {
  await upsertGridPoints(db, points, SYNTHETIC_SOURCE);
  await upsertYearlyIndicators(db, rows);
}

function* batches<T>(items: Iterable<T>, size: number): Generator<T[], void, undefined> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
