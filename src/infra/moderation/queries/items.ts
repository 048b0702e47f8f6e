import type { ItemKind, ModerationReasons, Verdict } from '../../../domain/moderation';
import type { Queryable } from '../../db/queryable';

/** The SQL of moderation items: the page a classifier works on, the verdicts it writes, and the reads behind the API. */

export interface ItemToClassify {
  position: number;
  itemId: string;
  kind: ItemKind;
  text: string;
}

/** Items at positions [from, to) that have no verdict yet (a retried page skips what an earlier attempt stored). */
export async function unclassifiedItems(db: Queryable, batchId: string, from: number, to: number): Promise<ItemToClassify[]> {
  const { rows } = await db.query<ItemToClassify>(
    `SELECT position, item_id AS "itemId", kind, text FROM moderation_items
     WHERE batch_id = $1 AND position >= $2 AND position < $3 AND verdict IS NULL ORDER BY position`,
    [batchId, from, to],
  );
  return rows;
}

export interface VerdictRow {
  position: number;
  verdict: Verdict;
  spamProbability: number;
  profanityScore: number;
  reasons: ModerationReasons;
  modelVersion: number;
}

/** Writes verdicts of items that have none; returns how many it wrote (0 for items another attempt got to first). */
export async function saveVerdicts(db: Queryable, batchId: string, verdicts: readonly VerdictRow[]): Promise<number> {
  if (verdicts.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE moderation_items i SET verdict = v.verdict, spam_probability = v.spam_probability, profanity_score = v.profanity_score,
       reasons = v.reasons, model_version = v.model_version, classified_at = now()
     FROM unnest($2::int[], $3::text[], $4::float8[], $5::float8[], $6::jsonb[], $7::int[])
       AS v(position, verdict, spam_probability, profanity_score, reasons, model_version)
     WHERE i.batch_id = $1 AND i.position = v.position AND i.verdict IS NULL`,
    [
      batchId,
      verdicts.map((v) => v.position),
      verdicts.map((v) => v.verdict),
      verdicts.map((v) => v.spamProbability),
      verdicts.map((v) => v.profanityScore),
      verdicts.map((v) => JSON.stringify(v.reasons)),
      verdicts.map((v) => v.modelVersion),
    ],
  );
  return rowCount ?? 0;
}

export interface ModeratedItem {
  batchId: string;
  position: number;
  itemId: string;
  kind: ItemKind;
  text: string;
  authorId: string | null;
  verdict: Verdict | null;
  spamProbability: number | null;
  profanityScore: number | null;
  reasons: ModerationReasons | null;
  modelVersion: number | null;
  classifiedAt: Date | null;
  /** The reviewers' label of the item, when there is one. */
  label: 'spam' | 'ham' | null;
}

const ITEM_COLUMNS = `i.batch_id AS "batchId", i.position, i.item_id AS "itemId", i.kind, i.text, i.author_id AS "authorId", i.verdict,
  i.spam_probability AS "spamProbability", i.profanity_score AS "profanityScore", i.reasons, i.model_version AS "modelVersion",
  i.classified_at AS "classifiedAt", l.label`;
const WITH_LABEL = `moderation_items i LEFT JOIN moderation_labels l ON l.source = 'feedback' AND l.example_id = i.item_id`;

export async function batchItems(db: Queryable, batchId: string, filter: { verdict?: Verdict | 'pending'; limit: number; offset: number }): Promise<ModeratedItem[]> {
  const { rows } = await db.query<ModeratedItem>(
    `SELECT ${ITEM_COLUMNS} FROM ${WITH_LABEL}
     WHERE i.batch_id = $1 AND ($2::text IS NULL OR ($2 = 'pending' AND i.verdict IS NULL) OR i.verdict = $2)
     ORDER BY i.position LIMIT $3 OFFSET $4`,
    [batchId, filter.verdict ?? null, filter.limit, filter.offset],
  );
  return rows;
}

/** Every submission of one item, newest first. */
export async function itemSubmissions(db: Queryable, itemId: string): Promise<ModeratedItem[]> {
  const { rows } = await db.query<ModeratedItem>(
    `SELECT ${ITEM_COLUMNS} FROM ${WITH_LABEL} WHERE i.item_id = $1
     ORDER BY i.classified_at DESC NULLS FIRST, (SELECT created_at FROM moderation_batches b WHERE b.id = i.batch_id) DESC`,
    [itemId],
  );
  return rows;
}

/** Items whose latest verdict is review and that nobody has labelled yet, oldest first. */
export async function reviewQueue(db: Queryable, filter: { kind?: ItemKind; limit: number; offset: number }): Promise<{ items: ModeratedItem[]; total: number }> {
  const where = `i.verdict = 'review' AND ($1::text IS NULL OR i.kind = $1)
     AND NOT EXISTS (SELECT 1 FROM moderation_items newer WHERE newer.item_id = i.item_id AND newer.classified_at > i.classified_at)
     AND NOT EXISTS (SELECT 1 FROM moderation_labels f WHERE f.source = 'feedback' AND f.example_id = i.item_id)`;
  const [page, total] = await Promise.all([
    db.query<ModeratedItem>(`SELECT ${ITEM_COLUMNS} FROM ${WITH_LABEL} WHERE ${where} ORDER BY i.classified_at, i.item_id LIMIT $2 OFFSET $3`, [
      filter.kind ?? null,
      filter.limit,
      filter.offset,
    ]),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM moderation_items i WHERE ${where}`, [filter.kind ?? null]),
  ]);
  return { items: page.rows, total: total.rows[0].n };
}
