/** From P(H) and V to money: base AAL, final AAL, expected loss, integrated score, level and grade. */
import { roundTo } from './numeric';

/** Σ P_i · DR_i. */
export function baseAal(pBins: readonly number[], damageRatios: readonly number[]): number {
  if (pBins.length !== damageRatios.length) throw new RangeError('one damage ratio per bin is required');
  return pBins.reduce((sum, p, i) => sum + p * damageRatios[i], 0);
}

/** Scales the hazard's average damage by ±10 % around V = 50. */
export function vulnerabilityFactor(v: number): number {
  return 0.9 + (0.2 * v) / 100;
}

/** Final AAL rate (fraction of asset value per year) after vulnerability and insurance. */
export function finalAal(base: number, v: number, insuranceRate: number): number {
  return base * vulnerabilityFactor(v) * (1 - insuranceRate);
}

/** KRW per year, to the whole won (the won has no minor unit in use). */
export function expectedLoss(finalAalRate: number, assetValue: number): number {
  return Math.round(finalAalRate * assetValue);
}

/** H × E × V / 10,000 with each on 0–100, so the score is 0–100 too. */
export function integratedScore(h: number, e: number, v: number): number {
  return roundTo((h * e * v) / 10_000, 2);
}

export const RISK_LEVELS = ['very_low', 'low', 'medium', 'high', 'very_high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Level of an integrated score: bands at 80 / 60 / 40 / 20. */
export function riskLevel(score: number): RiskLevel {
  if (score >= 80) return 'very_high';
  if (score >= 60) return 'high';
  if (score >= 40) return 'medium';
  if (score >= 20) return 'low';
  return 'very_low';
}

export const AAL_GRADES = ['none', 'minimal', 'minor', 'moderate', 'major', 'severe', 'extreme'] as const;
export type AalGrade = (typeof AAL_GRADES)[number];

/** Upper bounds (exclusive) of final AAL, as fractions, for minimal … severe; compared as fractions to avoid ×100 rounding. */
export const AAL_GRADE_LIMITS = [0.03, 0.06, 0.1, 0.16, 0.3] as const;

/** Grade of a final AAL rate: ≤ 0 %, < 3 %, < 6 %, < 10 %, < 16 %, < 30 %, else. */
export function aalGrade(finalAalRate: number): AalGrade {
  if (finalAalRate <= 0) return 'none';
  const band = AAL_GRADE_LIMITS.findIndex((limit) => finalAalRate < limit);
  return AAL_GRADES[band === -1 ? AAL_GRADES.length - 1 : band + 1];
}
