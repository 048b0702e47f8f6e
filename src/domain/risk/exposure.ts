/**
 * Exposure E (0–100): how much of the hazard reaches the asset given where it stands and what
 * it is used for. The table is the normative one of the spec, which is the original service's
 * per-hazard agents (each rule's source line is in docs/risk-model.md). E = the sum of the rules
 * that fire, clamped to 0–100.
 */
import {
  forestDistanceM,
  presumedWaterTank,
  PURPOSE_WATER_DEPENDENCY,
  siteElevationM,
  waterStorage,
  type WaterDependency,
  type WaterStorage,
} from './building-facts';
import { always, firedRules, rule, scoreOf, type RuleChain, type RuleContribution } from './score-rules';
import type { Building, GridStatic, Hazard, LandCover } from './types';

/** Climate over the P(H) window that drought exposure depends on (means, not one year's values). */
export interface WindowClimate {
  meanPrcpMm: number;
  meanCdd: number;
}

export interface ExposureInputs {
  latitude: number;
  building: Building;
  grid: GridStatic;
  climate: WindowClimate;
}

/** What the E rules look at. */
export interface ExposureFacts extends WindowClimate {
  latitude: number;
  elevationM: number;
  landCover: LandCover;
  imperviousness: number;
  riverDistanceM: number;
  coastDistanceM: number;
  forestDistanceM: number;
  waterDependency: WaterDependency;
  waterStorage: WaterStorage;
  /** The request's answer, or the legal requirement when it did not say. */
  hasWaterTank: boolean;
}

/** The facts that do not change with the year: everything but the window climate. */
export type SiteExposureFacts = Omit<ExposureFacts, keyof WindowClimate>;

export function exposureFacts({ climate, ...site }: ExposureInputs): ExposureFacts {
  return { ...siteExposureFacts(site), meanPrcpMm: climate.meanPrcpMm, meanCdd: climate.meanCdd };
}

export function siteExposureFacts({ latitude, building, grid }: Omit<ExposureInputs, 'climate'>): SiteExposureFacts {
  return {
    latitude,
    elevationM: siteElevationM(building, grid),
    landCover: grid.landCover,
    imperviousness: grid.imperviousness,
    riverDistanceM: grid.riverDistanceM,
    coastDistanceM: grid.coastDistanceM,
    forestDistanceM: forestDistanceM(grid),
    waterDependency: PURPOSE_WATER_DEPENDENCY[building.purpose],
    waterStorage: waterStorage(building),
    hasWaterTank: presumedWaterTank(building),
  };
}

type Chain = RuleChain<ExposureFacts>;

type Test = (value: number, limit: number) => boolean;
const below: Test = (v, l) => v < l;
const atMost: Test = (v, l) => v <= l;
const atLeast: Test = (v, l) => v >= l;
const above: Test = (v, l) => v > l;

/** Bands over one measure, an elif chain: the first step whose test holds, else the fallback. */
function bands(
  measure: (f: ExposureFacts) => number,
  test: Test,
  steps: readonly (readonly [rule: string, limit: number, points: number])[],
  fallback?: readonly [rule: string, points: number],
): Chain {
  const chain: Chain = steps.map(([name, limit, points]) => ({ rule: name, points, when: (f) => test(measure(f), limit) }));
  return fallback ? [...chain, { rule: fallback[0], points: fallback[1], when: always }] : chain;
}

const byDependency = (high: number, medium: number, low: number): Chain => [
  { rule: 'water dependency high', points: high, when: (f) => f.waterDependency === 'high' },
  { rule: 'water dependency medium', points: medium, when: (f) => f.waterDependency === 'medium' },
  { rule: 'water dependency low', points: low, when: (f) => f.waterDependency === 'low' },
];

const coastBands = (steps: readonly (readonly [rule: string, limitM: number, points: number])[], fallback: readonly [string, number]) =>
  bands((f) => f.coastDistanceM, below, steps, fallback);

