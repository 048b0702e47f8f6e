/**
 * The shape every E and V table shares: points from rules, summed and clamped to 0–100.
 * Keeping the rules as data (not as if/else in code) lets one table drive the score, its
 * explanation (`?explain=true`) and the docs, so the three cannot drift apart.
 */
import { clamp } from './numeric';

/** One rule that fired and the points it added (negative: subtracted). */
export interface RuleContribution {
  /** The condition as docs/risk-model.md writes it, e.g. `floors > 10`. */
  rule: string;
  points: number;
}

export interface ScoreRule<Facts> {
  rule: string;
  points: number;
  when: (facts: Facts) => boolean;
}

/**
 * Alternatives tried in order; only the first that holds adds its points: the original's
 * `if … elif …`. A chain of one rule is a plain `if`; separate chains add up.
 */
export type RuleChain<Facts> = readonly ScoreRule<Facts>[];

export const always = () => true;

/** A chain of one rule. */
export function rule<Facts>(name: string, points: number, when: (facts: Facts) => boolean): RuleChain<Facts> {
  return [{ rule: name, points, when }];
}

/** The rules that fire, in table order. */
export function firedRules<Facts>(chains: readonly RuleChain<Facts>[], facts: Facts): RuleContribution[] {
  const fired: RuleContribution[] = [];
  for (const chain of chains) {
    const hit = chain.find((candidate) => candidate.when(facts));
    if (hit) fired.push({ rule: hit.rule, points: hit.points });
  }
  return fired;
}

/** The score a breakdown adds up to: the sum of its points, clamped to 0–100. */
export function scoreOf(contributions: readonly RuleContribution[]): number {
  let total = 0;
  for (const { points } of contributions) total += points;
  return clamp(total, 0, 100);
}
