import { Context } from '@temporalio/activity';
import { buildFeedbackPrompt, buildRepairPrompt, checkAnswer, FEEDBACK_SCHEMA_NAME, feedbackJsonSchema, type PromptMessage } from '../../domain/feedback';
import { ConfigError } from '../../config/errors';
import { createNotificationListener, type NotificationListener } from '../../infra/db/notifications';
import { withTransaction } from '../../infra/db/pool';
import { ModelClient, type ChatResult } from '../../infra/feedback/model-client';
import { ModelRateLimitedError } from '../../infra/feedback/model-errors';
import * as q from '../../infra/feedback/queries/jobs';
import { notifyStreamFollowers } from '../../infra/feedback/queries/stream';
import { SLOT_RELEASED_CHANNEL } from '../../infra/vendor-gate/slots';
import type { FeedbackSettings } from '../../pipelines/feedback/settings';
import type { ActivityDeps } from '../shared/deps';
import { FAILURE_TYPES, knownFailure } from '../shared/failure-types';
import { createModelGate, MODEL_VENDOR, type ModelGate, type Paused } from './model-gate';
import { openTokenStream } from './token-stream';

export type { Paused } from './model-gate';

/** What one model call for a job came to; only ids and short reasons travel to the workflow. */
export type GenerationOutcome =
  | { outcome: 'valid'; repaired: boolean }
  | { outcome: 'invalid'; callKey: string; reason: string }
  | { outcome: 'no_slot' }
  | Paused;

export interface GenerateInput {
  jobId: string;
  purpose: 'answer' | 'repair';
  /** For a repair: the call whose invalid answer the model is shown. */
  repairOf?: string;
}

/** How long a call waits for a slot inside the activity before handing back to the workflow. */
const SLOT_WAIT_MS = 30_000;
const HEARTBEAT_EVERY_MS = 2_000;

/** The model connections a worker opens once and closes at shutdown; the client is made at first use, so workers without LLM_BASE_URL start. */
export interface ModelConnections {
  client(): ModelClient;
  gate: ModelGate;
  close(): Promise<void>;
}

export function openModelConnections(deps: ActivityDeps, settings: FeedbackSettings): ModelConnections {
  const model = settings.model;
  // A release frees one slot: it wakes the request that has waited longest, not every queued one.
  const slotReleases: NotificationListener = createNotificationListener(deps.config.postgres.url!, SLOT_RELEASED_CHANNEL, { payload: MODEL_VENDOR, wakes: 'longest-waiting' });
  let client: ModelClient | undefined;
  return {
    client() {
      if (!model.baseUrl) throw new ConfigError('LLM_BASE_URL: required by workers on the feedback queue (`npm start` runs the fake model server for you)');
      client ??= new ModelClient({
        baseUrl: model.baseUrl,
        model: model.model,
        apiKey: model.apiKey,
        requestTimeoutMs: model.requestTimeoutMs,
        idleTimeoutMs: model.idleTimeoutMs,
        maxConnections: model.maxInFlight,
      });
      return client;
    },
    gate: createModelGate(deps.pool, model, slotReleases),
    async close() {
      await slotReleases.close();
      await client?.close();
    },
  };
}

export function createGenerationActivities(deps: ActivityDeps, settings: FeedbackSettings, model: ModelConnections) {
  const { pool } = deps;

  async function conversationFor(input: GenerateInput, job: q.FeedbackJob): Promise<PromptMessage[]> {
    const challenge = await q.findChallenge(pool, job.challengeId);
    if (!challenge) throw knownFailure(FAILURE_TYPES.badData, `challenge ${job.challengeId} does not exist (any more)`);
    const prompt = buildFeedbackPrompt(challenge, job.submission);
    if (input.purpose === 'answer') return prompt;
    const invalid = input.repairOf ? await q.findInvalidAnswer(pool, job.id, input.repairOf) : undefined;
    if (!invalid) throw knownFailure(FAILURE_TYPES.badData, `feedback job ${job.id}: no invalid answer ${input.repairOf ?? '(none named)'} to repair`);
    return buildRepairPrompt(prompt, invalid.output, invalid.reason);
  }

  /** One streamed call with the slot held, heartbeating (and renewing the slot) while tokens arrive. */
  async function streamedCall(jobId: string, callKey: string, purpose: string, messages: PromptMessage[]): Promise<ChatResult> {
    const ctx = Context.current();
    const tokens = await openTokenStream(pool, jobId, { purpose, callKey });
    const alive = setInterval(() => {
      ctx.heartbeat();
      model.gate.renew(jobId).catch(() => undefined);
    }, HEARTBEAT_EVERY_MS);
    try {
      return await model.client().complete(
        { messages, responseSchema: { name: FEEDBACK_SCHEMA_NAME, schema: feedbackJsonSchema() } },
        { stream: true, onDelta: (text) => tokens.push(text), onAccepted: () => model.gate.accepted(jobId), signal: ctx.cancellationSignal },
      );
    } finally {
      clearInterval(alive);
      await tokens.close();
    }
  }

  return {
    /**
     * One model call for the job (the answer, or the one repair), through the vendor gate. A
     * retry after a crash makes a new call; the result is stored once per job whatever happens.
     */
    generateFeedback: async (input: GenerateInput): Promise<GenerationOutcome> => {
      const stored = await q.findResult(pool, input.jobId);
      if (stored) return { outcome: 'valid', repaired: stored.repaired };
      const job = await q.findFeedbackJob(pool, input.jobId);
      if (!job) throw knownFailure(FAILURE_TYPES.badData, `feedback job ${input.jobId} does not exist`);
      const messages = await conversationFor(input, job);
      const info = Context.current().info;
      const callKey = `${info.activityId}-${info.attempt}`;

      const admitted = await model.gate.admit(job.id, SLOT_WAIT_MS);
      if (admitted) return admitted;
      let result: ChatResult;
      try {
        result = await streamedCall(job.id, callKey, input.purpose, messages);
      } catch (err) {
        if (err instanceof ModelRateLimitedError) {
          await q.recordModelCall(pool, job.id, { callKey, purpose: input.purpose, outcome: 'rate_limited', promptTokens: null, completionTokens: null, reason: err.message });
          return await model.gate.limited(job.id, err);
        }
        await model.gate.release(job.id);
        throw err;
      }
      await model.gate.succeeded(job.id);
      const usage = { promptTokens: result.usage?.promptTokens ?? null, completionTokens: result.usage?.completionTokens ?? null };
      const check = checkAnswer(result.content);
      if (!check.valid) {
        await q.recordModelCall(pool, job.id, { callKey, purpose: input.purpose, outcome: 'invalid', ...usage, output: result.content, reason: check.reason });
        return { outcome: 'invalid', callKey, reason: check.reason };
      }
      const repaired = input.purpose === 'repair';
      await withTransaction(pool, async (tx) => {
        await q.recordModelCall(tx, job.id, { callKey, purpose: input.purpose, outcome: 'valid', ...usage });
        await q.storeResult(tx, job.id, { answer: check.answer, repaired, model: result.model ?? model.client().model });
      });
      return { outcome: 'valid', repaired };
    },

    finishFeedbackJob: async (input: { jobId: string; status: 'COMPLETED' | 'FAILED' | 'CANCELED'; error?: string }): Promise<void> => {
      await q.finishFeedbackJob(pool, input.jobId, input.status, input.error);
      await model.gate.release(input.jobId);
      // Stream followers send their final event now rather than at their next poll.
      await notifyStreamFollowers(pool, input.jobId);
    },
  };
}
