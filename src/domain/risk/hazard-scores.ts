/**
 * Hazard score H (0–1) per hazard from one year's indicators at the site's grid
 * point. Thresholds are the original service's unless a comment says why not.
 */
import type { GridStatic, Hazard, LandCover, YearIndicators } from './types';
import { clamp, clamp01, interpolateKnots, type Knot } from './numeric';

const saturating = (value: number, cap: number): number => clamp01(value / cap);

/**
 * The original added 0.2·min(su25/100, 1) twice. Its replacement measures how
 * hot the year is rather than how many hot days: annual mean temperature from
 * 10 °C (today's cool inland north) to 20 °C (beyond today's warmest Jeju coast).
 */
export const HEAT_INTENSITY_TA_RANGE_C = [10, 20] as const;

export function heatScore(ind: YearIndicators): number {
  const [cool, hot] = HEAT_INTENSITY_TA_RANGE_C;
  return (
    0.3 * saturating(ind.su25, 100) +
    0.3 * saturating(ind.wsdi, 30) +
    0.2 * saturating(ind.tr25, 50) +
    0.2 * clamp01((ind.ta - cool) / (hot - cool))
  );
}

/**
 * The original capped frost days at 30, a monthly count; annual frost days run
 * from ~5 (Jeju) to ~170 (Daegwallyeong), so the cap is five frost months.
 * Ice days (cap 50) and cold-spell days (cap 20) were already annual scales.
 */
export const COLD_CAPS = { fd0Days: 150, csdiDays: 20, id0Days: 50, tnnDegreesBelowZero: 20 } as const;

export function coldScore(ind: YearIndicators): number {
  return (
    0.3 * saturating(ind.fd0, COLD_CAPS.fd0Days) +
    0.3 * saturating(ind.csdi, COLD_CAPS.csdiDays) +
    0.2 * saturating(ind.id0, COLD_CAPS.id0Days) +
    // |tnn| would score a frost-free year's positive minimum as cold; only degrees below zero count.
    0.2 * saturating(Math.max(0, -ind.tnn), COLD_CAPS.tnnDegreesBelowZero)
  );
}

/** June SPEI-12, or the original's prcp/cdd surrogate when the source has none. */
export function speiOrSurrogate(ind: YearIndicators): number {
  return ind.spei12 ?? (0.6 * (ind.prcp - 1200)) / 250 - (0.4 * (ind.cdd - 10)) / 15;
}

/** The drought index s of the score: SPEI (or surrogate) clamped to [−3, 3]. */
export function droughtIndex(ind: YearIndicators): number {
  return clamp(speiOrSurrogate(ind), -3, 3);
}

export function droughtScore(ind: YearIndicators): number {
  const s = droughtIndex(ind);
  return s >= 0 ? 0 : Math.min(1, -s / 2);
}

/** Topographic wetness index assigned to each land-cover class (original values). */
export const TOPOGRAPHIC_WETNESS_INDEX: Record<LandCover, number> = {
  forest: 10.5,
  grassland: 9,
  agricultural: 7.5,
  water: 14,
  wetland: 12,
  urban: 6.5,
  barren: 5,
};

/**
 * The original's step functions dropped at TWI 7 and at 200 mm and 300 mm.
 * These curves keep those breakpoints as knots but are continuous and
 * non-decreasing, flat outside the first and last knot.
 */
export const WETNESS_SCORE_KNOTS: readonly Knot[] = [
  [5, 0.1],
  [7, 0.3],
  [10, 0.6],
  [14, 1],
];
export const RAIN_SCORE_KNOTS_MM: readonly Knot[] = [
  [0, 0],
  [50, 0.1],
  [100, 0.3],
  [200, 0.6],
  [300, 0.85],
  [500, 1],
];

export const wetnessScore = (twi: number): number => interpolateKnots(WETNESS_SCORE_KNOTS, twi);
export const rainScore = (rx1dayMm: number): number => interpolateKnots(RAIN_SCORE_KNOTS_MM, rx1dayMm);

export function riverProximityFactor(riverDistanceM: number): number {
  if (riverDistanceM <= 1000) return 1.2;
  if (riverDistanceM <= 5000) return 1.0;
  return 0.8;
}

export function riverFloodScore(ind: YearIndicators, grid: GridStatic): number {
  const wetness = wetnessScore(TOPOGRAPHIC_WETNESS_INDEX[grid.landCover]);
  const rain = rainScore(ind.rx1day);
  return Math.min(1, (0.4 * wetness + 0.6 * rain) * riverProximityFactor(grid.riverDistanceM));
}