export const EXPOSURE_RULES: Record<Hazard, readonly Chain[]> = {
  // The original also counted "commercial" and "industrial" land use as urban; this land-cover vocabulary folds both into urban.
  extreme_heat: [[{ rule: 'land cover urban', points: 70, when: (f) => f.landCover === 'urban' }, { rule: 'land cover not urban', points: 30, when: always }]],
  extreme_cold: [
    rule('base', 30, always),
    bands((f) => f.latitude, above, [['latitude > 38°', 38, 20], ['latitude > 36°', 36, 10]]),
    bands((f) => f.elevationM, above, [['elevation > 500 m', 500, 15], ['elevation > 200 m', 200, 10]]),
  ],
  drought: [
    byDependency(70, 45, 25),
    bands((f) => f.meanPrcpMm, below, [['mean precipitation < 800 mm', 800, 15], ['mean precipitation < 1,000 mm', 1_000, 10], ['mean precipitation < 1,200 mm', 1_200, 5]]),
    bands((f) => f.meanCdd, above, [['mean cdd > 50 d', 50, 10], ['mean cdd > 40 d', 40, 5]]),
  ],
  water_stress: [
    byDependency(70, 50, 30),
    [
      { rule: 'storage limited', points: 20, when: (f) => f.waterStorage === 'limited' },
      { rule: 'storage medium', points: 10, when: (f) => f.waterStorage === 'medium' },
      { rule: 'storage large', points: 0, when: (f) => f.waterStorage === 'large' },
    ],
    rule('water tank', -10, (f) => f.hasWaterTank),
  ],
  river_flood: [
    bands((f) => f.riverDistanceM, below, [['river < 100 m', 100, 90], ['river < 300 m', 300, 70], ['river < 1,000 m', 1_000, 40]], ['river ≥ 1,000 m', 10]),
  ],
  urban_flood: [
    bands(
      (f) => f.imperviousness,
      atLeast,
      [['imperviousness ≥ 0.8', 0.8, 85], ['imperviousness ≥ 0.6', 0.6, 65], ['imperviousness ≥ 0.4', 0.4, 45], ['imperviousness ≥ 0.2', 0.2, 25]],
      ['imperviousness < 0.2', 10],
    ),
    [
      { rule: 'land cover urban', points: 10, when: (f) => f.landCover === 'urban' },
      { rule: 'land cover forest, grassland or wetland', points: -10, when: (f) => f.landCover === 'forest' || f.landCover === 'grassland' || f.landCover === 'wetland' },
    ],
  ],
  sea_level_rise: [coastBands([['coast < 100 m', 100, 80], ['coast < 500 m', 500, 60], ['coast < 1,000 m', 1_000, 40]], ['coast ≥ 1,000 m', 10])],
  typhoon: [coastBands([['coast < 5 km', 5_000, 90], ['coast < 20 km', 20_000, 70], ['coast < 50 km', 50_000, 40]], ['coast ≥ 50 km', 10])],
  wildfire: [
    bands((f) => f.forestDistanceM, atMost, [['forest ≤ 30 m', 30, 100], ['forest ≤ 100 m', 100, 70], ['forest ≤ 500 m', 500, 40], ['forest ≤ 1,000 m', 1_000, 10]], ['forest > 1,000 m', 0]),
  ],
};

/** The E rules that fire here, with their points; `exposureScore` is their clamped sum. */
export function exposureBreakdown(hazard: Hazard, inputs: ExposureInputs): RuleContribution[] {
  return firedRules(EXPOSURE_RULES[hazard], exposureFacts(inputs));
}

/**
 * Clamping only the total is the same as the spec's clamping after each urban-flood step: no
 * step can leave 0–100 (85 + 10 at most, 10 − 10 at least), which a unit test checks.
 */
export function exposureScore(hazard: Hazard, inputs: ExposureInputs): number {
  return exposureFromFacts(hazard, exposureFacts(inputs));
}

/** E from facts already derived: a site derives them once per cell, not once per hazard. */
export function exposureFromFacts(hazard: Hazard, facts: ExposureFacts): number {
  return scoreOf(firedRules(EXPOSURE_RULES[hazard], facts));
}
