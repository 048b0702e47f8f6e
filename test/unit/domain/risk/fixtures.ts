/** Builders of plausible risk-kernel inputs for unit tests (not a test file itself). */
import {
  FIRST_YEAR,
  LAST_YEAR,
  SCENARIOS,
  type Building,
  type GridStatic,
  type Scenario,
  type SiteInputs,
  type YearIndicators,
} from '../../../../src/domain/risk/types';

export const ALL_YEARS: readonly number[] = Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => FIRST_YEAR + i);

/** A mid-latitude inland year with moderate values everywhere. */
export function indicators(year: number, overrides: Partial<YearIndicators> = {}): YearIndicators {
  return {
    year,
    su25: 110,
    tr25: 12,
    wsdi: 8,
    fd0: 90,
    id0: 12,
    csdi: 4,
    tnn: -12,
    prcp: 1300,
    cdd: 25,
    spei12: 0.2,
    rx1day: 150,
    rain80: 2,
    ta: 13,
    rhm: 68,
    ws: 2.2,
    slr: 20,
    typhoonWindMs: 25,
    typhoonDistanceKm: 120,
    typhoonIndex: 3,
    waterWithdrawal: 300,
    waterAvailable: 1200,
    ...overrides,
  };
}

/** One row per year 2021–2100, each overridden by `vary(year, index)`. */
export function series(vary: (year: number, index: number) => Partial<YearIndicators> = () => ({})): YearIndicators[] {
  return ALL_YEARS.map((year, index) => indicators(year, vary(year, index)));
}

export function building(overrides: Partial<Building> = {}): Building {
  return {
    structure: 'reinforced_concrete',
    purpose: 'office',
    floorsAbove: 8,
    floorsBelow: 0,
    ageYears: 15,
    floorAreaM2: 12_000,
    hasPiloti: false,
    hasWaterTank: false,
    ...overrides,
  };
}

export function grid(overrides: Partial<GridStatic> = {}): GridStatic {
  return {
    latitude: 37.5,
    longitude: 127,
    landCover: 'urban',
    imperviousness: 0.7,
    riverDistanceM: 2_000,
    coastDistanceM: 30_000,
    forestDistanceM: 800,
    elevationM: 40,
    ...overrides,
  };
}

export interface SiteInputsOverrides {
  building?: Partial<Building>;
  grid?: Partial<GridStatic>;
  value?: number;
  insuranceRate?: number;
  /** Same series for every scenario unless `seriesByScenario` says otherwise. */
  series?: YearIndicators[];
  seriesByScenario?: Partial<Record<Scenario, YearIndicators[]>>;
}

export function siteInputs(overrides: SiteInputsOverrides = {}): SiteInputs {
  const shared = overrides.series ?? series();
  const bySeries = Object.fromEntries(
    SCENARIOS.map((scenario) => [scenario, overrides.seriesByScenario?.[scenario] ?? shared]),
  ) as Record<Scenario, YearIndicators[]>;
  return {
    site: {
      latitude: 37.5,
      longitude: 127,
      building: building(overrides.building),
      asset: { value: overrides.value ?? 10_000_000_000, insuranceRate: overrides.insuranceRate ?? 0 },
    },
    grid: grid(overrides.grid),
    series: bySeries,
  };
}
