import type { AalGrade } from './loss';

/**
 * Vocabulary of the climate physical-risk model (see docs/risk-model.md).
 * Units: distances in metres, money in KRW, rates as fractions 0–1.
 */
export const SCENARIOS = ['SSP126', 'SSP245', 'SSP370', 'SSP585'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const HAZARDS = [
  'extreme_heat',
  'extreme_cold',
  'drought',
  'water_stress',
  'river_flood',
  'urban_flood',
  'sea_level_rise',
  'typhoon',
  'wildfire',
] as const;
export type Hazard = (typeof HAZARDS)[number];

export const FIRST_YEAR = 2021;
export const LAST_YEAR = 2100;

export const LAND_COVERS = ['urban', 'agricultural', 'forest', 'grassland', 'wetland', 'barren', 'water'] as const;
export type LandCover = (typeof LAND_COVERS)[number];

export const STRUCTURES = ['reinforced_concrete', 'steel', 'masonry', 'brick', 'wood'] as const;
export type Structure = (typeof STRUCTURES)[number];

export const PURPOSES = ['office', 'commercial', 'residential', 'industrial', 'warehouse', 'data_center', 'public'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Static attributes of one grid point. */
export interface GridStatic {
  latitude: number;
  longitude: number;
  landCover: LandCover;
  /** Impervious surface fraction, 0–1. */
  imperviousness: number;
  riverDistanceM: number;
  coastDistanceM: number;
  /** Distance to the nearest forest; null when the reference data has none (E then estimates it from land cover). */
  forestDistanceM: number | null;
  elevationM: number;
}

/** Climate indicators of one grid point for one scenario and year. */
export interface YearIndicators {
  year: number;
  /** Days with Tmax > 25 °C. */
  su25: number;
  /** Nights with Tmin > 25 °C. */
  tr25: number;
  /** Warm-spell duration days. */
  wsdi: number;
  /** Frost days (Tmin < 0 °C). */
  fd0: number;
  /** Ice days (Tmax < 0 °C). */
  id0: number;
  /** Cold-spell duration days. */
  csdi: number;
  /** Annual minimum temperature, °C. */
  tnn: number;
  /** Annual total precipitation, mm. */
  prcp: number;
  /** Maximum consecutive dry days. */
  cdd: number;
  /** June SPEI-12; null when the source has none (the drought score then falls back to prcp/cdd). */
  spei12: number | null;
  /** Maximum 1-day precipitation, mm. */
  rx1day: number;
  /** Days with ≥ 80 mm precipitation. */
  rain80: number;
  /** Annual mean air temperature, °C. */
  ta: number;
  /** Annual mean relative humidity, %. */
  rhm: number;
  /** Annual mean wind speed, m/s. */
  ws: number;
  /** Sea-level rise above baseline, cm. */
  slr: number;
  /** Maximum sustained wind of the closest typhoon passage this year, m/s (0 when none). */
  typhoonWindMs: number;
  /** Distance of the closest typhoon passage this year, km (null when none passed). */
  typhoonDistanceKm: number | null;
  /** Yearly typhoon index S = Σ w[category] over passages, w = [0, 1, 3, 7]. */
  typhoonIndex: number;
  /** Water withdrawal over the catchment, million m³/year. */
  waterWithdrawal: number;
  /** Renewable water available over the catchment, million m³/year. */
  waterAvailable: number;
}

export interface Building {
  structure: Structure;
  purpose: Purpose;
  /** Floors above ground. */
  floorsAbove: number;
  /** Floors below ground; > 0 means the building has a basement. */
  floorsBelow: number;
  ageYears: number;
  /** Total floor area, m². */
  floorAreaM2: number;
  hasPiloti: boolean;
  /**
   * Whether the building has a water storage tank; absent when the request does not say. Unknown
   * is not "no": V and E then presume one by the legal requirement (docs/risk-model.md).
   */
  hasWaterTank?: boolean;
  /** Ground elevation of the site, m above sea level; absent: the grid point's elevation. */
  elevationM?: number;
}

export interface Asset {
  /** Replacement value, KRW. */
  value: number;
  /** Share of losses covered by insurance, 0–1. */
  insuranceRate: number;
}

export interface SiteProfile {
  latitude: number;
  longitude: number;
  building: Building;
  asset: Asset;
}

/** Everything one site needs: its grid point's statics and, per scenario, the full 2021–2100 series. */
export interface SiteInputs {
  site: SiteProfile;
  grid: GridStatic;
  series: Record<Scenario, YearIndicators[]>;
}

export interface HazardResult {
  hazard: Hazard;
  /** Hazard score, 0–100. */
  h: number;
  /** Exposure, 0–100. */
  e: number;
  /** Vulnerability, 0–100. */
  v: number;
  /** P(H) per intensity bin, sums to 1. */
  pBins: number[];
  baseAal: number;
  finalAal: number;
  /** KRW. */
  expectedLoss: number;
  integratedScore: number;
  grade: AalGrade;
}
