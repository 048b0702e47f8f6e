import type { Queryable } from '../../db/queryable';
import type { PageStatus } from './queries';
import type { CrawlTrigger } from './triggers';

/** What the API reads about crawls and challenge documents. */

export interface CrawlCounts {
  total: number;
  fetched: number;
  /** 304 to the conditional request, or a 200 whose body was the same as last time. */
  skipped: number;
  redirected: number;
  disallowed: number;
  failed: number;
  documentsWritten: number;
}

export interface CrawlRow {
  crawlId: string;
  seedUrls: string[];
  status: 'RUNNING' | 'COMPLETED' | 'CANCELED' | 'FAILED';
  trigger: CrawlTrigger;
  pageLimitReached: boolean;
  startedAt: Date;
  finishedAt: Date | null;
  counts: CrawlCounts;
}

const CRAWL_SELECT = `
  SELECT r.crawl_id AS "crawlId", r.seed_urls AS "seedUrls", r.status, COALESCE(t.source, 'schedule') AS trigger, r.page_limit_reached AS "pageLimitReached",
         r.started_at AS "startedAt", r.finished_at AS "finishedAt",
         json_build_object(
           'total', count(p.url),
           'fetched', count(p.url) FILTER (WHERE p.status = 'FETCHED'),
           'skipped', count(p.url) FILTER (WHERE p.status IN ('NOT_MODIFIED', 'UNCHANGED')),
           'redirected', count(p.url) FILTER (WHERE p.status = 'REDIRECTED'),
           'disallowed', count(p.url) FILTER (WHERE p.status = 'DISALLOWED'),
           'failed', count(p.url) FILTER (WHERE p.status = 'FAILED'),
           'documentsWritten', count(p.url) FILTER (WHERE p.document_written)
         ) AS counts
  FROM crawl_runs r LEFT JOIN crawl_pages p ON p.crawl_id = r.crawl_id LEFT JOIN crawl_triggers t ON t.crawl_id = r.crawl_id`;

export async function listCrawls(db: Queryable, page: { limit: number; offset: number }): Promise<CrawlRow[]> {
  const { rows } = await db.query<CrawlRow>(`${CRAWL_SELECT} GROUP BY r.crawl_id, t.source ORDER BY r.started_at DESC, r.crawl_id LIMIT $1 OFFSET $2`, [page.limit, page.offset]);
  return rows;
}

export async function findCrawl(db: Queryable, crawlId: string): Promise<CrawlRow | undefined> {
  const { rows } = await db.query<CrawlRow>(`${CRAWL_SELECT} WHERE r.crawl_id = $1 GROUP BY r.crawl_id, t.source`, [crawlId]);
  return rows[0];
}

export interface CrawlPageRow {
  url: string;
  status: PageStatus;
  httpStatus: number | null;
  reason: string | null;
  redirectTo: string | null;
  challengeId: string | null;
  documentWritten: boolean;
  recordedAt: Date;
}

export async function crawlPages(db: Queryable, crawlId: string): Promise<CrawlPageRow[]> {
  const { rows } = await db.query<CrawlPageRow>(
    `SELECT url, status, http_status AS "httpStatus", reason, redirect_to AS "redirectTo", challenge_id AS "challengeId",
            document_written AS "documentWritten", recorded_at AS "recordedAt"
     FROM crawl_pages WHERE crawl_id = $1 ORDER BY recorded_at, url`,
    [crawlId],
  );
  return rows;
}

export interface ChallengeDocumentRow {
  challengeId: string;
  title: string;
  summary: string;
  criteria: string[];
  category: string | null;
  sourceUrl: string | null;
  contentSha256: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const DOCUMENT_COLUMNS = `challenge_id AS "challengeId", title, summary, criteria, category, source_url AS "sourceUrl",
  content_sha256 AS "contentSha256", created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function listChallengeDocuments(db: Queryable, page: { limit: number; offset: number; category?: string }): Promise<ChallengeDocumentRow[]> {
  const { rows } = await db.query<ChallengeDocumentRow>(
    `SELECT ${DOCUMENT_COLUMNS} FROM challenge_documents WHERE ($3::text IS NULL OR category = $3) ORDER BY challenge_id LIMIT $1 OFFSET $2`,
    [page.limit, page.offset, page.category ?? null],
  );
  return rows;
}

export async function findChallengeDocument(db: Queryable, challengeId: string): Promise<ChallengeDocumentRow | undefined> {
  const { rows } = await db.query<ChallengeDocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM challenge_documents WHERE challenge_id = $1`, [challengeId]);
  return rows[0];
}
