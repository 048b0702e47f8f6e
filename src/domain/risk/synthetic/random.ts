/**
 * Seeded randomness for the synthetic reference data.
 *
 * Everything is derived from integer hashes of (seed, channel, coordinates...)
 * rather than from one sequential generator, so a grid point's values never
 * depend on which other points were generated before it or in what order.
 */

const TWO_POW_32 = 4294967296;

function mix(h: number, value: number): number {
  // MurmurHash3 block step: cheap, well-distributed, 32-bit only.
  let k = Math.imul(value | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  const x = h ^ k;
  return (Math.imul((x << 13) | (x >>> 19), 5) + 0xe6546b64) | 0;
}

function finalise(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Unsigned 32-bit hash of up to five integers; callers pass 0 for unused slots. */
export function hash(seed: number, channel: number, a: number, b: number, c = 0): number {
  return finalise(mix(mix(mix(mix(mix(0x9e3779b9, seed), channel), a), b), c));
}

/** Maps a 32-bit hash to the open interval (0, 1), so log(u) is always finite. */
export function toUnit(h: number): number {
  return (h + 0.5) / TWO_POW_32;
}

/** Uniform (0, 1) value keyed by the inputs. */
export function uniformAt(seed: number, channel: number, a: number, b: number, c = 0): number {
  return toUnit(hash(seed, channel, a, b, c));
}

/** Standard normal value keyed by the inputs (Box–Muller on two independent hashes). */
export function gaussianAt(seed: number, channel: number, a: number, b: number, c = 0): number {
  const u1 = uniformAt(seed, channel, a, b, c);
  const u2 = uniformAt(seed, channel ^ 0x5bd1e995, a, b, c);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Sequential PRNG (mulberry32) for draws that belong together, e.g. one year's typhoon tracks. */
export function mulberry32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / TWO_POW_32;
  };
}

/** Poisson draw by CDF inversion of one uniform; fine for the small means used here. */
export function poissonFromUniform(mean: number, u: number): number {
  if (mean <= 0) return 0;
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  while (u > cdf && k < 50) {
    k += 1;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

/**
 * Value noise in [-1, 1] on a unit lattice: x and y are already divided by the
 * feature size. Smooth, continuous and a pure function of (seed, channel, x, y).
 */
export function valueNoise(seed: number, channel: number, x: number, y: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const sx = smooth(x - ix);
  const sy = smooth(y - iy);
  const v00 = uniformAt(seed, channel, ix, iy);
  const v10 = uniformAt(seed, channel, ix + 1, iy);
  const v01 = uniformAt(seed, channel, ix, iy + 1);
  const v11 = uniformAt(seed, channel, ix + 1, iy + 1);
  const top = v00 + (v10 - v00) * sx;
  const bottom = v01 + (v11 - v01) * sx;
  return 2 * (top + (bottom - top) * sy) - 1;
}

/** Fractal value noise: octaves at halving sizes, normalised back to about [-1, 1]. */
export function fractalNoise(seed: number, channel: number, x: number, y: number, octaves: number): number {
  let sum = 0;
  let norm = 0;
  let amplitude = 1;
  let frequency = 1;
  for (let o = 0; o < octaves; o++) {
    sum += amplitude * valueNoise(seed, channel + o * 7919, x * frequency, y * frequency);
    norm += amplitude;
    amplitude *= 0.5;
    frequency *= 2;
  }
  return sum / norm;
}

/**
 * Spatially smooth standard-normal field. Lattice corners carry N(0,1) values
 * and the blend is divided by the weights' Euclidean norm, so the variance is
 * exactly 1 everywhere, not only at the lattice nodes. `key` separates years
 * and scenarios so each gets its own independent pattern.
 */
export function gaussianField(seed: number, channel: number, x: number, y: number, key: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const sx = smooth(x - ix);
  const sy = smooth(y - iy);
  const w00 = (1 - sx) * (1 - sy);
  const w10 = sx * (1 - sy);
  const w01 = (1 - sx) * sy;
  const w11 = sx * sy;
  const sum =
    w00 * gaussianAt(seed, channel, ix, iy, key) +
    w10 * gaussianAt(seed, channel, ix + 1, iy, key) +
    w01 * gaussianAt(seed, channel, ix, iy + 1, key) +
    w11 * gaussianAt(seed, channel, ix + 1, iy + 1, key);
  return sum / Math.sqrt(w00 * w00 + w10 * w10 + w01 * w01 + w11 * w11);
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
