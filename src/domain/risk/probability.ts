/**
 * Probability machinery for P(H): the normal CDF, numpy-compatible percentiles
 * and the Gaussian-kernel bin integration with its counting fallback.
 */

// W. J. Cody, "Rational Chebyshev approximations for the error function",
// Math. Comp. 23 (1969), as in Netlib SPECFUN CALERF: ~1e-16 relative accuracy,
// far inside the 1e-6 the oracles need, and only one or two exp() per call.
const ERF_A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const ERF_B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const ERFC_C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const ERFC_D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const ERFC_P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4,
  0.0163153871373020978,
];
const ERFC_Q = [2.56852019228982242, 1.87295284992346725, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const ONE_OVER_SQRT_PI = 0.56418958354775628695;
// Beyond this erfc underflows to 0 in double precision.
const ERFC_UNDERFLOW = 26.543;

function erfSmall(x: number): number {
  const xsq = x * x;
  let num = ERF_A[4] * xsq;
  let den = xsq;
  for (let i = 0; i < 3; i++) {
    num = (num + ERF_A[i]) * xsq;
    den = (den + ERF_B[i]) * xsq;
  }
  return (x * (num + ERF_A[3])) / (den + ERF_B[3]);
}

/** exp(−y²) computed in two parts so the large exponent loses no precision. */
function expMinusSquare(y: number): number {
  const yHead = Math.trunc(y * 16) / 16;
  const delta = (y - yHead) * (y + yHead);
  return Math.exp(-yHead * yHead) * Math.exp(-delta);
}

function erfcPositive(y: number): number {
  if (y >= ERFC_UNDERFLOW) return 0;
  let ratio: number;
  if (y <= 4) {
    let num = ERFC_C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + ERFC_C[i]) * y;
      den = (den + ERFC_D[i]) * y;
    }
    ratio = (num + ERFC_C[7]) / (den + ERFC_D[7]);
  } else {
    const inv = 1 / (y * y);
    let num = ERFC_P[5] * inv;
    let den = inv;
    for (let i = 0; i < 4; i++) {
      num = (num + ERFC_P[i]) * inv;
      den = (den + ERFC_Q[i]) * inv;
    }
    ratio = (ONE_OVER_SQRT_PI - (inv * (num + ERFC_P[4])) / (den + ERFC_Q[4])) / y;
  }
  return expMinusSquare(y) * ratio;
}

/** Complementary error function, accurate in both tails. */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const tail = erfcPositive(y);
  return x > 0 ? tail : 2 - tail;
}

export function erf(x: number): number {
  if (Math.abs(x) <= 0.46875) return erfSmall(x);
  return 1 - erfc(x);
}

// Above this Φ(z) rounds to exactly 1 in double precision (1 − Φ < 2⁻⁵⁴); the
// kernel integration meets such far-away edges constantly, so skip the exps.
const CDF_IS_ONE_ABOVE = 8.3;

/** Standard normal CDF Φ(z); erfc keeps the lower tail exact rather than 1 − (1 − tiny). */
export function normalCdf(z: number): number {
  if (z > CDF_IS_ONE_ABOVE) return 1;
  return 0.5 * erfc(-z * Math.SQRT1_2);
}

/** Intensity samples: plain arrays in tests, zero-copy typed-array windows in the kernel. */
export type Samples = readonly number[] | Float64Array;

/** Percentile of sorted values with linear interpolation (numpy's default method). */
export function percentileOfSorted(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty sample');
  const position = fraction * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const weight = position - lower;
  return sorted[lower] + weight * (sorted[upper] - sorted[lower]);
}

export interface SampleStats {
  count: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator); 0 for a single sample. */
  std: number;
  min: number;
  max: number;
}

export function sampleStats(samples: Samples): SampleStats {
  const count = samples.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of samples) {
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / count;
  let squares = 0;
  for (const x of samples) squares += (x - mean) ** 2;
  const std = count > 1 ? Math.sqrt(squares / (count - 1)) : 0;
  return { count, mean, std, min, max };
}

