import { proxyActivities, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ModerationActivities } from '../../activities/moderation';
import { promotionDecision, type ModelMetrics } from '../../domain/moderation/promotion';
import type { ModerationRetrainTuning } from '../../pipelines/moderation/settings';
import { STATUS_DETAIL } from '../shared/search-attributes';

export interface RetrainInput {
  /** 'schedule' for the daily run and on-demand triggers (both go through the schedule); 'direct' for tests and operators. */
  trigger: 'schedule' | 'direct';
  tuning: ModerationRetrainTuning;
}

export interface RetrainOutcome {
  version: number;
  promoted: boolean;
  reason: string;
  metrics: ModelMetrics;
  baseline: { version: number; metrics: ModelMetrics } | null;
}

const RETRY = { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 } as const;
const { trainModel } = proxyActivities<ModerationActivities>({ startToCloseTimeout: '30 minutes', retry: RETRY, summary: 'train a candidate model from every label' });
const { evaluateModel } = proxyActivities<ModerationActivities>({ startToCloseTimeout: '10 minutes', retry: RETRY, summary: 'score the candidate and the current model on the held-out split' });
const { decideModel } = proxyActivities<ModerationActivities>({ startToCloseTimeout: '1 minute', retry: RETRY, summary: 'record the promotion decision' });

/**
 * Retraining from every label: train a candidate, score it and the current model on the same
 * held-out examples, and promote the candidate only if it is not worse. The decision is made
 * here, in the history, where an operator can read it next to the numbers it rests on.
 */
export async function moderationRetrainWorkflow(input: RetrainInput): Promise<RetrainOutcome> {
  const { holdoutPercent } = input.tuning;
  const retrainId = workflowInfo().workflowId;
  setCurrentDetails('training a candidate model');
  const trained = await trainModel({ retrainId, trigger: input.trigger, holdoutPercent });
  setCurrentDetails(`scoring candidate version **${trained.version}** on ${trained.heldoutExamples} held-out examples`);
  const evaluation = await evaluateModel({ version: trained.version, holdoutPercent });
  const decision = promotionDecision(evaluation.metrics, evaluation.baseline);
  await decideModel({ version: trained.version, ...decision });
  upsertSearchAttributes([{ key: STATUS_DETAIL, value: decision.promote ? 'promoted' : 'not_promoted' }]);
  setCurrentDetails(`version **${trained.version}** ${decision.promote ? 'promoted' : 'kept back'}: ${decision.reason}`);
  return { version: trained.version, promoted: decision.promote, reason: decision.reason, ...evaluation };
}
