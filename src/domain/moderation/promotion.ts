// Imported by the retraining workflow: keep this file free of imports, so the workflow bundle stays small.

/** How a model did on the held-out split; spam is the positive class. */
export interface ModelMetrics {
  examples: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
}

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/**
 * A candidate replaces the current model unless it is worse: its F1 on the same held-out examples
 * must be at least the current model's. F1 weighs precision (clean posts wrongly held) and recall
 * (spam let through) together, so trading one for much less of the other does not pass.
 */
export function promotionDecision(candidate: ModelMetrics, current: { version: number; metrics: ModelMetrics } | null): PromotionDecision {
  if (candidate.examples === 0) return { promote: false, reason: 'no held-out examples to judge the candidate on' };
  if (!current) return { promote: true, reason: `first model: F1 ${pct(candidate.f1)} on ${candidate.examples} held-out examples` };
  const versus = `F1 ${pct(candidate.f1)} vs ${pct(current.metrics.f1)} of version ${current.version} on ${candidate.examples} held-out examples`;
  return candidate.f1 >= current.metrics.f1 ? { promote: true, reason: `not worse: ${versus}` } : { promote: false, reason: `worse: ${versus}` };
}