/** Scott's rule: h = σ(n−1) · n^(−1/5). */
export function scottBandwidth(stats: SampleStats): number {
  return stats.std * stats.count ** -0.2;
}

/**
 * Mass of the Gaussian KDE in each bin [edges[i], edges[i+1]], before clipping:
 * the mean over samples of Φ((b − x)/h) − Φ((a − x)/h). A bin whose upper edge
 * lies below its lower edge comes out negative; the caller clips it.
 */
export function kernelBinMasses(samples: Samples, edges: readonly number[], bandwidth: number): number[] {
  const binCount = edges.length - 1;
  const masses = new Array<number>(binCount).fill(0);
  for (const x of samples) {
    let below = normalCdf((edges[0] - x) / bandwidth);
    for (let i = 0; i < binCount; i++) {
      const upTo = normalCdf((edges[i + 1] - x) / bandwidth);
      masses[i] += upTo - below;
      below = upTo;
    }
  }
  return masses.map((mass) => mass / samples.length);
}

/**
 * Share of samples per bin, bins extended to ±∞ at the outer edges. A sample on
 * an interior edge goes to the upper bin unless `tiesBelow[j]` says that edge
 * belongs to the bin beneath it (e.g. sea-level depth "≤ 0").
 */
export function countBinShares(
  samples: Samples,
  edges: readonly number[],
  tiesBelow: readonly boolean[] = [],
): number[] {
  const binCount = edges.length - 1;
  const counts = new Array<number>(binCount).fill(0);
  for (const x of samples) {
    let bin = 0;
    while (bin < binCount - 1) {
      const edge = edges[bin + 1];
      const above = x > edge || (x === edge && !tiesBelow[bin + 1]);
      if (!above) break;
      bin++;
    }
    counts[bin] += 1;
  }
  return counts.map((count) => count / samples.length);
}

export interface BinProbabilityOptions {
  /** Per edge index: a sample equal to that edge counts in the lower bin. */
  tiesBelow?: readonly boolean[];
  /** Statistics of `samples` when the caller already has them. */
  stats?: SampleStats;
}

/** How P over the bins was obtained: the kernel (with its bandwidth) or counting samples per bin. */
export interface BinEstimate {
  p: number[];
  method: 'kernel' | 'counting';
  /** Scott's bandwidth when the kernel was used. */
  bandwidth: number | null;
}

/**
 * P over bins from intensity samples: Gaussian KDE integrated exactly per bin,
 * clipped to [0, 1] and renormalised; counting when the kernel is undefined
 * (fewer than 3 samples or no spread) or leaves no mass inside the bins.
 */
export function estimateBins(samples: Samples, edges: readonly number[], options: BinProbabilityOptions = {}): BinEstimate {
  if (samples.length === 0) throw new RangeError('bin probabilities need at least one sample');
  const stats = options.stats ?? sampleStats(samples);
  const counting = (): BinEstimate => ({ p: countBinShares(samples, edges, options.tiesBelow), method: 'counting', bandwidth: null });
  // Float noise makes a constant series look like σ ≈ 1e-17; treat that as no spread.
  const spreadFloor = 1e-12 * Math.max(1, Math.abs(stats.mean));
  if (stats.count < 3 || stats.std <= spreadFloor) return counting();
  const bandwidth = scottBandwidth(stats);
  const clipped = kernelBinMasses(samples, edges, bandwidth).map((mass) => Math.min(1, Math.max(0, mass)));
  const total = clipped.reduce((sum, p) => sum + p, 0);
  if (!(total > 0)) return counting();
  return { p: clipped.map((p) => p / total), method: 'kernel', bandwidth };
}

/** P over bins (see estimateBins). */
export function binProbabilities(samples: Samples, edges: readonly number[], options: BinProbabilityOptions = {}): number[] {
  return estimateBins(samples, edges, options).p;
}
