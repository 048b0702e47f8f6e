/** The span of years whose intensities estimate P(H) for a target year. */
import { FIRST_YEAR, LAST_YEAR } from './types';
import { InvalidRiskInputError } from './errors';

export type WindowYears = number | 'all';

export interface YearSpan {
  from: number;
  to: number;
}

/**
 * `size` years centred on the target (t − ⌊size/2⌋ … t + ⌈size/2⌉ − 1, so 30
 * years is t−15 … t+14), shifted — not shrunk — to stay inside 2021–2100.
 * 'all' is the whole series, which is what the original used for every year.
 */
export function yearWindow(target: number, size: WindowYears): YearSpan {
  if (size === 'all') return { from: FIRST_YEAR, to: LAST_YEAR };
  if (!Number.isInteger(size) || size < 1) {
    throw new InvalidRiskInputError('options.windowYears', `must be a positive integer or 'all', got ${String(size)}`);
  }
  if (size >= LAST_YEAR - FIRST_YEAR + 1) return { from: FIRST_YEAR, to: LAST_YEAR };
  const from = Math.min(Math.max(target - Math.floor(size / 2), FIRST_YEAR), LAST_YEAR - size + 1);
  return { from, to: from + size - 1 };
}
