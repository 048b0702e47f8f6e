import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Pool } from 'pg';
import { isFirstGridBatch } from '../../infra/risk/queries/grid-batch';
import { ensureSchedule, triggerSchedule } from '../../infra/temporal/schedules';
import type { GridBatchInput, hazardGridBatchWorkflow } from '../../workflows/risk/grid-batch';
import { BUSINESS_KEY, PIPELINE } from '../../workflows/shared/search-attributes';
import type { RiskSettings } from './settings';

/**
 * The yearly grid batch: January 1, 02:00 Korea time. SKIP means a batch that is still running
 * makes the next trigger a no-op instead of queueing work behind it; the batch's own timeout
 * guarantees it cannot keep running (and so keep skipping) forever.
 */
export const GRID_BATCH_CALENDAR = { month: 'JANUARY', dayOfMonth: 1, hour: 2, minute: 0 } as const;
export const GRID_BATCH_TIMEZONE = 'Asia/Seoul';

function batchAction(settings: RiskSettings) {
  const input: GridBatchInput = { trigger: 'schedule', tuning: settings.gridBatch };
  const timeout = `${settings.gridBatch.timeoutSeconds} seconds`;
  return {
    type: 'startWorkflow' as const,
    workflowType: 'hazardGridBatchWorkflow' as unknown as typeof hazardGridBatchWorkflow,
    // The schedule appends the scheduled time, so every run has its own readable id.
    workflowId: settings.gridBatch.scheduleId,
    taskQueue: settings.queue.taskQueue,
    args: [input] as [GridBatchInput],
    // One limit for the whole batch, continue-as-new included, and the same for each run.
    workflowExecutionTimeout: timeout,
    workflowRunTimeout: timeout,
    typedSearchAttributes: [{ key: PIPELINE, value: 'risk' }, { key: BUSINESS_KEY, value: settings.gridBatch.scheduleId }],
    staticSummary: 'yearly hazard grid batch',
  };
}

export function gridBatchScheduleOptions(settings: RiskSettings): ScheduleOptions {
  return {
    scheduleId: settings.gridBatch.scheduleId,
    spec: { calendars: [{ ...GRID_BATCH_CALENDAR, comment: 'yearly, 1 January 02:00 KST' }], timezone: GRID_BATCH_TIMEZONE },
    action: batchAction(settings),
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: `${settings.gridBatch.catchupWindowSeconds} seconds`,
      pauseOnFailure: false,
    },
  };
}

/** Creates the schedule, or brings an existing one to this configuration; safe on every start-up. */
export async function ensureGridBatchSchedule(client: Client, settings: RiskSettings): Promise<void> {
  await ensureSchedule(client, gridBatchScheduleOptions(settings));
}

export interface TriggerOutcome {
  /** False when a batch was already running: the trigger was skipped, as the overlap policy says. */
  started: boolean;
  /** The running batch (new or the one that made us skip), when Temporal reports it in time. */
  batchId?: string;
}

/** Runs the batch now through the schedule, so on-demand runs obey the same overlap policy as yearly ones. */
export async function triggerGridBatch(client: Client, settings: RiskSettings, opts: { waitMs?: number } = {}): Promise<TriggerOutcome> {
  const { started, workflowId } = await triggerSchedule(client, settings.gridBatch.scheduleId, opts);
  return { started, batchId: workflowId };
}

/**
 * A newcomer's first start: the reference grid is loaded but no hazard score exists, so region
 * scores would be missing until a batch runs. The risk worker (which owns the schedule and runs
 * the batch) triggers it once, through the schedule: a second worker starting at the same time
 * is skipped by the overlap policy, a later start finds the batch recorded (or its scores) and
 * does nothing, and an on-demand POST meanwhile gets the usual 409. Undefined when nothing was due.
 */
export async function runFirstGridBatch(client: Client, pool: Pool, settings: RiskSettings): Promise<TriggerOutcome | undefined> {
  if (!settings.gridBatch.onFirstStart || !(await isFirstGridBatch(pool))) return undefined;
  return triggerGridBatch(client, settings);
}
