import {
  CancellationScope,
  continueAsNew,
  defineQuery,
  executeChild,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { GridBatchActivities } from '../../activities/risk/grid-batch';
import type { GridBatchTuning } from '../../pipelines/risk/settings';
import type { GridChunk, GridIdRange } from '../../domain/risk/grid-chunks';
import { FanOut } from '../shared/fan-out';
import { failureMessage } from '../shared/failures';
import { BUSINESS_KEY, PIPELINE, STATUS_DETAIL } from '../shared/search-attributes';

export interface GridBatchInput {
  /** 'direct' when started without the schedule (tests, benchmarks, operators). */
  trigger: 'schedule' | 'direct';
  tuning: GridBatchTuning;
  /** Part of the grid only (tests, benchmarks); the schedule runs the whole grid. */
  range?: GridIdRange;
  /** Carried across continue-as-new. */
  progress?: GridBatchProgress;
}

export interface GridBatchProgress {
  pointsTotal: number;
  /** Last grid id handed to a child; the next run starts after it. */
  cursor: number;
  pointsDone: number;
  failedPoints: number;
  failedChunks: number;
}

export interface GridBatchStatus extends GridBatchProgress {
  chunksInFlight: number;
}

export const gridBatchProgressQuery = defineQuery<GridBatchStatus>('progress');

const BOOKKEEPING_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 } as const;
const CHUNK_MAX_ATTEMPTS = 5;
const PAGE = 50;

const bookkeeping = proxyActivities<GridBatchActivities>({ startToCloseTimeout: '60 seconds', retry: BOOKKEEPING_RETRY });

/**
 * Hazard score and P(H) for every grid point × scenario × year × hazard, started by the yearly
 * schedule or on demand. Grid-point ranges go to child workflows, a few at a time; after
 * `childrenPerRun` children the batch continues as new, so the 0.01° grid stays far below the
 * history limits. The whole batch runs under an execution timeout set by whoever starts it.
 */
export async function hazardGridBatchWorkflow(input: GridBatchInput): Promise<GridBatchStatus> {
  const { tuning } = input;
  const batchId = workflowInfo().workflowId;
  const progress =
    input.progress ??
    { ...(await bookkeeping.planGridBatch({ batchId, trigger: input.trigger, windowYears: tuning.windowYears, range: input.range })), cursor: -1, pointsDone: 0, failedPoints: 0, failedChunks: 0 };
  const chunks = new FanOut({
    from: progress.cursor,
    nextPage: (afterGridId: number, limit: number) => bookkeeping.nextGridChunks({ afterGridId, pointsPerChunk: tuning.pointsPerChild, limit, range: input.range }),
    cursorAfter: (chunk) => chunk.lastGridId,
    pageSize: PAGE,
    maxInFlight: tuning.maxChildrenInFlight,
    perRun: tuning.childrenPerRun,
    runChild: (chunk) => runChunk(batchId, chunk, tuning),
    onResult: (outcome: ChunkOutcome) => {
      progress.pointsDone += outcome.points;
      progress.failedPoints += outcome.failedPoints;
      progress.failedChunks += outcome.failedChunks;
      report();
    },
  });
  const status = (): GridBatchStatus => ({ ...progress, cursor: chunks.cursor, chunksInFlight: chunks.inFlight });
  setHandler(gridBatchProgressQuery, status);
  const report = () =>
    setCurrentDetails(`**${progress.pointsDone}/${progress.pointsTotal}** grid points done · ${progress.failedChunks} chunks failed · ${chunks.inFlight} in flight`);
  report();

  try {
    const run = await chunks.run();
    if (run.more) await continueAsNew<typeof hazardGridBatchWorkflow>({ ...input, progress: { ...progress, cursor: run.cursor } });
    const outcome = progress.failedChunks > 0 ? 'COMPLETED_WITH_FAILURES' : 'COMPLETED';
    upsertSearchAttributes([{ key: STATUS_DETAIL, value: outcome.toLowerCase() }]);
    await bookkeeping.finishGridBatch({ batchId, status: outcome });
    return status();
  } catch (err) {
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => bookkeeping.finishGridBatch({ batchId, status: 'CANCELED' }));
    throw err;
  }
}

interface ChunkOutcome {
  points: number;
  failedPoints: number;
  failedChunks: number;
}

async function runChunk(batchId: string, chunk: GridChunk, tuning: GridBatchTuning): Promise<ChunkOutcome> {
  try {
    return await executeChild(hazardGridChunkWorkflow, {
      workflowId: `${batchId}-points-${chunk.firstGridId}-${chunk.lastGridId}`,
      args: [{ batchId, chunk, tuning }],
      typedSearchAttributes: [
        { key: PIPELINE, value: 'risk' },
        { key: BUSINESS_KEY, value: batchId },
      ],
      staticSummary: `grid points ${chunk.firstGridId}–${chunk.lastGridId} of ${batchId}`,
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { points: 0, failedPoints: 0, failedChunks: 1 };
  }
}

export interface GridChunkWorkflowInput {
  batchId: string;
  chunk: GridChunk;
  tuning: GridBatchTuning;
}

/**
 * One range of grid points, computed by activities of a few points each. A hung or dead worker
 * stops heartbeating and its activity is retried elsewhere; pieces an earlier run of this batch
 * already stored are skipped.
 */
export async function hazardGridChunkWorkflow(input: GridChunkWorkflowInput): Promise<ChunkOutcome> {
  const { batchId, chunk, tuning } = input;
  const { computeGridChunk } = proxyActivities<GridBatchActivities>({
    startToCloseTimeout: `${tuning.activityTimeoutSeconds} seconds`,
    heartbeatTimeout: `${tuning.heartbeatTimeoutSeconds} seconds`,
    retry: { ...BOOKKEEPING_RETRY, maximumAttempts: CHUNK_MAX_ATTEMPTS },
  });
  const pieces = await bookkeeping.nextGridChunks({
    afterGridId: chunk.firstGridId - 1,
    pointsPerChunk: tuning.pointsPerActivity,
    limit: Math.ceil(chunk.points / tuning.pointsPerActivity),
    range: { from: chunk.firstGridId, to: chunk.lastGridId },
  });
  const stored = new Set(await bookkeeping.storedGridChunks({ batchId, firstGridIds: pieces.map((p) => p.firstGridId) }));
  const outcome: ChunkOutcome = { points: 0, failedPoints: 0, failedChunks: 0 };
  for (const piece of pieces) {
    setCurrentDetails(`points **${piece.firstGridId}–${piece.lastGridId}** · ${outcome.points}/${chunk.points} done`);
    if (stored.has(piece.firstGridId)) {
      outcome.points += piece.points;
      continue;
    }
    try {
      const result = await computeGridChunk({ batchId, chunk: piece, windowYears: tuning.windowYears });
      outcome.points += result.points;
      outcome.failedPoints += result.failedPoints;
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Retries exhausted: the rest of the grid still gets computed; the batch reports the gap.
      outcome.failedChunks += 1;
      setCurrentDetails(`points ${piece.firstGridId}–${piece.lastGridId} failed: ${failureMessage(err)}`);
    }
  }
  return outcome;
}
