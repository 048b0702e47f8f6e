import { z } from 'zod';
import { commaList, listenPort, positiveInt } from '../../config/env';

const isWebUrl = (text: string) => {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

/** The crawler that builds challenge documents: where it starts, how politely it fetches, when it runs. */
export const crawlerEnv = z.object({
  // Unset under `npm start`: the sample challenge site (dev tool) is crawled.
  CRAWLER_SEED_URLS: commaList.refine((urls) => urls.every(isWebUrl), 'every seed must be an http(s) URL'),
  CRAWLER_USER_AGENT: z.string().min(1).default('durable-pipelines-crawler/0.1'),
  /** Least time between two requests to one host (a robots.txt Crawl-delay above it wins). */
  CRAWLER_HOST_INTERVAL_MS: z.coerce.number().int().min(0).default(500),
  /** URLs one crawl takes from its frontier at most (fetched, skipped, disallowed or failed). */
  CRAWLER_MAX_PAGES: positiveInt.default(500),
  /** Pages handled by one workflow run before it continues as new, so no history grows without bound. */
  CRAWLER_PAGES_PER_RUN: positiveInt.default(200),
  /** One page's whole fetch, body included; a slower page fails its attempt. */
  CRAWLER_PAGE_TIMEOUT_MS: positiveInt.default(30_000),
  CRAWLER_FETCH_ATTEMPTS: positiveInt.default(3),
  CRAWLER_MAX_PAGE_BYTES: positiveInt.default(2 * 1024 * 1024),
  CRAWLER_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  CRAWLER_TIMEOUT_S: positiveInt.default(3600),
  // Unset: named after the task queue, so two deployments sharing a namespace never share a schedule.
  CRAWLER_SCHEDULE_ID: z.string().min(1).optional(),
  CRAWLER_SCHEDULE_CRON: z.string().min(1).default('0 3 * * *'),
  SAMPLE_CHALLENGE_SITE_PORT: listenPort.default(0),
});

export function crawlerSettingsFrom(e: z.output<typeof crawlerEnv>, taskQueue: string) {
  return {
    scheduleId: e.CRAWLER_SCHEDULE_ID ?? `${taskQueue}-crawl`,
    scheduleCron: e.CRAWLER_SCHEDULE_CRON,
    timeoutSeconds: e.CRAWLER_TIMEOUT_S,
    userAgent: e.CRAWLER_USER_AGENT,
    maxPageBytes: e.CRAWLER_MAX_PAGE_BYTES,
    sampleSitePort: e.SAMPLE_CHALLENGE_SITE_PORT,
    /** Passed into challengeCrawlWorkflow as its tuning (through the schedule's action). */
    tuning: {
      seedUrls: e.CRAWLER_SEED_URLS,
      hostIntervalMs: e.CRAWLER_HOST_INTERVAL_MS,
      maxPages: e.CRAWLER_MAX_PAGES,
      pagesPerRun: e.CRAWLER_PAGES_PER_RUN,
      pageTimeoutMs: e.CRAWLER_PAGE_TIMEOUT_MS,
      fetchAttempts: e.CRAWLER_FETCH_ATTEMPTS,
      maxRedirects: e.CRAWLER_MAX_REDIRECTS,
    },
  };
}

export type CrawlTuning = ReturnType<typeof crawlerSettingsFrom>['tuning'];
