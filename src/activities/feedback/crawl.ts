import { Context } from '@temporalio/activity';
import type { FeedbackSettings } from '../../pipelines/feedback/settings';
import { robotsCrawlDelayMs, robotsOutcomeForStatus, robotsUrlFor, ROBOTS_MAX_BYTES, type RobotsOutcome } from '../../domain/feedback/robots';
import * as q from '../../infra/feedback/crawl/queries';
import { openRemote, type FetchPolicy } from '../../infra/http/fetch-remote';
import { createGuardedAgent } from '../../infra/http/guarded-agent';
import type { ActivityDeps } from '../shared/deps';
import { toApplicationFailure } from '../shared/failure-interceptor';
import { classifyRemoteFetchFailure } from '../shared/remote-fetch-failures';
import { createPageFetcher, readText } from './crawl-page';

/** Every status robots.txt may answer with that is an answer, not a failure: 2xx is read, 4xx means "no rules". */
const ROBOTS_ANSWERS = Array.from({ length: 100 }, (_, i) => 400 + i);
// Two connections per host at most: the workflow sends one request per host at a time anyway.
const CONNECTIONS_PER_HOST = 2;

export interface RobotsResult {
  outcome: RobotsOutcome;
  /** Crawl-delay for our user agent, in milliseconds (0 when none). */
  crawlDelayMs: number;
}

/** The crawl's side effects: robots.txt, one page per call, and the crawl's own rows. */
export function createCrawlActivities(deps: ActivityDeps, settings: FeedbackSettings) {
  const { pool, config } = deps;
  const crawler = settings.crawler;
  const dispatcher = createGuardedAgent({ allow: config.fetch.allowEndpoints, connections: CONNECTIONS_PER_HOST });
  const policy: FetchPolicy = {
    allowEndpoints: config.fetch.allowEndpoints,
    maxRedirects: crawler.tuning.maxRedirects,
    timeoutMs: Math.min(config.fetch.timeoutMs, crawler.tuning.pageTimeoutMs),
    deadlineMs: crawler.tuning.pageTimeoutMs,
  };
  const crawlPage = createPageFetcher({ pool, dispatcher, policy, userAgent: crawler.userAgent, maxPageBytes: crawler.maxPageBytes });

  return {
    async crawlBegin(input: { crawlId: string; seedUrls: string[] }): Promise<void> {
      await q.insertCrawl(pool, input.crawlId, input.seedUrls);
    },

    /**
     * Reads the origin's robots.txt into the crawl's rows, where each page fetch finds it. A 5xx or
     * a reset is retried; once the attempts are spent (or the URL is refused outright) the host is
     * recorded as UNAVAILABLE and none of its pages is fetched this crawl.
     */
    async crawlReadRobots(input: { crawlId: string; origin: string; maxAttempts: number }): Promise<RobotsResult> {
      const robotsUrl = robotsUrlFor(input.origin);
      try {
        const remote = await openRemote(new URL(robotsUrl), { ...policy, dispatcher, maxBytes: ROBOTS_MAX_BYTES, acceptStatuses: ROBOTS_ANSWERS, headers: { 'user-agent': crawler.userAgent } });
        const outcome = robotsOutcomeForStatus(remote.status);
        const body = outcome === 'PARSED' ? await readText(remote.body) : (remote.body.resume(), '');
        await q.upsertRobots(pool, input.crawlId, input.origin, { outcome, body });
        return { outcome, crawlDelayMs: robotsCrawlDelayMs({ outcome, robotsUrl, body }, crawler.userAgent) };
      } catch (err) {
        const failure = toApplicationFailure(err, [classifyRemoteFetchFailure]);
        if (!failure.nonRetryable && Context.current().info.attempt < input.maxAttempts) throw err;
        await q.upsertRobots(pool, input.crawlId, input.origin, { outcome: 'UNAVAILABLE', body: '', reason: `robots.txt could not be read: ${failure.message}` });
        return { outcome: 'UNAVAILABLE', crawlDelayMs: 0 };
      }
    },

    crawlPage,

    /** A page whose fetch failed for good (its attempts spent, or a refusal no retry changes). */
    async crawlRecordFailure(input: { crawlId: string; url: string; reason: string; httpStatus?: number }): Promise<void> {
      await q.recordPage(pool, input.crawlId, input.url, { status: 'FAILED', reason: input.reason, httpStatus: input.httpStatus });
    },

    async crawlFinish(input: { crawlId: string; pageLimitReached: boolean; outcome?: q.CrawlOutcome }): Promise<void> {
      await q.finishCrawl(pool, input.crawlId, input.pageLimitReached, input.outcome);
    },
  };
}

export type CrawlActivities = ReturnType<typeof createCrawlActivities>;
