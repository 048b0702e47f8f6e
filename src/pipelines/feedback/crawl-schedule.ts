import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Pool } from 'pg';
import { noCrawlYet } from '../../infra/feedback/crawl/queries';
import { recordCrawlTrigger } from '../../infra/feedback/crawl/triggers';
import { ensureSchedule, triggerSchedule, type TriggerOutcome } from '../../infra/temporal/schedules';
import type { challengeCrawlWorkflow, CrawlInput } from '../../workflows/feedback/challenge-crawl';
import { BUSINESS_KEY, PIPELINE } from '../../workflows/shared/search-attributes';
import type { FeedbackSettings } from './settings';

/**
 * The challenge crawl on CRAWLER_SCHEDULE_CRON (UTC). SKIP: a crawl still running makes the next
 * trigger (scheduled, first start or POST /api/crawls) a no-op; the crawl's own timeout keeps it
 * from running, and so skipping, forever. The seeds and tuning travel in the action's input, so
 * a worker start with a new configuration updates what the next crawl does.
 */
export function crawlScheduleOptions(settings: FeedbackSettings): ScheduleOptions {
  const { scheduleId, scheduleCron, timeoutSeconds, tuning } = settings.crawler;
  const input: CrawlInput = { tuning };
  const timeout = `${timeoutSeconds} seconds`;
  return {
    scheduleId,
    spec: { cronExpressions: [scheduleCron] },
    action: {
      type: 'startWorkflow',
      workflowType: 'challengeCrawlWorkflow' as unknown as typeof challengeCrawlWorkflow,
      // The schedule appends the scheduled time, so every crawl has its own readable id.
      workflowId: scheduleId,
      taskQueue: settings.queue.taskQueue,
      args: [input],
      // One limit for the whole crawl, continue-as-new included.
      workflowExecutionTimeout: timeout,
      workflowRunTimeout: timeout,
      typedSearchAttributes: [{ key: PIPELINE, value: 'feedback' }, { key: BUSINESS_KEY, value: scheduleId }],
      staticSummary: `challenge crawl of ${tuning.seedUrls.length} seed URLs`,
    },
    // A crawl missed while the server was down still runs within a day; older ones are not worth catching up.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day', pauseOnFailure: false },
  };
}

export async function ensureCrawlSchedule(client: Client, settings: FeedbackSettings): Promise<void> {
  await ensureSchedule(client, crawlScheduleOptions(settings));
}

/** Crawls now, through the schedule, so an on-demand crawl and a scheduled one never overlap. */
export function triggerCrawl(client: Client, settings: FeedbackSettings): Promise<TriggerOutcome> {
  return triggerSchedule(client, settings.crawler.scheduleId);
}

/**
 * A first start has no challenge documents: the worker that owns the schedule crawls once, through
 * the schedule. A second worker starting meanwhile is skipped by the overlap policy, and a later
 * start finds a crawl recorded and does nothing. Undefined when nothing was due (a crawl ran, or
 * no seed URL is configured).
 */
export async function runFirstCrawl(client: Client, pool: Pool, settings: FeedbackSettings): Promise<TriggerOutcome | undefined> {
  if (settings.crawler.tuning.seedUrls.length === 0 || !(await noCrawlYet(pool))) return undefined;
  const outcome = await triggerCrawl(client, settings);
  // Two workers starting at once cannot tell whose trigger the schedule took (its counters show both
  // the start and the skip), but the crawl running is a first start's either way.
  if (outcome.workflowId) await recordCrawlTrigger(pool, outcome.workflowId, 'first_start');
  return outcome;
}
