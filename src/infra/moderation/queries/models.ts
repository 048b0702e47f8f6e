import type { ModelMetrics } from '../../../domain/moderation';
import type { Queryable } from '../../db/queryable';

/** The SQL of model versions: storing a trained model, its evaluation and the decision, and finding the current one. */

export interface ModelVersion {
  version: number;
  retrainId: string;
  trigger: string;
  trainingExamples: number;
  heldoutExamples: number;
  vocabulary: number;
  metrics: ModelMetrics | null;
  baselineVersion: number | null;
  baselineMetrics: ModelMetrics | null;
  decision: 'promoted' | 'rejected' | null;
  decisionReason: string | null;
  createdAt: Date;
  promotedAt: Date | null;
}

const MODEL_COLUMNS = `version, retrain_id AS "retrainId", trigger, training_examples AS "trainingExamples", heldout_examples AS "heldoutExamples",
  vocabulary, metrics, baseline_version AS "baselineVersion", baseline_metrics AS "baselineMetrics", decision, decision_reason AS "decisionReason",
  created_at AS "createdAt", promoted_at AS "promotedAt"`;

/**
 * Stores a trained model under the next version number, once per retraining run: a retried
 * training step gets the version its first attempt stored. Must run in a transaction (the lock
 * makes version numbers gapless when two runs store at once).
 */
export async function storeModel(
  tx: Queryable,
  model: { retrainId: string; trigger: string; serialized: string; trainingExamples: number; heldoutExamples: number; vocabulary: number },
): Promise<number> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('moderation_models'))`);
  const existing = await tx.query<{ version: number }>(`SELECT version FROM moderation_models WHERE retrain_id = $1`, [model.retrainId]);
  if (existing.rows[0]) return existing.rows[0].version;
  const { rows } = await tx.query<{ version: number }>(
    `INSERT INTO moderation_models (version, retrain_id, trigger, model, training_examples, heldout_examples, vocabulary)
     SELECT COALESCE(max(version), 0) + 1, $1, $2, $3, $4, $5, $6 FROM moderation_models RETURNING version`,
    [model.retrainId, model.trigger, model.serialized, model.trainingExamples, model.heldoutExamples, model.vocabulary],
  );
  return rows[0].version;
}

export async function serializedModel(db: Queryable, version: number): Promise<string | undefined> {
  const { rows } = await db.query<{ model: string }>(`SELECT model FROM moderation_models WHERE version = $1`, [version]);
  return rows[0]?.model;
}

/** The newest promoted version: the one new batches use. */
export async function currentModelVersion(db: Queryable): Promise<number | undefined> {
  const { rows } = await db.query<{ version: number }>(`SELECT version FROM moderation_models WHERE promoted_at IS NOT NULL ORDER BY version DESC LIMIT 1`);
  return rows[0]?.version;
}

export async function findModel(db: Queryable, version: number): Promise<ModelVersion | undefined> {
  const { rows } = await db.query<ModelVersion>(`SELECT ${MODEL_COLUMNS} FROM moderation_models WHERE version = $1`, [version]);
  return rows[0];
}

export async function findModelByRetrain(db: Queryable, retrainId: string): Promise<ModelVersion | undefined> {
  const { rows } = await db.query<ModelVersion>(`SELECT ${MODEL_COLUMNS} FROM moderation_models WHERE retrain_id = $1`, [retrainId]);
  return rows[0];
}

export async function listModels(db: Queryable, limit: number): Promise<ModelVersion[]> {
  const { rows } = await db.query<ModelVersion>(`SELECT ${MODEL_COLUMNS} FROM moderation_models ORDER BY version DESC LIMIT $1`, [limit]);
  return rows;
}

export async function recordEvaluation(
  db: Queryable,
  version: number,
  evaluation: { metrics: ModelMetrics; baseline: { version: number; metrics: ModelMetrics } | null },
): Promise<void> {
  // Once decided, the numbers the decision rests on stay as they were.
  await db.query(`UPDATE moderation_models SET metrics = $2, baseline_version = $3, baseline_metrics = $4 WHERE version = $1 AND decision IS NULL`, [
    version,
    JSON.stringify(evaluation.metrics),
    evaluation.baseline?.version ?? null,
    evaluation.baseline ? JSON.stringify(evaluation.baseline.metrics) : null,
  ]);
}

/** Records the decision once; promoting makes the version current. A repeated call changes nothing. */
export async function recordDecision(db: Queryable, version: number, decision: { promote: boolean; reason: string }): Promise<void> {
  await db.query(
    `UPDATE moderation_models SET decision = $2, decision_reason = $3, promoted_at = CASE WHEN $2 = 'promoted' THEN now() END
     WHERE version = $1 AND decision IS NULL`,
    [version, decision.promote ? 'promoted' : 'rejected', decision.reason],
  );
}
