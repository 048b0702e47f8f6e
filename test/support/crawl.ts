import { migrate } from '../../src/infra/db/migrate';
import { createPool } from '../../src/infra/db/pool';
import { ensureCrawlSchedule } from '../../src/pipelines/feedback/crawl-schedule';
import { api } from './moderation';
import { createScratchDatabase } from './scratch-database';
import { startTestStack, testConfig, waitUntil, type TestStack } from './stack';

export { api };

/** Crawler settings for tests: loopback allowed, short intervals and deadlines, two attempts per page. */
export function crawlEnv(seedUrls: string[], extra: Record<string, string> = {}): Record<string, string> {
  return {
    FETCH_ALLOW_HOSTS: '127.0.0.1:*',
    CRAWLER_SEED_URLS: seedUrls.join(','),
    CRAWLER_HOST_INTERVAL_MS: '50',
    CRAWLER_PAGE_TIMEOUT_MS: '1500',
    CRAWLER_FETCH_ATTEMPTS: '2',
    ...extra,
  };
}

/**
 * A stack running the feedback workers with its crawl schedule, as the feedback worker leaves it
 * at start (`scratch`: on a database of its own, for first-start tests). `stop` removes the schedule.
 */
export async function startCrawlStack(env: Record<string, string>, opts: { scratch?: boolean; schedule?: boolean } = {}): Promise<TestStack> {
  const scratch = opts.scratch ? await createScratchDatabase() : undefined;
  const config = testConfig({ ...env, ...(scratch ? { DATABASE_URL: scratch.url } : {}) });
  if (scratch) {
    const pool = createPool(config, 'dp-test-migrate');
    await migrate(pool).finally(() => pool.end());
  }
  const stack = await startTestStack({ config, queues: ['feedback'] });
  if (opts.schedule !== false) await ensureCrawlSchedule(stack.temporal, config.pipelines.feedback);
  return {
    ...stack,
    async stop() {
      await stack.temporal.schedule.getHandle(config.pipelines.feedback.crawler.scheduleId).delete().catch(() => undefined);
      await stack.stop();
      await scratch?.drop();
    },
  };
}

export async function waitForCrawl(stack: TestStack, id: string, timeoutMs = 120_000): Promise<any> {
  return waitUntil(
    `crawl ${id} to complete`,
    async () => {
      const { status, body } = await api(stack, 'GET', `/api/crawls/${encodeURIComponent(id)}`);
      if (status === 200 && body.status === 'COMPLETED') return body;
      if (status === 200 && ['FAILED', 'CANCELED'].includes(body.status)) throw new Error(`crawl ${id} ended ${body.status}`);
      return undefined;
    },
    timeoutMs,
  );
}

/** The crawl's pages by URL path (or by whole URL for other hosts). */
export function pagesByPath(crawl: { pages: Array<{ url: string }> }, siteUrl: string): Record<string, any> {
  return Object.fromEntries(crawl.pages.map((p) => [p.url.startsWith(siteUrl) ? p.url.slice(siteUrl.length) : p.url, p]));
}
