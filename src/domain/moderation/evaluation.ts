import type { LabelledText, SpamModel } from './model';
import type { ModelMetrics } from './promotion';

/**
 * The held-out split: an example's side is decided by a hash of its key, so it never changes as
 * labels are added, a model is never scored on what it learnt from, and every retraining scores
 * the current model and the candidate on the same examples.
 */
export function isHeldOut(key: string, holdoutPercent: number): boolean {
  // FNV-1a, 32 bit.
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 100 < holdoutPercent;
}

export interface KeyedExample extends LabelledText {
  key: string;
}

export function splitExamples<E extends KeyedExample>(examples: readonly E[], holdoutPercent: number): { training: E[]; heldOut: E[] } {
  const training: E[] = [];
  const heldOut: E[] = [];
  for (const example of examples) (isHeldOut(example.key, holdoutPercent) ? heldOut : training).push(example);
  return { training, heldOut };
}

/** Spam is the positive class; an example counts as predicted spam at P(spam) ≥ `threshold`. */
export function evaluateModel(model: SpamModel, examples: readonly LabelledText[], threshold: number): ModelMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const example of examples) {
    const predictedSpam = model.spamProbability(example) >= threshold;
    if (example.label === 'spam' && predictedSpam) tp += 1;
    else if (example.label === 'spam') fn += 1;
    else if (predictedSpam) fp += 1;
    else tn += 1;
  }
  // An empty denominator scores 0: a model that never says spam has no precision to speak of.
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    examples: examples.length,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    accuracy: ratio(tp + tn, examples.length),
  };
}
