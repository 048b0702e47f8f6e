import type { Pool } from 'pg';
import {
  evaluateModel,
  loadSpamModel,
  promotionDecision,
  splitExamples,
  trainSpamModel,
  type KeyedExample,
  type ModelMetrics,
  type PromotionDecision,
  type SpamModel,
} from '../../domain/moderation';
import { withTransaction } from '../db/pool';
import type { Queryable } from '../db/queryable';
import { LruCache } from '../cache/lru';
import * as q from './queries';
import seed from './seed/labelled-examples.json';

/**
 * Model versions in PostgreSQL: training a candidate from every label, scoring it and the current
 * model on the held-out split, recording the decision, and loading a version to classify with.
 * Each step is idempotent per retraining run, so a retried activity repeats nothing it stored.
 */

export class ModelMissingError extends Error {
  override readonly name = 'ModelMissingError';
}

function keyedExamples(labels: readonly q.StoredLabel[]): KeyedExample[] {
  return labels.map((l) => ({ key: `${l.source}:${l.exampleId}`, kind: l.kind, text: l.text, label: l.label }));
}

export interface TrainedCandidate {
  version: number;
  trainingExamples: number;
  heldoutExamples: number;
}

export async function trainCandidate(pool: Pool, run: { retrainId: string; trigger: string; holdoutPercent: number }): Promise<TrainedCandidate> {
  const stored = await q.findModelByRetrain(pool, run.retrainId);
  if (stored) return { version: stored.version, trainingExamples: stored.trainingExamples, heldoutExamples: stored.heldoutExamples };
  const { training, heldOut } = splitExamples(keyedExamples(await q.allLabels(pool)), run.holdoutPercent);
  const model = trainSpamModel(training);
  const record = { retrainId: run.retrainId, trigger: run.trigger, trainingExamples: training.length, heldoutExamples: heldOut.length };
  const version = await withTransaction(pool, (tx) => q.storeModel(tx, { ...record, serialized: model.serialize(), vocabulary: model.stats().vocabulary }));
  return { version, trainingExamples: training.length, heldoutExamples: heldOut.length };
}

const models = new LruCache<number, SpamModel>(4);

/** A stored version, deserialised once per process (versions never change once stored). */
export function loadModel(db: Queryable, version: number): Promise<SpamModel> {
  return models.getOrLoad(version, async () => {
    const serialized = await q.serializedModel(db, version);
    if (!serialized) throw new ModelMissingError(`moderation model version ${version} is not stored`);
    return loadSpamModel(serialized);
  });
}

export interface Evaluation {
  metrics: ModelMetrics;
  /** The current model on the same examples; null when there is none yet. */
  baseline: { version: number; metrics: ModelMetrics } | null;
}

/** Scores the candidate and the current model on today's held-out split, and stores both. */
export async function evaluateCandidate(pool: Pool, run: { version: number; holdoutPercent: number; threshold: number }): Promise<Evaluation> {
  const { heldOut } = splitExamples(keyedExamples(await q.allLabels(pool)), run.holdoutPercent);
  const metrics = evaluateModel(await loadModel(pool, run.version), heldOut, run.threshold);
  const current = await q.currentModelVersion(pool);
  const baseline = current === undefined || current === run.version ? null : { version: current, metrics: evaluateModel(await loadModel(pool, current), heldOut, run.threshold) };
  await q.recordEvaluation(pool, run.version, { metrics, baseline });
  // A retry after the decision reads back what the decision rested on.
  const stored = await q.findModel(pool, run.version);
  if (stored?.decision && stored.metrics) {
    return { metrics: stored.metrics, baseline: stored.baselineVersion !== null && stored.baselineMetrics ? { version: stored.baselineVersion, metrics: stored.baselineMetrics } : null };
  }
  return { metrics, baseline };
}

export async function decide(pool: Pool, version: number, decision: PromotionDecision): Promise<void> {
  await q.recordDecision(pool, version, decision);
}

/**
 * The first model, trained from the shipped synthetic seed set (seed/labelled-examples.json) so
 * verdicts work on a fresh database. Idempotent and safe to run from several processes at once;
 * once any model is current it costs one query.
 */
export async function ensureStartingModel(pool: Pool, settings: { holdoutPercent: number; threshold: number }, log: (message: string) => void = () => undefined): Promise<number> {
  const current = await q.currentModelVersion(pool);
  if (current !== undefined) return current;
  const client = await pool.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext('moderation_starting_model'))`);
    const meanwhile = await q.currentModelVersion(client);
    if (meanwhile !== undefined) return meanwhile;
    await q.insertSeedLabels(client, seed.examples);
    const trained = await trainCandidate(pool, { retrainId: 'seed', trigger: 'seed', holdoutPercent: settings.holdoutPercent });
    const evaluation = await evaluateCandidate(pool, { version: trained.version, ...settings });
    await decide(pool, trained.version, promotionDecision(evaluation.metrics, null));
    log(`moderation: trained model version ${trained.version} from ${seed.examples.length} synthetic seed examples (F1 ${evaluation.metrics.f1.toFixed(3)} on ${trained.heldoutExamples} held out)`);
    return trained.version;
  } finally {
    await client.query(`SELECT pg_advisory_unlock(hashtext('moderation_starting_model'))`).catch(() => undefined);
    client.release();
  }
}
