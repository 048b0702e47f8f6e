/**
 * How long every worker stays away from a vendor after its n-th 429 in a row, when the vendor
 * sent no Retry-After: exponential from `baseMs`, capped at `maxMs`, plus up to 20 % jitter so
 * workers that wake together do not arrive together. `random` is injected to keep this pure.
 */
export function backoffDelayMs(consecutive429s: number, baseMs: number, maxMs: number, random: number): number {
  const exponent = Math.max(0, consecutive429s - 1);
  const delay = Math.min(maxMs, baseMs * 2 ** Math.min(exponent, 30));
  return Math.round(delay * (1 + 0.2 * Math.min(Math.max(random, 0), 1)));
}
