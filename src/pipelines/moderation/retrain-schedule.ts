import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { ensureSchedule, triggerSchedule, type TriggerOutcome } from '../../infra/temporal/schedules';
import type { moderationRetrainWorkflow, RetrainInput } from '../../workflows/moderation/retrain';
import { BUSINESS_KEY, PIPELINE } from '../../workflows/shared/search-attributes';
import type { ModerationSettings } from './settings';

/**
 * Daily retraining at 03:00 Korea time, when feedback from the day is in and traffic is low.
 * SKIP: a retraining still running makes the next trigger (daily or on demand) a no-op; the
 * run's own timeout guarantees it cannot keep running, and so keep skipping, forever.
 */
export const RETRAIN_CALENDAR = { hour: 3, minute: 0 } as const;
export const RETRAIN_TIMEZONE = 'Asia/Seoul';

export function retrainScheduleOptions(settings: ModerationSettings): ScheduleOptions {
  const { scheduleId, timeoutSeconds } = settings.retrain;
  const input: RetrainInput = { trigger: 'schedule', tuning: settings.retrain };
  return {
    scheduleId,
    spec: { calendars: [{ ...RETRAIN_CALENDAR, comment: 'daily, 03:00 KST' }], timezone: RETRAIN_TIMEZONE },
    action: {
      type: 'startWorkflow',
      workflowType: 'moderationRetrainWorkflow' as unknown as typeof moderationRetrainWorkflow,
      // The schedule appends the scheduled time, so every run has its own readable id.
      workflowId: scheduleId,
      taskQueue: settings.queue.taskQueue,
      args: [input],
      workflowExecutionTimeout: `${timeoutSeconds} seconds`,
      workflowRunTimeout: `${timeoutSeconds} seconds`,
      typedSearchAttributes: [{ key: PIPELINE, value: 'moderation' }, { key: BUSINESS_KEY, value: scheduleId }],
      staticSummary: 'moderation model retraining',
    },
    // A missed night (server down) still runs within a day; older ones are not worth catching up.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day', pauseOnFailure: false },
  };
}

export async function ensureRetrainSchedule(client: Client, settings: ModerationSettings): Promise<void> {
  await ensureSchedule(client, retrainScheduleOptions(settings));
}

/** Retrains now, through the schedule, so an on-demand run and the daily one never overlap. */
export function triggerRetrain(client: Client, settings: ModerationSettings): Promise<TriggerOutcome> {
  return triggerSchedule(client, settings.retrain.scheduleId);
}
