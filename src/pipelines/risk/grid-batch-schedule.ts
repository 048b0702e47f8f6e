import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleDescription, type ScheduleOptions } from '@temporalio/client';
import type { Pool } from 'pg';
import { isFirstGridBatch } from '../../infra/risk/queries/grid-batch';
import type { RiskSettings } from './settings';
import type { GridBatchInput, hazardGridBatchWorkflow } from '../../workflows/risk/grid-batch';
import { BUSINESS_KEY, PIPELINE } from '../../workflows/shared/search-attributes';

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
  const options = gridBatchScheduleOptions(settings);
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(options.scheduleId).update((previous) => ({
      spec: options.spec,
      action: options.action,
      policies: options.policies,
      // Keep an operator's pause (and its note) across restarts.
      state: previous.state,
    }));
  }
}

export interface TriggerOutcome {
  /** False when a batch was already running: the trigger was skipped, as the overlap policy says. */
  started: boolean;
  /** The running batch (new or the one that made us skip), when Temporal reports it in time. */
  batchId?: string;
}

function runningBatchIds(description: ScheduleDescription): string[] {
  return description.info.runningActions.map((action) => action.workflow.workflowId);
}

/**
 * Runs the batch now through the schedule, so on-demand runs obey the same overlap policy as
 * yearly ones: while a batch runs, a trigger is skipped by Temporal itself, even when two
 * requests race. The outcome is read back from the schedule's counters.
 */
export async function triggerGridBatch(client: Client, settings: RiskSettings, opts: { waitMs?: number } = {}): Promise<TriggerOutcome> {
  const handle = client.schedule.getHandle(settings.gridBatch.scheduleId);
  const before = (await handle.describe()).info;
  await handle.trigger(ScheduleOverlapPolicy.SKIP);
  // The trigger call returns before the schedule acts on it and does not name the run.
  const deadline = Date.now() + (opts.waitMs ?? 10_000);
  for (;;) {
    const { info } = await handle.describe();
    const running = runningBatchIds({ info } as ScheduleDescription)[0];
    if (info.numActionsSkippedOverlap > before.numActionsSkippedOverlap) return { started: false, batchId: running };
    if (info.numActionsTaken > before.numActionsTaken) {
      const newest = info.recentActions[info.recentActions.length - 1];
      return { started: true, batchId: newest?.action.workflow.workflowId ?? running };
    }
    if (Date.now() > deadline) throw new Error(`schedule ${settings.gridBatch.scheduleId} did not act on the trigger within ${opts.waitMs ?? 10_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
