import { ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { countGridPoints, findBatch, listBatchChunks, listBatches, type BatchRow } from '../../infra/risk/queries/grid-batch';
import { gridBatchProgressQuery, type hazardGridBatchWorkflow } from '../../workflows/risk/grid-batch';
import { triggerGridBatch } from '../../pipelines/risk/grid-batch-schedule';
import type { RiskSettings } from '../../pipelines/risk/settings';
import type { ApiDeps } from '../shared/deps';
import { queryLiveState } from '../shared/live-state';
import { notFound } from '../shared/problem';

// Temporal ends a run that exceeds its timeout, or that an operator terminated, without giving
// the workflow a chance to write its final row: those outcomes come from Temporal itself.
const ENDED_BY_TEMPORAL: Record<string, string> = { TIMED_OUT: 'TIMED_OUT', TERMINATED: 'TERMINATED', FAILED: 'FAILED' };

/** A batch as stored, with the outcome Temporal gave a run that could not record its own. */
export interface GridBatch extends BatchRow {
  endedBy: string | undefined;
}

/** A batch the schedule is running, with how far it got (0 before its first activity has recorded it). */
export interface RunningBatch {
  id: string;
  pointsTotal: number;
  pointsDone: number;
  startedAt: Date | null;
}

export type GridBatchService = ReturnType<typeof createGridBatchService>;

/** The hazard grid batch: run it now (through its schedule) and read how runs went. */
export function createGridBatchService(deps: Pick<ApiDeps, 'pool' | 'temporal'>, settings: RiskSettings) {
  const { pool, temporal } = deps;

  async function withOutcome(row: BatchRow): Promise<GridBatch> {
    if (row.status !== 'RUNNING') return { ...row, endedBy: undefined };
    try {
      const description = await temporal.workflow.getHandle(row.id).describe();
      return { ...row, endedBy: ENDED_BY_TEMPORAL[description.status.name] };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { ...row, endedBy: undefined };
      throw err;
    }
  }

  async function find(id: string): Promise<GridBatch> {
    const row = await findBatch(pool, id);
    if (!row) throw notFound(`Grid batch ${id}`);
    return withOutcome(row);
  }

  return {
    /** Triggers the schedule now; its overlap policy skips the run while a batch is running. */
    trigger: () => triggerGridBatch(temporal, settings),

    find,

    /**
     * A batch's stored chunks, and what only its workflow knows: chunks in flight and chunks that
     * failed for good (asked of the run while it runs, read from its result once it completed).
     */
    async chunks(id: string, limit: number) {
      const batch = await find(id);
      const handle = temporal.workflow.getHandle<typeof hazardGridBatchWorkflow>(id);
      const live =
        batch.status === 'RUNNING' ? await queryLiveState(temporal, id, gridBatchProgressQuery)
        : batch.status.startsWith('COMPLETED') ? await handle.result().catch(() => undefined)
        : undefined;
      return { batch, chunks: await listBatchChunks(pool, id, limit), failedChunks: live?.failedChunks ?? null, chunksInFlight: live?.chunksInFlight ?? null };
    },

    /**
     * The batch the schedule is running now, if any (the first-start batch and on-demand runs go
     * through the schedule). Undefined when none runs or no worker has created the schedule yet.
     */
    async running(): Promise<RunningBatch | undefined> {
      const description = await temporal.schedule
        .getHandle(settings.gridBatch.scheduleId)
        .describe()
        .catch((err: unknown) => {
          if (err instanceof ScheduleNotFoundError) return undefined;
          throw err;
        });
      const id = description?.info.runningActions[0]?.workflow.workflowId;
      if (!id) return undefined;
      const row = await findBatch(pool, id);
      return { id, pointsTotal: row?.pointsTotal ?? (await countGridPoints(pool)), pointsDone: row?.pointsDone ?? 0, startedAt: row?.startedAt ?? null };
    },

    /** The newest batches and the schedule that starts them. */
    async list(limit: number) {
      const [description, rows] = await Promise.all([temporal.schedule.getHandle(settings.gridBatch.scheduleId).describe(), listBatches(pool, limit)]);
      return {
        schedule: {
          id: settings.gridBatch.scheduleId,
          nextRunAt: description.info.nextActionTimes[0] ?? null,
          paused: description.state.paused,
          runningBatchIds: description.info.runningActions.map((a) => a.workflow.workflowId),
        },
        batches: await Promise.all(rows.map(withOutcome)),
      };
    },
  };
}
