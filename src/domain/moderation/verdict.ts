import type { SpamModel } from './model';
import { findProfanity } from './profanity';
import { VERDICTS, type ItemToModerate, type ModerationResult, type Thresholds, type Verdict } from './types';

const stricter = (a: Verdict, b: Verdict): Verdict => (VERDICTS.indexOf(a) >= VERDICTS.indexOf(b) ? a : b);

/**
 * One item through both stages: the profanity rules (a blocking term blocks, a review term holds
 * the item for a person) and the spam model (by P(spam) against the thresholds). The stricter
 * verdict wins; the reasons keep both, so a reviewer sees why.
 */
export function moderate(item: ItemToModerate, model: { version: number; model: SpamModel }, thresholds: Thresholds): ModerationResult {
  const matches = findProfanity(item.text);
  const rulesVerdict: Verdict = matches.some((m) => m.severity === 'block') ? 'block' : matches.length > 0 ? 'review' : 'allow';
  const spamProbability = model.model.spamProbability(item);
  const modelVerdict: Verdict = spamProbability >= thresholds.block ? 'block' : spamProbability >= thresholds.review ? 'review' : 'allow';
  return {
    verdict: stricter(rulesVerdict, modelVerdict),
    scores: { profanity: rulesVerdict === 'block' ? 1 : rulesVerdict === 'review' ? 0.5 : 0, spamProbability },
    reasons: { matches, rules: { verdict: rulesVerdict }, model: { version: model.version, spamProbability, verdict: modelVerdict } },
  };
}
