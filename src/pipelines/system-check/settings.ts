import { z } from 'zod';
import { positiveInt, taskQueueName } from '../../config/env';

/** The end-to-end probe has a queue of its own and also answers on every other pipeline's queue. */
export const systemCheckSettings = z
  .object({
    TASK_QUEUE_SYSTEM_CHECK: taskQueueName.default('system-check'),
    SYSTEM_CHECK_MAX_ACTIVITIES: positiveInt.default(2),
  })
  .transform((e) => ({ queue: { taskQueue: e.TASK_QUEUE_SYSTEM_CHECK, maxConcurrentActivities: e.SYSTEM_CHECK_MAX_ACTIVITIES } }));

export type SystemCheckSettings = z.output<typeof systemCheckSettings>;
