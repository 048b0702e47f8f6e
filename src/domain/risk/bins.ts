/**
 * Intensity bins and damage ratios per hazard, and the rules that turn a bin
 * layout into numeric edges: percentiles from the scenario's baseline, then
 * open outer edges from the samples in the window.
 */
import type { Hazard } from './types';
import { percentileOfSorted, type SampleStats } from './probability';

/** An outer edge with no natural bound, resolved from the window's samples. */
export const OPEN = 'open';
export type Edge = number | typeof OPEN;

interface FixedBins {
  kind: 'fixed';
  edges: readonly Edge[];
  /** Per edge index: a sample exactly on that edge counts in the lower bin. */
  tiesBelow?: readonly boolean[];
}

interface PercentileBins {
  kind: 'percentile';
  /** Interior edges as quantiles of the baseline; the first bin starts at 0, the last is open. */
  quantiles: readonly number[];
  /** Gap forced between tied percentile edges, in the indicator's unit (1 day, 1 mm). */
  tieStep: number;
}

export type BinLayout = (FixedBins | PercentileBins) & {
  damageRatios: readonly number[];
  /** What the intensity samples are, for docs and debugging. */
  intensity: string;
};

/** Percentile edges come from each scenario's own 2021–2050 values. */
export const BASELINE_YEARS = [2021, 2050] as const;

export const BIN_LAYOUTS: Record<Hazard, BinLayout> = {
  extreme_heat: {
    intensity: 'wsdi (days)',
    kind: 'percentile',
    quantiles: [0.8, 0.9, 0.95, 0.99],
    tieStep: 1,
    damageRatios: [0.001, 0.003, 0.01, 0.02, 0.035],
  },
  extreme_cold: {
    intensity: 'csdi (days)',
    kind: 'percentile',
    quantiles: [0.8, 0.9, 0.95, 0.99],
    tieStep: 1,
    damageRatios: [0.0005, 0.002, 0.006, 0.015, 0.025],
  },
  drought: {
    // Negated SPEI-12 so that, like every other hazard, bins ascend in severity:
    // dryness < 1 ⇔ SPEI > −1, …, dryness ≥ 2 ⇔ SPEI ≤ −2.
    intensity: 'dryness = −SPEI-12 (or −surrogate)',
    kind: 'fixed',
    edges: [OPEN, 1, 1.5, 2, OPEN],
    damageRatios: [0, 0.02, 0.07, 0.2],
  },
  river_flood: {
    intensity: 'rx1day (mm)',
    kind: 'percentile',
    quantiles: [0.8, 0.95, 0.99],
    tieStep: 1,
    damageRatios: [0, 0.02, 0.08, 0.2],
  },
  urban_flood: {
    intensity: 'rain80 (days)',
    kind: 'fixed',
    edges: [0, 1, 3, 5, 8, OPEN],
    damageRatios: [0, 0.03, 0.1, 0.25, 0.45],
  },
  sea_level_rise: {
    intensity: 'inundation depth (m) = slr/100 − elevation',
    kind: 'fixed',
    edges: [OPEN, 0, 0.3, 1, OPEN],
    tiesBelow: [false, true, false, false, false],
    damageRatios: [0, 0.02, 0.15, 0.35],
  },
  typhoon: {
    // S is a sum of integer weights. Half-integer edges bin every integer S
    // exactly as {0}, 1–5, 6–15, ≥ 16 and give the "0" bin width for the kernel,
    // which a literal [0, 0] bin would never receive.
    intensity: 'typhoon index S',
    kind: 'fixed',
    edges: [0, 0.5, 5.5, 15.5, OPEN],
    damageRatios: [0, 0.02, 0.1, 0.3],
  },
  wildfire: {
    intensity: 'fire weather index (0–100)',
    kind: 'fixed',
    edges: [0, 11.2, 21.3, 38, 50, OPEN],
    damageRatios: [0, 0.01, 0.03, 0.1, 0.25],
  },
  water_stress: {
    intensity: 'withdrawal / available',
    kind: 'fixed',
    edges: [0, 0.2, 0.4, 0.8, OPEN],
    damageRatios: [0.01, 0.03, 0.07, 0.15],
  },
};

/**
 * [0, Q…, open] from baseline values. A percentile that does not exceed the
 * edge below it (a baseline mostly of zero-day years) is moved one `tieStep`
 * above it; otherwise the collapsed bins would put "no event" in the most
 * damaging bin.
 */
export function percentileEdges(baseline: ArrayLike<number>, quantiles: readonly number[], tieStep: number): Edge[] {
  const sorted = Float64Array.from(baseline).sort();
  const edges: Edge[] = [0];
  let previous = 0;
  for (const q of quantiles) {
    const value = percentileOfSorted(sorted, q);
    previous = value > previous ? value : previous + tieStep;
    edges.push(previous);
  }
  edges.push(OPEN);
  return edges;
}

/** Edges of a layout for one scenario; percentile layouts need that scenario's baseline intensities. */
export function scenarioEdges(layout: BinLayout, baseline: ArrayLike<number>): Edge[] {
  if (layout.kind === 'fixed') return [...layout.edges];
  return percentileEdges(baseline, layout.quantiles, layout.tieStep);
}

/**
 * Replaces open outer edges with min − 0.2·|min| and max + 0.2·|max| of the
 * window's samples. The original used 0.8·min, which for negative samples
 * lands above the minimum and erased the extreme-drought bin.
 */
export function resolveOpenEdges(edges: readonly Edge[], stats: Pick<SampleStats, 'min' | 'max'>): number[] {
  const last = edges.length - 1;
  return edges.map((edge, index) => {
    if (edge !== OPEN) return edge;
    if (index === 0) return stats.min - 0.2 * Math.abs(stats.min);
    if (index === last) return stats.max + 0.2 * Math.abs(stats.max);
    throw new RangeError('only outer bin edges can be open');
  });
}
