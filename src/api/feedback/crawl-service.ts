import { ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { withTransaction } from '../../infra/db/pool';
import * as q from '../../infra/feedback/crawl/read-queries';
import { crawlStartedWithKey, lockIdempotencyKey, recordCrawlTrigger } from '../../infra/feedback/crawl/triggers';
import type { TriggerOutcome } from '../../infra/temporal/schedules';
import { triggerCrawl } from '../../pipelines/feedback/crawl-schedule';
import type { FeedbackSettings } from '../../pipelines/feedback/settings';
import type { ApiDeps } from '../shared/deps';
import { notFound, ProblemError } from '../shared/problem';
import { jobStatus, type JobStatus } from '../shared/workflow-status';

export interface CrawlView {
  row?: q.CrawlRow;
  status: JobStatus;
}

const CRAWL_TYPE = 'challengeCrawlWorkflow';

/** Crawls (started through the schedule, read from PostgreSQL) and the challenge documents they built. */
export function createCrawlService(deps: Pick<ApiDeps, 'pool' | 'temporal'>, settings: FeedbackSettings) {
  const { pool, temporal } = deps;

  /** Temporal's word on a crawl whose row says RUNNING (or is not written yet): it may have failed or timed out. */
  async function runStatus(crawlId: string): Promise<JobStatus | undefined> {
    try {
      const d = await temporal.workflow.getHandle(crawlId).describe();
      return d.type === CRAWL_TYPE ? jobStatus(d) : undefined;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  return {
    /**
     * Triggers a crawl through the schedule and records that the API asked for it. With an
     * Idempotency-Key, a key seen before answers the crawl it started (`repeated`) instead of
     * triggering again, so a retried POST never meets its own crawl as an overlap.
     */
    async start(idempotencyKey?: string): Promise<TriggerOutcome & { repeated?: boolean }> {
      const trigger = async (): Promise<TriggerOutcome> => {
        try {
          return await triggerCrawl(temporal, settings);
        } catch (err) {
          if (err instanceof ScheduleNotFoundError) throw new ProblemError(503, 'Service Unavailable', `the crawl schedule ${settings.crawler.scheduleId} does not exist yet: it is created when the feedback worker starts`, undefined, { 'retry-after': '5' });
          throw err;
        }
      };
      if (!idempotencyKey) {
        const outcome = await trigger();
        if (outcome.started && outcome.workflowId) await recordCrawlTrigger(pool, outcome.workflowId, 'api');
        return outcome;
      }
      return withTransaction(pool, async (tx) => {
        await lockIdempotencyKey(tx, idempotencyKey);
        const earlier = await crawlStartedWithKey(tx, idempotencyKey);
        if (earlier) return { started: true, workflowId: earlier, repeated: true };
        const outcome = await trigger();
        if (outcome.started && outcome.workflowId) await recordCrawlTrigger(tx, outcome.workflowId, 'api', idempotencyKey);
        return outcome;
      });
    },

    list: (page: { limit: number; offset: number }) => q.listCrawls(pool, page),

    async find(crawlId: string): Promise<CrawlView & { pages: q.CrawlPageRow[] }> {
      const row = await q.findCrawl(pool, crawlId);
      // A finished crawl's row holds its outcome; only a running one asks Temporal.
      if (row && row.status !== 'RUNNING') return { row, status: row.status, pages: await q.crawlPages(pool, crawlId) };
      const status = await runStatus(crawlId);
      if (!row && !status) throw notFound(`crawl ${crawlId}`);
      return { row, status: status ?? 'RUNNING', pages: row ? await q.crawlPages(pool, crawlId) : [] };
    },

    documents: (page: { limit: number; offset: number; category?: string }) => q.listChallengeDocuments(pool, page),

    async document(challengeId: string): Promise<q.ChallengeDocumentRow> {
      const found = await q.findChallengeDocument(pool, challengeId);
      if (!found) throw notFound(`challenge ${challengeId}`);
      return found;
    },
  };
}

export type CrawlService = ReturnType<typeof createCrawlService>;
