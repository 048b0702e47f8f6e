import { z } from 'zod';
import type { ChallengeDocumentRow, CrawlPageRow, CrawlRow } from '../../infra/feedback/crawl/read-queries';
import { PAGE_STATUSES } from '../../infra/feedback/crawl/queries';
import { CRAWL_TRIGGERS, type CrawlTrigger } from '../../infra/feedback/crawl/triggers';
import type { FeedbackSettings } from '../../pipelines/feedback/settings';
import type { ApiDeps } from '../shared/deps';
import { idempotencyKeyOf } from '../shared/ingress/idempotency-key';
import { ProblemError } from '../shared/problem';
import { defineRoute, type RouteSpec } from '../shared/route';
import { JOB_STATUSES, type JobStatus } from '../shared/workflow-status';
import { createCrawlService } from './crawl-service';

const Counts = z.object({
  total: z.number().describe('URLs the crawl took from its frontier'),
  fetched: z.number().describe('200 with new content'),
  skipped: z.number().describe('304 to the conditional request, or the same body as last time'),
  redirected: z.number(),
  disallowed: z.number().describe('Forbidden by robots.txt: never requested'),
  failed: z.number().describe('Failed for good; each page says why'),
  documentsWritten: z.number().describe('Challenge documents inserted or changed'),
});

const Crawl = z.object({
  id: z.string(),
  status: z.enum(JOB_STATUSES),
  trigger: z.enum(CRAWL_TRIGGERS).describe("Who started it: the schedule's calendar, POST /api/crawls, or a worker's first start"),
  seedUrls: z.array(z.string()),
  pageLimitReached: z.boolean(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  counts: Counts,
  links: z.object({ self: z.string() }),
});

const Page = z.object({
  url: z.string(),
  status: z.enum(PAGE_STATUSES),
  httpStatus: z.number().nullable(),
  reason: z.string().nullable(),
  redirectTo: z.string().nullable(),
  challengeId: z.string().nullable(),
  documentWritten: z.boolean(),
});

const Challenge = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  criteria: z.array(z.string()),
  category: z.string().nullable(),
  sourceUrl: z.string().nullable(),
  contentSha256: z.string().nullable(),
  updatedAt: z.string(),
});

const NO_COUNTS = { total: 0, fetched: 0, skipped: 0, redirected: 0, disallowed: 0, failed: 0, documentsWritten: 0 };
const crawlPath = (id: string) => `/api/crawls/${encodeURIComponent(id)}`;

function crawlView(id: string, status: JobStatus, row?: CrawlRow, trigger: CrawlTrigger = 'schedule'): z.infer<typeof Crawl> {
  return {
    id,
    status,
    trigger: row?.trigger ?? trigger,
    seedUrls: row?.seedUrls ?? [],
    pageLimitReached: row?.pageLimitReached ?? false,
    startedAt: row?.startedAt.toISOString() ?? null,
    finishedAt: row?.finishedAt?.toISOString() ?? null,
    counts: row?.counts ?? NO_COUNTS,
    links: { self: crawlPath(id) },
  };
}

const pageView = (p: CrawlPageRow): z.infer<typeof Page> => ({
  url: p.url,
  status: p.status,
  httpStatus: p.httpStatus,
  reason: p.reason,
  redirectTo: p.redirectTo,
  challengeId: p.challengeId,
  documentWritten: p.documentWritten,
});

const challengeView = (d: ChallengeDocumentRow): z.infer<typeof Challenge> => ({
  id: d.challengeId,
  title: d.title,
  summary: d.summary,
  criteria: d.criteria,
  category: d.category,
  sourceUrl: d.sourceUrl,
  contentSha256: d.contentSha256,
  updatedAt: d.updatedAt.toISOString(),
});

const Paging = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) });

/** Crawls of the challenge site (on demand through the schedule, and as recorded) and the challenge documents. */
export function crawlRoutes(deps: ApiDeps, settings: FeedbackSettings): RouteSpec[] {
  const service = createCrawlService(deps, settings);
  return [
    defineRoute({
      method: 'post',
      path: '/api/crawls',
      summary: 'Crawl the challenge site now, through the crawl schedule, so an on-demand crawl never overlaps a scheduled one; takes no body',
      tag: 'feedback',
      headers: { 'Idempotency-Key': 'Same key → the crawl the first request started, not a second trigger' },
      responses: {
        200: { description: 'The crawl an earlier request with this Idempotency-Key started', schema: Crawl },
        202: { description: 'A crawl started', schema: Crawl },
        409: { description: 'A crawl is already running; nothing new was started (its id is in the detail)' },
        503: { description: 'The crawl schedule does not exist yet (no feedback worker has started)' },
      },
      async handler({ req, res }) {
        const outcome = await service.start(idempotencyKeyOf(req));
        if (!outcome.started) {
          const running = outcome.workflowId;
          throw new ProblemError(409, 'Conflict', `crawl ${running ?? '(starting)'} is still running; the trigger was skipped (overlap policy SKIP)`, undefined, {}, running ? { crawlId: running, links: { crawl: crawlPath(running) } } : {});
        }
        if (!outcome.workflowId) throw new Error('the crawl schedule acted on the trigger without naming the crawl');
        res.location(crawlPath(outcome.workflowId));
        if (outcome.repeated) {
          const earlier = await service.find(outcome.workflowId);
          return void res.status(200).json(crawlView(outcome.workflowId, earlier.status, earlier.row, 'api'));
        }
        res.status(202).json(crawlView(outcome.workflowId, 'PENDING', undefined, 'api'));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/crawls',
      summary: 'Crawls, newest first, with pages fetched, skipped, disallowed and failed',
      tag: 'feedback',
      query: Paging,
      responses: { 200: { description: 'Crawls', schema: z.object({ crawls: z.array(Crawl) }) } },
      async handler({ query, res }) {
        const rows = await service.list(query);
        res.json({ crawls: rows.map((row) => crawlView(row.crawlId, row.status, row)) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/crawls/:id',
      summary: 'One crawl: its counts and every page it took, with status and, for a failed page, the reason',
      tag: 'feedback',
      params: z.object({ id: z.string().min(1).max(300) }),
      responses: { 200: { description: 'The crawl', schema: Crawl.extend({ pages: z.array(Page) }) } },
      async handler({ params, res }) {
        const { row, status, pages } = await service.find(params.id);
        res.json({ ...crawlView(params.id, status, row), pages: pages.map(pageView) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/challenges',
      summary: 'Challenge documents (what feedback is judged against), by id',
      tag: 'feedback',
      query: Paging.extend({ category: z.string().min(1).max(100).optional() }),
      responses: { 200: { description: 'Challenge documents', schema: z.object({ challenges: z.array(Challenge) }) } },
      async handler({ query, res }) {
        res.json({ challenges: (await service.documents(query)).map(challengeView) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/challenges/:id',
      summary: 'One challenge document',
      tag: 'feedback',
      params: z.object({ id: z.string().min(1).max(100) }),
      responses: { 200: { description: 'The challenge document', schema: Challenge } },
      async handler({ params, res }) {
        res.json(challengeView(await service.document(params.id)));
      },
    }),
  ];
}
