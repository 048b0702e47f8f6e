import type { Queryable } from '../../db/queryable';

/** Who started a crawl: the schedule's calendar, a POST /api/crawls, or a worker's first start. */
export const CRAWL_TRIGGERS = ['schedule', 'api', 'first_start'] as const;
export type CrawlTrigger = (typeof CRAWL_TRIGGERS)[number];

/** Records a crawl started on request (the calendar's crawls have no row); a second record of it changes nothing. */
export async function recordCrawlTrigger(db: Queryable, crawlId: string, source: Exclude<CrawlTrigger, 'schedule'>, idempotencyKey?: string): Promise<void> {
  await db.query(
    `INSERT INTO crawl_triggers (crawl_id, source, idempotency_key) VALUES ($1, $2, $3) ON CONFLICT (crawl_id) DO NOTHING`,
    [crawlId, source, idempotencyKey ?? null],
  );
}

/** The crawl an earlier request with this Idempotency-Key started. */
export async function crawlStartedWithKey(db: Queryable, idempotencyKey: string): Promise<string | undefined> {
  const { rows } = await db.query<{ crawl_id: string }>(`SELECT crawl_id FROM crawl_triggers WHERE idempotency_key = $1`, [idempotencyKey]);
  return rows[0]?.crawl_id;
}

/**
 * Locks `idempotencyKey` until the transaction ends, so two requests with one key, on any API
 * process, take turns: the second finds the crawl the first started.
 */
export async function lockIdempotencyKey(tx: Queryable, idempotencyKey: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('crawl-trigger:' || $1))`, [idempotencyKey]);
}
