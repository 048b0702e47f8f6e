import {
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { FeedbackActivities } from '../../activities/feedback';
import type { GenerateInput, GenerationOutcome, Paused } from '../../activities/feedback/generation';
import type { FailureTypeName } from '../../activities/shared/failure-types';
import { failureMessage } from '../shared/failures';
import { STATUS_DETAIL } from '../shared/search-attributes';

export type FeedbackPhase = 'queued' | 'waiting_for_slot' | 'generating' | 'repairing' | 'rate_limited' | 'completed' | 'failed' | 'canceled';

export interface FeedbackJobState {
  phase: FeedbackPhase;
  /** While rate_limited: when the model server will be called again. */
  retryAt: string | null;
  reason: string | null;
  /** Model calls started for this job (a retry after a crash, a repair and a call refused by a 429 each count). */
  calls: number;
  repaired: boolean;
  error: string | null;
  updatedAt: string;
}

export interface FeedbackJobInput {
  jobId: string;
}

export const feedbackJobStateQuery = defineQuery<FeedbackJobState>('state');

const ANSWER_INVALID: FailureTypeName = 'ModelAnswerInvalid';

const model = proxyActivities<FeedbackActivities>({
  // LLM_REQUEST_TIMEOUT_S (2 minutes by default) plus up to 30 s waiting for a slot, with room to spare.
  startToCloseTimeout: '5 minutes',
  // The call heartbeats every 2 s while tokens stream: a worker lost mid-generation is noticed in seconds and the call made again.
  heartbeatTimeout: '10 seconds',
  // A refusal (4xx) arrives non-retryable (activities/feedback/failures.ts) and stops at once.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 8 },
  summary: 'one model call: answer or repair',
});
const bookkeeping = proxyActivities<FeedbackActivities>({ startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', maximumAttempts: 20 } });

/**
 * Feedback on one submission: build the prompt from the challenge document, call the model
 * through the shared vendor gate (a 429 pauses every worker and this job shows `rate_limited`),
 * check the answer against the schema, repair it once if it is invalid, store it.
 */
export async function feedbackJobWorkflow(input: FeedbackJobInput): Promise<FeedbackJobState> {
  const state: FeedbackJobState = { phase: 'queued', retryAt: null, reason: null, calls: 0, repaired: false, error: null, updatedAt: new Date().toISOString() };
  setHandler(feedbackJobStateQuery, () => state);
  const enter = (phase: FeedbackPhase, extra: Partial<FeedbackJobState> = {}) => {
    Object.assign(state, { phase, retryAt: null, reason: null, ...extra, updatedAt: new Date().toISOString() });
    upsertSearchAttributes([{ key: STATUS_DETAIL, value: phase }]);
    setCurrentDetails(phase === 'rate_limited' ? `**rate limited** by the model server (${state.reason}); retrying at ${state.retryAt}` : `**${phase}**`);
  };
  const waitOut = async (paused: Paused) => {
    enter('rate_limited', { retryAt: paused.retryAt, reason: paused.reason });
    await sleep(Math.max(0, Date.parse(paused.retryAt) - Date.now()));
  };
  /** Calls until the model answered (valid or not): pauses and slot waits in between. */
  const call = async (request: GenerateInput, phase: FeedbackPhase): Promise<Exclude<GenerationOutcome, Paused | { outcome: 'no_slot' }>> => {
    for (;;) {
      if (state.phase !== phase) enter(phase);
      state.calls += 1;
      const outcome = await model.generateFeedback(request);
      if (outcome.outcome === 'rate_limited') await waitOut(outcome);
      else if (outcome.outcome === 'no_slot') enter('waiting_for_slot');
      else return outcome;
    }
  };

  try {
    const first = await call({ jobId: input.jobId, purpose: 'answer' }, 'generating');
    if (first.outcome === 'invalid') {
      const repair = await call({ jobId: input.jobId, purpose: 'repair', repairOf: first.callKey }, 'repairing');
      if (repair.outcome === 'invalid') {
        throw ApplicationFailure.nonRetryable(`the model's answer does not follow the feedback schema, even after one repair: ${repair.reason}`, ANSWER_INVALID);
      }
    }
    await bookkeeping.finishFeedbackJob({ jobId: input.jobId, status: 'COMPLETED' });
    enter('completed', { repaired: first.outcome === 'invalid' });
    return state;
  } catch (err) {
    const canceled = isCancellation(err);
    const message = failureMessage(err);
    await CancellationScope.nonCancellable(async () => {
      await bookkeeping.finishFeedbackJob({ jobId: input.jobId, status: canceled ? 'CANCELED' : 'FAILED', error: canceled ? undefined : message });
      enter(canceled ? 'canceled' : 'failed', { error: canceled ? null : message });
    });
    throw err;
  }
}
