/** Small numeric helpers shared by the risk kernel. */

export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

export function clamp01(value: number): number {
  return clamp(value, 0, 1);
}

/**
 * Rounds half away from zero to `decimals` places. The relative nudge absorbs
 * binary representation error (5.04 is stored as 5.03999…), so a value that is
 * exactly on a half in decimal rounds the way a person would round it.
 */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = Math.abs(value) * factor;
  return (Math.sign(value) * Math.round(scaled * (1 + 4 * Number.EPSILON))) / factor;
}

/** A point of a piecewise-linear curve: input x maps to output y. */
export type Knot = readonly [x: number, y: number];

/**
 * Piecewise-linear interpolation through knots sorted by x, flat beyond the
 * first and last knot. Used where the original had step functions that jumped.
 */
export function interpolateKnots(knots: readonly Knot[], x: number): number {
  const first = knots[0];
  const last = knots[knots.length - 1];
  if (x <= first[0]) return first[1];
  if (x >= last[0]) return last[1];
  for (let i = 1; i < knots.length; i++) {
    const [x1, y1] = knots[i];
    if (x <= x1) {
      const [x0, y0] = knots[i - 1];
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return last[1];
}
