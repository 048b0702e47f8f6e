import { z } from 'zod';
import { positiveInt, taskQueueName } from '../../config/env';
import { crawlerEnv, crawlerSettingsFrom } from './crawler-settings';
import { modelEnv, modelSettingsFrom } from './model-settings';

/** LLM feedback on eco-challenge submissions, and the crawler that keeps the challenge documents. */
export const feedbackSettings = z
  .object({
    TASK_QUEUE_FEEDBACK: taskQueueName.default('feedback'),
    FEEDBACK_MAX_ACTIVITIES: positiveInt.default(16),
    ...modelEnv.shape,
    ...crawlerEnv.shape,
  })
  .transform((e) => ({
    queue: { taskQueue: e.TASK_QUEUE_FEEDBACK, maxConcurrentActivities: e.FEEDBACK_MAX_ACTIVITIES },
    model: modelSettingsFrom(e),
    crawler: crawlerSettingsFrom(e, e.TASK_QUEUE_FEEDBACK),
  }));

export type FeedbackSettings = z.output<typeof feedbackSettings>;
export type ModelSettings = FeedbackSettings['model'];
export type CrawlerSettings = FeedbackSettings['crawler'];
