import type { ChallengeDocument } from '../../../domain/feedback/challenge-page';
import type { RobotsOutcome } from '../../../domain/feedback/robots';
import type { Queryable } from '../../db/queryable';

/** The crawler's SQL: crawls, the pages each took, robots rules per crawl, validators per URL, challenge documents. */

export const PAGE_STATUSES = ['FETCHED', 'NOT_MODIFIED', 'UNCHANGED', 'REDIRECTED', 'DISALLOWED', 'FAILED'] as const;
export type PageStatus = (typeof PAGE_STATUSES)[number];

export async function insertCrawl(db: Queryable, crawlId: string, seedUrls: readonly string[]): Promise<void> {
  await db.query(`INSERT INTO crawl_runs (crawl_id, seed_urls) VALUES ($1, $2) ON CONFLICT (crawl_id) DO NOTHING`, [crawlId, JSON.stringify(seedUrls)]);
}

export type CrawlOutcome = 'COMPLETED' | 'CANCELED' | 'FAILED';

export async function finishCrawl(db: Queryable, crawlId: string, pageLimitReached: boolean, outcome: CrawlOutcome = 'COMPLETED'): Promise<void> {
  await db.query(`UPDATE crawl_runs SET status = $3, page_limit_reached = $2, finished_at = COALESCE(finished_at, now()) WHERE crawl_id = $1`, [crawlId, pageLimitReached, outcome]);
}

/** True before any crawl was ever recorded: the first start runs one. */
export async function noCrawlYet(db: Queryable): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM crawl_runs LIMIT 1`);
  return rows.length === 0;
}

export async function upsertRobots(db: Queryable, crawlId: string, origin: string, rules: { outcome: RobotsOutcome; body: string; reason?: string }): Promise<void> {
  await db.query(
    `INSERT INTO crawl_hosts (crawl_id, origin, robots_status, robots_body, reason) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (crawl_id, origin) DO UPDATE SET robots_status = EXCLUDED.robots_status, robots_body = EXCLUDED.robots_body, reason = EXCLUDED.reason`,
    [crawlId, origin, rules.outcome, rules.body, rules.reason ?? null],
  );
}

export async function findRobots(db: Queryable, crawlId: string, origin: string): Promise<{ outcome: RobotsOutcome; body: string } | undefined> {
  const { rows } = await db.query<{ outcome: RobotsOutcome; body: string }>(`SELECT robots_status AS outcome, robots_body AS body FROM crawl_hosts WHERE crawl_id = $1 AND origin = $2`, [crawlId, origin]);
  return rows[0];
}

export interface PageRecord {
  status: PageStatus;
  httpStatus?: number;
  reason?: string;
  redirectTo?: string;
  challengeId?: string;
  documentWritten?: boolean;
}

/** One row per crawl and URL; a retried step writes the same row again. */
export async function recordPage(db: Queryable, crawlId: string, url: string, page: PageRecord): Promise<void> {
  await db.query(
    `INSERT INTO crawl_pages (crawl_id, url, status, http_status, reason, redirect_to, challenge_id, document_written) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (crawl_id, url) DO UPDATE SET status = EXCLUDED.status, http_status = EXCLUDED.http_status, reason = EXCLUDED.reason,
       redirect_to = EXCLUDED.redirect_to, challenge_id = EXCLUDED.challenge_id,
       document_written = crawl_pages.document_written OR EXCLUDED.document_written, recorded_at = now()`,
    [crawlId, url, page.status, page.httpStatus ?? null, page.reason ?? null, page.redirectTo ?? null, page.challengeId ?? null, page.documentWritten ?? false],
  );
}

export interface StoredPage {
  etag: string | null;
  lastModified: string | null;
  bodySha256: string;
  links: string[];
  challengeId: string | null;
}

export async function findCrawledPage(db: Queryable, url: string): Promise<StoredPage | undefined> {
  const { rows } = await db.query<StoredPage>(
    `SELECT etag, last_modified AS "lastModified", body_sha256 AS "bodySha256", links, challenge_id AS "challengeId" FROM crawled_pages WHERE url = $1`,
    [url],
  );
  return rows[0];
}

export async function upsertCrawledPage(db: Queryable, url: string, crawlId: string, page: StoredPage): Promise<void> {
  await db.query(
    `INSERT INTO crawled_pages (url, etag, last_modified, body_sha256, links, challenge_id, last_crawl_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified, body_sha256 = EXCLUDED.body_sha256,
       links = EXCLUDED.links, challenge_id = EXCLUDED.challenge_id, last_crawl_id = EXCLUDED.last_crawl_id, fetched_at = now()`,
    [url, page.etag, page.lastModified, page.bodySha256, JSON.stringify(page.links), page.challengeId, crawlId],
  );
}

/** Marks the page as seen by this crawl without touching its validators (a 304, or the same body). */
export async function touchCrawledPage(db: Queryable, url: string, crawlId: string): Promise<void> {
  await db.query(`UPDATE crawled_pages SET last_crawl_id = $2, fetched_at = now() WHERE url = $1`, [url, crawlId]);
}

/** Writes the document only when its content changed; true when a row was inserted or updated. */
export async function upsertChallengeDocument(db: Queryable, doc: ChallengeDocument, sourceUrl: string, contentSha256: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO challenge_documents (challenge_id, title, summary, criteria, category, source_url, content_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (challenge_id) DO UPDATE SET title = EXCLUDED.title, summary = EXCLUDED.summary, criteria = EXCLUDED.criteria,
       category = EXCLUDED.category, source_url = EXCLUDED.source_url, content_sha256 = EXCLUDED.content_sha256, updated_at = now()
     WHERE challenge_documents.content_sha256 IS DISTINCT FROM EXCLUDED.content_sha256`,
    [doc.challengeId, doc.title, doc.summary, JSON.stringify(doc.criteria), doc.category, sourceUrl, contentSha256],
  );
  return rowCount === 1;
}
