/**
 * Exposure E (0–100): how much of the hazard reaches the asset given where it
 * stands and what it is used for. Thresholds are the original service's.
 */
import type { Building, GridStatic, Hazard, Purpose } from './types';
import { clamp } from './numeric';

export type WaterDependency = 'high' | 'medium' | 'low';

/** How much a building's use depends on a steady water supply (process/cooling water first). */
export const PURPOSE_WATER_DEPENDENCY: Record<Purpose, WaterDependency> = {
  data_center: 'high',
  industrial: 'high',
  residential: 'medium',
  commercial: 'medium',
  public: 'medium',
  office: 'low',
  warehouse: 'low',
};

export type WaterStorage = 'tank' | 'medium' | 'limited';

/**
 * The request has no storage field, only `hasWaterTank`. A declared tank buffers
 * outages; a building with underground floors usually has a receiving cistern
 * (medium); anything else draws straight from the mains (limited).
 */
export function waterStorage(building: Building): WaterStorage {
  if (building.hasWaterTank) return 'tank';
  return building.floorsBelow > 0 ? 'medium' : 'limited';
}

/** Climate over the P(H) window that drought exposure depends on. */
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

/** First value whose threshold test passes, else the fallback. */
function band(value: number, bands: readonly (readonly [test: (v: number) => boolean, score: number])[], fallback: number): number {
  for (const [test, score] of bands) if (test(value)) return score;
  return fallback;
}
const below = (limit: number) => (v: number) => v < limit;
const atMost = (limit: number) => (v: number) => v <= limit;
const above = (limit: number) => (v: number) => v > limit;
const atLeast = (limit: number) => (v: number) => v >= limit;

function coldExposure({ latitude, grid }: ExposureInputs): number {
  const north = band(latitude, [[above(38), 20], [above(36), 10]], 0);
  const altitude = band(grid.elevationM, [[above(500), 15], [above(200), 10]], 0);
  return 30 + north + altitude;
}

function droughtExposure({ building, climate }: ExposureInputs): number {
  const base = { high: 70, medium: 45, low: 25 }[PURPOSE_WATER_DEPENDENCY[building.purpose]];
  const dryness = band(climate.meanPrcpMm, [[below(800), 15], [below(1000), 10], [below(1200), 5]], 0);
  const drySpells = band(climate.meanCdd, [[above(50), 10], [above(40), 5]], 0);
  return base + dryness + drySpells;
}

function urbanFloodExposure({ grid }: ExposureInputs): number {
  const sealed = band(grid.imperviousness, [[atLeast(0.8), 85], [atLeast(0.6), 65], [atLeast(0.4), 45], [atLeast(0.2), 25]], 10);
  const cover = grid.landCover === 'urban' ? 10 : ['forest', 'grassland', 'wetland'].includes(grid.landCover) ? -10 : 0;
  return sealed + cover;
}

function waterStressExposure({ building }: ExposureInputs): number {
  const base = { high: 70, medium: 50, low: 30 }[PURPOSE_WATER_DEPENDENCY[building.purpose]];
  return base + { limited: 20, medium: 10, tank: -10 }[waterStorage(building)];
}

function rawExposure(hazard: Hazard, inputs: ExposureInputs): number {
  const { grid } = inputs;
  switch (hazard) {
    case 'extreme_heat':
      return grid.landCover === 'urban' ? 70 : 30;
    case 'extreme_cold':
      return coldExposure(inputs);
    case 'drought':
      return droughtExposure(inputs);
    case 'water_stress':
      return waterStressExposure(inputs);
    case 'river_flood':
      return band(grid.riverDistanceM, [[below(100), 90], [below(300), 70], [below(1000), 40]], 10);
    case 'urban_flood':
      return urbanFloodExposure(inputs);
    case 'sea_level_rise':
      return band(grid.coastDistanceM, [[below(100), 80], [below(500), 60], [below(1000), 40]], 10);
    case 'typhoon':
      return band(grid.coastDistanceM, [[below(5_000), 90], [below(20_000), 70], [below(50_000), 40]], 10);
    case 'wildfire':
      return band(grid.forestDistanceM, [[atMost(30), 100], [atMost(100), 70], [atMost(500), 40], [atMost(1000), 10]], 0);
  }
}

export function exposureScore(hazard: Hazard, inputs: ExposureInputs): number {
  return clamp(rawExposure(hazard, inputs), 0, 100);
}
