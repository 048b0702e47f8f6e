import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';

/** Creates the schedule, or brings an existing one to this configuration; safe on every start-up. */
export async function ensureSchedule(client: Client, options: ScheduleOptions): Promise<void> {
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
  /** False when a run was already going: the trigger was skipped, as the overlap policy says. */
  started: boolean;
  /** The running workflow (new, or the one that made us skip), when Temporal reports it in time. */
  workflowId?: string;
}

/**
 * Runs a schedule's action now, so on-demand runs obey the same overlap policy (SKIP) as
 * scheduled ones: while a run is going, a trigger is skipped by Temporal itself, even when two
 * requests race. The outcome is read back from the schedule's counters.
 */
export async function triggerSchedule(client: Client, scheduleId: string, opts: { waitMs?: number } = {}): Promise<TriggerOutcome> {
  const handle = client.schedule.getHandle(scheduleId);
  const before = (await handle.describe()).info;
  await handle.trigger(ScheduleOverlapPolicy.SKIP);
  // The trigger call returns before the schedule acts on it and does not name the run.
  const waitMs = opts.waitMs ?? 10_000;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { info } = await handle.describe();
    const running = info.runningActions[0]?.workflow.workflowId;
    if (info.numActionsSkippedOverlap > before.numActionsSkippedOverlap) return { started: false, workflowId: running };
    if (info.numActionsTaken > before.numActionsTaken) {
      const newest = info.recentActions[info.recentActions.length - 1];
      return { started: true, workflowId: newest?.action.workflow.workflowId ?? running };
    }
    if (Date.now() > deadline) throw new Error(`schedule ${scheduleId} did not act on the trigger within ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
