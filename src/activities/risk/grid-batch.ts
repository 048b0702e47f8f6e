import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { computeGridCells, DEFAULT_CELL_OPTIONS, type GridCellResult } from '../../domain/risk/cell';
import { HAZARD_MODEL_VERSION } from '../../domain/risk/model-version';
import { InvalidRiskInputError } from '../../domain/risk/errors';
import { FIRST_YEAR, LAST_YEAR, SCENARIOS } from '../../domain/risk/types';
import { withTransaction } from '../../infra/db/pool';
import * as batches from '../../infra/risk/queries/grid-batch';
import type { GridChunk, GridIdRange } from '../../domain/risk/grid-chunks';
import { loadGridInputs } from '../../infra/risk/queries/reference';
import type { Logger } from '../../infra/logger';

export interface GridChunkInput {
  batchId: string;
  chunk: GridChunk;
  windowYears: number;
}

export interface GridChunkOutcome {
  points: number;
  failedPoints: number;
  rowsWritten: number;
  attempt: number;
}

const ALL_YEARS = Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => FIRST_YEAR + i);
// Points loaded, computed and committed together: one transaction of ~2 × 28,800 rows, then a heartbeat.
const POINTS_PER_COMMIT = 10;

/** Side effects of the grid batch: bookkeeping and the chunk computation (H and P(H) per grid point). */
export function createGridBatchActivities(deps: { pool: Pool; logger: Logger }) {
  const { pool } = deps;

  return {
    planGridBatch: async (input: { batchId: string; trigger: string; windowYears: number; range?: GridIdRange }) => {
      const pointsTotal = await batches.countGridPoints(pool, input.range);
      await batches.startBatch(pool, { id: input.batchId, trigger: input.trigger, windowYears: input.windowYears, pointsTotal });
      return { pointsTotal };
    },

    nextGridChunks: async (input: { afterGridId: number; pointsPerChunk: number; limit: number; range?: GridIdRange }) =>
      batches.nextGridChunks(pool, input),

    /** Chunks of this batch already stored (by an earlier attempt or run), to be skipped. */
    storedGridChunks: async (input: { batchId: string; firstGridIds: number[] }) => [
      ...(await batches.storedChunkStarts(pool, input.batchId, input.firstGridIds)),
    ],

    /**
     * H and P(H) of every (scenario, year, hazard) for the chunk's points, upserted in commits
     * of a few points with a heartbeat after each. A retry resumes after the last heartbeat; an
     * earlier commit it repeats would only rewrite the same values.
     */
    computeGridChunk: async (input: GridChunkInput): Promise<GridChunkOutcome> => {
      const ctx = Context.current();
      const resumeAfter = (ctx.info.heartbeatDetails as number | undefined) ?? -1;
      const ids = (await batches.gridIdsBetween(pool, input.chunk.firstGridId, input.chunk.lastGridId)).filter((id) => id > resumeAfter);
      const options = { ...DEFAULT_CELL_OPTIONS, windowYears: input.windowYears };
      // H and P(H) do not depend on E or V, so the rows carry the hazard model's version, not the whole model's.
      const write = { writer: input.batchId, windowYears: input.windowYears, modelVersion: HAZARD_MODEL_VERSION };
      let rowsWritten = 0;
      let failedPoints = 0;
      for (let i = 0; i < ids.length; i += POINTS_PER_COMMIT) {
        const slice = ids.slice(i, i + POINTS_PER_COMMIT);
        const inputs = await loadGridInputs(pool, slice);
        const computed: Array<{ gridId: number; cells: GridCellResult[] }> = [];
        for (const gridId of slice) {
          try {
            computed.push({ gridId, cells: computeGridCells(inputs.get(gridId)!, SCENARIOS, ALL_YEARS, options) });
          } catch (err) {
            // One point with unusable reference data must not sink the other points of the grid.
            if (!(err instanceof InvalidRiskInputError)) throw err;
            deps.logger.warn({ batchId: input.batchId, gridId, err: err.message }, 'grid point skipped: unusable reference data');
            failedPoints += 1;
          }
        }
        rowsWritten += await withTransaction(pool, (tx) => batches.upsertGridResults(tx, write, computed));
        ctx.heartbeat(slice[slice.length - 1]);
      }
      await batches.recordChunk(pool, { batchId: input.batchId, ...input.chunk, rowsWritten, failedPoints, attempts: ctx.info.attempt });
      return { points: input.chunk.points, failedPoints, rowsWritten, attempt: ctx.info.attempt };
    },

    finishGridBatch: async (input: { batchId: string; status: string; error?: string }) => {
      await batches.finishBatch(pool, input.batchId, input.status, input.error);
    },
  };
}

export type GridBatchActivities = ReturnType<typeof createGridBatchActivities>;