/** Drainage capacity (mm/h) from land cover and imperviousness, original values. */
export function drainageCapacity(grid: GridStatic): number {
  if (grid.landCover === 'water') return 0;
  if (grid.landCover === 'forest') return 8;
  if (grid.landCover === 'agricultural') return 15;
  const designCapacity = grid.imperviousness > 0.75 ? 75 : grid.imperviousness > 0.6 ? 55 : 40;
  // Sewers rarely reach their design capacity; the original derated by 30 %.
  return designCapacity * 0.7;
}

export function urbanFloodScore(ind: YearIndicators, grid: GridStatic): number {
  const drainage = drainageCapacity(grid);
  // rx1day spread over 12 hours approximates the peak hourly intensity the sewers must take.
  const excess = ind.rx1day / 12 - drainage;
  const surge = excess < 0 ? 0 : excess > 30 ? 0.9 : (0.9 * excess) / 30;
  return 0.5 * (1 - Math.min(1, drainage / 80)) + 0.5 * surge;
}

export const SEA_LEVEL_COAST_LIMIT_M = 10_000;

export function seaLevelScore(ind: YearIndicators, grid: GridStatic): number {
  if (grid.coastDistanceM >= SEA_LEVEL_COAST_LIMIT_M) return 0;
  const c = ind.slr;
  if (c >= 100) return 1;
  if (c >= 50) return 0.7 + (0.3 * (c - 50)) / 50;
  if (c >= 30) return 0.4 + (0.3 * (c - 30)) / 20;
  return clamp01((0.4 * c) / 30);
}

export const TYPHOON_RADIUS_KM = 200;
export const TYPHOON_SCORE_WITHOUT_PASSAGE = 0.1;

/** One aggregated passage per year (the data model's closest passage). */
export function typhoonScore(ind: YearIndicators): number {
  const d = ind.typhoonDistanceKm;
  if (d === null || d >= TYPHOON_RADIUS_KM) return TYPHOON_SCORE_WITHOUT_PASSAGE;
  const strength = 0.55 * saturating(ind.typhoonWindMs, 50) + 0.45 * saturating(ind.rx1day, 500);
  return strength * (1 - d / TYPHOON_RADIUS_KM);
}

export const FIRE_LAND_COVER_FACTOR: Record<LandCover, number> = {
  forest: 1.3,
  grassland: 1.2,
  agricultural: 0.8,
  urban: 1,
  wetland: 1,
  barren: 1,
  water: 1,
};

function droughtCode(prcpMm: number): number {
  if (prcpMm < 500) return 400;
  if (prcpMm < 1000) return 250;
  if (prcpMm < 1500) return 150;
  return 50;
}

/** Fire weather index 0–100 from yearly means, loosely after the Canadian FWI components. */
export function fireWeatherIndex(ind: YearIndicators, landCover: LandCover): number {
  const ffmc = clamp(85 - 0.5 * ind.rhm + 0.3 * ind.ta, 0, 101);
  const isi = clamp(4 * ind.ws + 0.375 * ind.ta, 0, 37);
  const bui = 0.8 * droughtCode(ind.prcp);
  const weather = 100 * (0.4 * (ffmc / 101) + 0.3 * (isi / 37) + 0.3 * (bui / 292));
  return Math.min(100, weather * FIRE_LAND_COVER_FACTOR[landCover]);
}

export function wildfireScore(ind: YearIndicators, grid: GridStatic): number {
  return fireWeatherIndex(ind, grid.landCover) / 100;
}

/** Withdrawal over renewable supply; validation guarantees supply > 0. */
export function waterStressRatio(ind: YearIndicators): number {
  return ind.waterWithdrawal / ind.waterAvailable;
}

/**
 * Log scale with one step per doubling of the ratio, on the category breaks
 * WRI Aqueduct uses (10/20/40/80 %): 5 % → 0, 10 % → 0.2, 80 % → 0.8, ≥ 160 % → 1.
 * The original returned a constant here.
 */
export function waterStressScore(ind: YearIndicators): number {
  const ratio = waterStressRatio(ind);
  if (ratio <= 0) return 0;
  return clamp01((1 + Math.log2(ratio / 0.1)) / 5);
}

export function hazardScore(hazard: Hazard, ind: YearIndicators, grid: GridStatic): number {
  switch (hazard) {
    case 'extreme_heat':
      return heatScore(ind);
    case 'extreme_cold':
      return coldScore(ind);
    case 'drought':
      return droughtScore(ind);
    case 'water_stress':
      return waterStressScore(ind);
    case 'river_flood':
      return riverFloodScore(ind, grid);
    case 'urban_flood':
      return urbanFloodScore(ind, grid);
    case 'sea_level_rise':
      return seaLevelScore(ind, grid);
    case 'typhoon':
      return typhoonScore(ind);
    case 'wildfire':
      return wildfireScore(ind, grid);
  }
}
