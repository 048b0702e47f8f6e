import { Context } from '@temporalio/activity';
import { moderate } from '../../domain/moderation';
import * as q from '../../infra/moderation/queries';
import { decide, ensureStartingModel, evaluateCandidate, loadModel, trainCandidate, type Evaluation, type TrainedCandidate } from '../../infra/moderation/model-store';
import type { ModerationSettings } from '../../pipelines/moderation/settings';
import type { ActivityDeps } from '../shared/deps';

export type PageCounts = Omit<q.VerdictCounts, 'pending'>;

/** Verdicts are written this many at a time, with a heartbeat after each write. */
const WRITE_BATCH = 100;

/** Moderation's side effects: pinning a batch's model, classifying pages of items, training and judging models. */
export function createModerationActivities(deps: ActivityDeps, settings: ModerationSettings) {
  const { pool } = deps;
  const startingModel = { holdoutPercent: settings.retrain.holdoutPercent, threshold: settings.thresholds.review };
  return {
    /** Fixes the model version the whole batch classifies with (the first model is trained here if none exists yet). */
    async startBatch(input: { batchId: string }): Promise<{ modelVersion: number }> {
      const current = await ensureStartingModel(pool, startingModel, (msg) => deps.logger.info(msg));
      return { modelVersion: await q.pinBatchModel(pool, input.batchId, current) };
    },

    /** Classifies the items at positions [from, to) that have no verdict yet; answers the range's counts. */
    async classifyPage(input: { batchId: string; from: number; to: number; modelVersion: number }): Promise<PageCounts> {
      const model = { version: input.modelVersion, model: await loadModel(pool, input.modelVersion) };
      const items = await q.unclassifiedItems(pool, input.batchId, input.from, input.to);
      Context.current().heartbeat(0);
      for (let i = 0; i < items.length; i += WRITE_BATCH) {
        const verdicts = items.slice(i, i + WRITE_BATCH).map((item) => {
          const result = moderate(item, model, settings.thresholds);
          return { position: item.position, verdict: result.verdict, spamProbability: result.scores.spamProbability, profanityScore: result.scores.profanity, reasons: result.reasons, modelVersion: model.version };
        });
        await q.saveVerdicts(pool, input.batchId, verdicts);
        Context.current().heartbeat(i + verdicts.length);
      }
      const { pending, ...counts } = await q.verdictCounts(pool, input.batchId, input);
      if (pending > 0) throw new Error(`${pending} items at ${input.from}–${input.to - 1} of ${input.batchId} are still without a verdict`);
      return counts;
    },

    async finishBatch(input: { batchId: string; status: string; error?: string }): Promise<void> {
      await q.finishBatch(pool, input.batchId, input.status, input.error);
    },

    /** Trains a candidate from every label (the training side of the split) and stores it, unpromoted. */
    trainModel: (input: { retrainId: string; trigger: string; holdoutPercent: number }): Promise<TrainedCandidate> => trainCandidate(pool, input),

    /** The candidate and the current model on the held-out split. */
    evaluateModel: (input: { version: number; holdoutPercent: number }): Promise<Evaluation> =>
      evaluateCandidate(pool, { ...input, threshold: settings.thresholds.review }),

    /** Records the workflow's decision; a promoted version is what the next batches use. */
    async decideModel(input: { version: number; promote: boolean; reason: string }): Promise<void> {
      await decide(pool, input.version, input);
    },
  };
}

export type ModerationActivities = ReturnType<typeof createModerationActivities>;
