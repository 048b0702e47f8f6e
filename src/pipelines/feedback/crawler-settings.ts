import { z } from 'zod';
import { commaList, listenPort, positiveInt } from '../../config/env';

/** The crawler that builds challenge documents: where it starts, how politely it fetches, when it runs. */
export const crawlerEnv = z.object({
  // Unset under `npm start`: the sample challenge site (dev tool) is crawled.
  CRAWLER_SEED_URLS: commaList,
  CRAWLER_USER_AGENT: z.string().min(1).default('durable-pipelines-crawler/0.1'),
  /** Least time between two requests to one host. */
  CRAWLER_HOST_INTERVAL_MS: z.coerce.number().int().min(0).default(500),
  CRAWLER_MAX_PAGES: positiveInt.default(500),
  // Unset: named after the task queue, so two deployments sharing a namespace never share a schedule.
  CRAWLER_SCHEDULE_ID: z.string().min(1).optional(),
  CRAWLER_SCHEDULE_CRON: z.string().min(1).default('0 3 * * *'),
  SAMPLE_CHALLENGE_SITE_PORT: listenPort.default(0),
});

export function crawlerSettingsFrom(e: z.output<typeof crawlerEnv>, taskQueue: string) {
  return {
    seedUrls: e.CRAWLER_SEED_URLS,
    userAgent: e.CRAWLER_USER_AGENT,
    hostIntervalMs: e.CRAWLER_HOST_INTERVAL_MS,
    maxPages: e.CRAWLER_MAX_PAGES,
    scheduleId: e.CRAWLER_SCHEDULE_ID ?? `${taskQueue}-crawl`,
    scheduleCron: e.CRAWLER_SCHEDULE_CRON,
    sampleSitePort: e.SAMPLE_CHALLENGE_SITE_PORT,
  };
}
