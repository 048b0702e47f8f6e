import type { ItemKind, Label } from '../../../domain/moderation';
import type { Queryable } from '../../db/queryable';

/** The SQL of labelled examples: the shipped seed set, reviewers' feedback, and the training set read back. */

export interface StoredLabel {
  source: 'seed' | 'feedback';
  exampleId: string;
  kind: ItemKind;
  text: string;
  label: Label;
  labelledBy: string;
  batchId: string | null;
  labelledAt: Date;
}

const LABEL_COLUMNS = `source, example_id AS "exampleId", kind, text, label, labelled_by AS "labelledBy", batch_id AS "batchId", labelled_at AS "labelledAt"`;

export async function insertSeedLabels(db: Queryable, examples: ReadonlyArray<{ id: string; kind: string; text: string; label: string }>): Promise<void> {
  await db.query(
    `INSERT INTO moderation_labels (source, example_id, kind, text, label, labelled_by)
     SELECT 'seed', e.id, e.kind, e.text, e.label, 'seed set' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS e(id, kind, text, label)
     ON CONFLICT (source, example_id) DO NOTHING`,
    [examples.map((e) => e.id), examples.map((e) => e.kind), examples.map((e) => e.text), examples.map((e) => e.label)],
  );
}

/** A reviewer's label of the item's latest submission; a later label of the same item replaces it. */
export async function upsertFeedback(db: Queryable, feedback: { itemId: string; label: Label; by: string }): Promise<StoredLabel | undefined> {
  const { rows } = await db.query<StoredLabel>(
    `INSERT INTO moderation_labels (source, example_id, kind, text, label, labelled_by, batch_id)
     SELECT 'feedback', i.item_id, i.kind, i.text, $2, $3, i.batch_id FROM moderation_items i
     JOIN moderation_batches b ON b.id = i.batch_id
     WHERE i.item_id = $1 ORDER BY i.classified_at DESC NULLS LAST, b.created_at DESC LIMIT 1
     ON CONFLICT (source, example_id) DO UPDATE SET kind = EXCLUDED.kind, text = EXCLUDED.text, label = EXCLUDED.label,
       labelled_by = EXCLUDED.labelled_by, batch_id = EXCLUDED.batch_id, labelled_at = now()
     RETURNING ${LABEL_COLUMNS}`,
    [feedback.itemId, feedback.label, feedback.by],
  );
  return rows[0];
}

export async function findFeedback(db: Queryable, itemId: string): Promise<StoredLabel | undefined> {
  const { rows } = await db.query<StoredLabel>(`SELECT ${LABEL_COLUMNS} FROM moderation_labels WHERE source = 'feedback' AND example_id = $1`, [itemId]);
  return rows[0];
}

/** Every labelled example, the training set and the held-out split together. */
export async function allLabels(db: Queryable): Promise<StoredLabel[]> {
  const { rows } = await db.query<StoredLabel>(`SELECT ${LABEL_COLUMNS} FROM moderation_labels ORDER BY source, example_id`);
  return rows;
}

export async function labelCounts(db: Queryable): Promise<Record<'seed' | 'feedback', number>> {
  const { rows } = await db.query<{ source: 'seed' | 'feedback'; n: number }>(`SELECT source, count(*)::int AS n FROM moderation_labels GROUP BY source`);
  return { seed: 0, feedback: 0, ...Object.fromEntries(rows.map((r) => [r.source, r.n])) };
}
