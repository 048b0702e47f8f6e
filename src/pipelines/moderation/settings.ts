import { z } from 'zod';
import { positiveInt, taskQueueName } from '../../config/env';

const probability = z.coerce.number().min(0).max(1);

/** Content moderation: how batches are paged, where verdicts fall, and how retraining runs. */
export const moderationSettings = z
  .object({
    TASK_QUEUE_MODERATION: taskQueueName.default('moderation'),
    MODERATION_MAX_ACTIVITIES: positiveInt.default(4),
    MODERATION_ITEMS_PER_ACTIVITY: z.coerce.number().int().min(1).max(5000).default(250),
    MODERATION_ACTIVITIES_IN_FLIGHT: z.coerce.number().int().min(1).max(100).default(4),
    MODERATION_ACTIVITIES_PER_RUN: z.coerce.number().int().min(1).max(1000).default(200),
    MODERATION_HEARTBEAT_TIMEOUT_S: positiveInt.default(20),
    MODERATION_REVIEW_THRESHOLD: probability.default(0.7),
    MODERATION_BLOCK_THRESHOLD: probability.default(0.97),
    MODERATION_HOLDOUT_PERCENT: z.coerce.number().int().min(5).max(50).default(20),
    // Unset: named after the task queue, so two deployments sharing a namespace never share a schedule.
    MODERATION_RETRAIN_SCHEDULE_ID: z.string().min(1).optional(),
    MODERATION_RETRAIN_TIMEOUT_S: positiveInt.default(3600),
  })
  .refine((e) => e.MODERATION_BLOCK_THRESHOLD >= e.MODERATION_REVIEW_THRESHOLD, {
    path: ['MODERATION_BLOCK_THRESHOLD'],
    message: 'must be at least MODERATION_REVIEW_THRESHOLD',
  })
  .transform((e) => ({
    queue: { taskQueue: e.TASK_QUEUE_MODERATION, maxConcurrentActivities: e.MODERATION_MAX_ACTIVITIES },
    /** Passed into each batch workflow as its tuning. */
    batch: {
      itemsPerActivity: e.MODERATION_ITEMS_PER_ACTIVITY,
      activitiesInFlight: e.MODERATION_ACTIVITIES_IN_FLIGHT,
      activitiesPerRun: e.MODERATION_ACTIVITIES_PER_RUN,
      heartbeatTimeoutSeconds: e.MODERATION_HEARTBEAT_TIMEOUT_S,
    },
    /** P(spam) from the model at or above which an item goes to review, or is blocked. */
    thresholds: { review: e.MODERATION_REVIEW_THRESHOLD, block: e.MODERATION_BLOCK_THRESHOLD },
    /** The daily retraining; passed into moderationRetrainWorkflow as its tuning. */
    retrain: {
      scheduleId: e.MODERATION_RETRAIN_SCHEDULE_ID ?? `${e.TASK_QUEUE_MODERATION}-retrain`,
      timeoutSeconds: e.MODERATION_RETRAIN_TIMEOUT_S,
      holdoutPercent: e.MODERATION_HOLDOUT_PERCENT,
    },
  }));

export type ModerationSettings = z.output<typeof moderationSettings>;
export type ModerationBatchTuning = ModerationSettings['batch'];
export type ModerationRetrainTuning = ModerationSettings['retrain'];
