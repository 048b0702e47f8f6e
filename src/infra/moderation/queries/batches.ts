import type { ItemKind, Verdict } from '../../../domain/moderation';
import type { Queryable } from '../../db/queryable';

/** The SQL of moderation batches: the batch row, its items as submitted, and its verdict counts. */

export interface NewItem {
  id: string;
  kind: ItemKind;
  text: string;
  authorId?: string | null;
}

/** False when the batch was already stored (a concurrent request with the same key): its items are that request's. */
export async function insertBatch(db: Queryable, batch: { id: string; items: readonly NewItem[] }): Promise<boolean> {
  const { rowCount } = await db.query(`INSERT INTO moderation_batches (id, item_count) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [batch.id, batch.items.length]);
  if (rowCount !== 1) return false;
  const { items } = batch;
  await db.query(
    `INSERT INTO moderation_items (batch_id, position, item_id, kind, text, author_id)
     SELECT $1, i.position - 1, i.item_id, i.kind, i.text, i.author_id
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS i(item_id, kind, text, author_id, position)`,
    [batch.id, items.map((i) => i.id), items.map((i) => i.kind), items.map((i) => i.text), items.map((i) => i.authorId ?? null)],
  );
  return true;
}

export interface Batch {
  id: string;
  itemCount: number;
  modelVersion: number | null;
  status: string;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const BATCH_COLUMNS = `id, item_count AS "itemCount", model_version AS "modelVersion", status, error, created_at AS "createdAt", finished_at AS "finishedAt"`;

export async function findBatch(db: Queryable, id: string): Promise<Batch | undefined> {
  const { rows } = await db.query<Batch>(`SELECT ${BATCH_COLUMNS} FROM moderation_batches WHERE id = $1`, [id]);
  return rows[0];
}

export async function listBatches(db: Queryable, page: { limit: number; offset: number }): Promise<Batch[]> {
  const { rows } = await db.query<Batch>(`SELECT ${BATCH_COLUMNS} FROM moderation_batches ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`, [page.limit, page.offset]);
  return rows;
}

/** The model the batch classifies with, chosen once: a retried or continued run keeps the first choice. */
export async function pinBatchModel(db: Queryable, batchId: string, version: number): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `UPDATE moderation_batches SET model_version = COALESCE(model_version, $2) WHERE id = $1 RETURNING model_version AS version`,
    [batchId, version],
  );
  if (!rows[0]) throw new Error(`moderation batch ${batchId} is not stored`);
  return rows[0].version;
}

export async function finishBatch(db: Queryable, id: string, status: string, error?: string): Promise<void> {
  await db.query(`UPDATE moderation_batches SET status = $2, error = $3, finished_at = now() WHERE id = $1`, [id, status, error ?? null]);
}

export type VerdictCounts = Record<Verdict | 'pending', number>;

/** Verdicts of the items at positions [from, to) of a batch (all of them without a range). */
export async function verdictCounts(db: Queryable, batchId: string, range?: { from: number; to: number }): Promise<VerdictCounts> {
  const { rows } = await db.query<{ verdict: Verdict | null; n: number }>(
    `SELECT verdict, count(*)::int AS n FROM moderation_items
     WHERE batch_id = $1 AND ($2::int IS NULL OR position >= $2 AND position < $3) GROUP BY verdict`,
    [batchId, range?.from ?? null, range?.to ?? null],
  );
  const counts: VerdictCounts = { allow: 0, review: 0, block: 0, pending: 0 };
  for (const r of rows) counts[r.verdict ?? 'pending'] = r.n;
  return counts;
}

/** Counts of many batches at once, for lists. */
export async function verdictCountsOf(db: Queryable, batchIds: readonly string[]): Promise<Map<string, VerdictCounts>> {
  const { rows } = await db.query<{ batch_id: string; verdict: Verdict | null; n: number }>(
    `SELECT batch_id, verdict, count(*)::int AS n FROM moderation_items WHERE batch_id = ANY($1::text[]) GROUP BY batch_id, verdict`,
    [batchIds],
  );
  const counts = new Map(batchIds.map((id) => [id, { allow: 0, review: 0, block: 0, pending: 0 } as VerdictCounts]));
  for (const r of rows) counts.get(r.batch_id)![r.verdict ?? 'pending'] = r.n;
  return counts;
}
