import { z } from 'zod';
import { roundTo } from '../../domain/risk/numeric';

/**
 * The risk API's units and stated precision, in one place: response schemas describe each number
 * with them (OpenAPI `description` and `examples`), and the presenters round to them for JSON and
 * CSV. Full precision stays in the database and in `explain` (docs/risk-model.md, "Units and
 * precision of the API").
 */
export const PRECISION = {
  /** Scores 0–100 (H, integrated score, region scores). */
  score: 2,
  /** Rates as fractions of asset value per year (base and final AAL). */
  rate: 8,
  /** Probabilities per bin, fractions 0–1. */
  probability: 6,
  /** Distances in km shown in views (metre resolution). */
  distanceKm: 3,
} as const;

export const round = (value: number, decimals: number): number => roundTo(value, decimals);
export const roundScore = (value: number): number => round(value, PRECISION.score);
export const roundRate = (value: number): number => round(value, PRECISION.rate);
export const roundProbability = (value: number): number => round(value, PRECISION.probability);
export const roundKm = (value: number): number => round(value, PRECISION.distanceKm);

/** A number with its unit in the description and an example, as every numeric field of the risk API has. */
export const measured = (description: string, example: number) => z.number().meta({ description, examples: [example] });
export const counted = (description: string, example: number) => z.number().int().min(0).meta({ description, examples: [example] });

export const scoreField = (what: string, example: number) => measured(`${what}: score 0–100, ${PRECISION.score} decimals`, example);
export const integerScoreField = (what: string, example: number) => measured(`${what}: score 0–100, an integer`, example);
export const rateField = (what: string, example: number) =>
  measured(`${what}: fraction of asset value per year (0.0234 = 2.34 %/year), ${PRECISION.rate} decimals`, example);
export const krwField = (what: string, example: number) => measured(`${what}: KRW per year, whole won`, example);
export const yearField = (what = 'Calendar year', example = 2050) => measured(`${what} (2021–2100)`, example);
export const kmField = (what: string, example: number) => measured(`${what}: km, ${PRECISION.distanceKm} decimals`, example);
export const degreesField = (what: string, example: number) => measured(`${what}: decimal degrees (WGS 84)`, example);
