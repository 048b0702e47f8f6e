import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exposureBreakdown, exposureScore, type ExposureInputs } from '../../../../src/domain/risk/exposure';
import { HAZARDS, LAND_COVERS, type Building, type GridStatic, type Hazard } from '../../../../src/domain/risk/types';
import { building, grid } from './fixtures';

interface Setup {
  latitude?: number;
  building?: Partial<Building>;
  grid?: Partial<GridStatic>;
  prcp?: number;
  cdd?: number;
}

const inputsOf = (setup: Setup = {}): ExposureInputs => ({
  latitude: setup.latitude ?? 37.5,
  building: building(setup.building),
  grid: grid(setup.grid),
  climate: { meanPrcpMm: setup.prcp ?? 1300, meanCdd: setup.cdd ?? 25 },
});
const exposure = (hazard: Hazard, setup: Setup = {}) => exposureScore(hazard, inputsOf(setup));
const pointsOf = (hazard: Hazard, rule: string, setup: Setup) => exposureBreakdown(hazard, inputsOf(setup)).find((c) => c.rule === rule)?.points;

/**
 * One row per rule of the spec's E table, both sides of each threshold: the points the rule adds,
 * or undefined when it must not fire. Fixture: RC office, 8 floors, no tank; urban grid point,
 * imperviousness 0.7, river 2 km, coast 30 km, forest 800 m, 40 m; latitude 37.5.
 */
type Row = [hazard: Hazard, rule: string, setup: Setup, points: number | undefined];

const bandRows = (hazard: Hazard, measure: (v: number) => Setup, steps: [rule: string, inside: number, outside: number, points: number][]): Row[] =>
  steps.flatMap(([rule, inside, outside, points]): Row[] => [
    [hazard, rule, measure(inside), points],
    [hazard, rule, measure(outside), undefined],
  ]);

const rows: Row[] = [
  ['extreme_heat', 'land cover urban', { grid: { landCover: 'urban' } }, 70],
  ['extreme_heat', 'land cover urban', { grid: { landCover: 'agricultural' } }, undefined],
  ['extreme_heat', 'land cover not urban', { grid: { landCover: 'forest' } }, 30],
  ['extreme_heat', 'land cover not urban', { grid: { landCover: 'urban' } }, undefined],

  ['extreme_cold', 'base', {}, 30],
  ['extreme_cold', 'latitude > 38°', { latitude: 38.01 }, 20],
  ['extreme_cold', 'latitude > 38°', { latitude: 38 }, undefined],
  ['extreme_cold', 'latitude > 36°', { latitude: 38 }, 10],
  ['extreme_cold', 'latitude > 36°', { latitude: 36 }, undefined],
  ['extreme_cold', 'elevation > 500 m', { grid: { elevationM: 501 } }, 15],
  ['extreme_cold', 'elevation > 500 m', { grid: { elevationM: 500 } }, undefined],
  ['extreme_cold', 'elevation > 200 m', { grid: { elevationM: 500 } }, 10],
  ['extreme_cold', 'elevation > 200 m', { grid: { elevationM: 200 } }, undefined],
  ['extreme_cold', 'elevation > 200 m', { building: { elevationM: 201 }, grid: { elevationM: 10 } }, 10],

  ['drought', 'water dependency high', { building: { purpose: 'industrial' } }, 70],
  ['drought', 'water dependency high', { building: { purpose: 'data_center' } }, undefined],
  ['drought', 'water dependency medium', { building: { purpose: 'office' } }, 45],
  ['drought', 'water dependency medium', { building: { purpose: 'commercial' } }, 45],
  ['drought', 'water dependency medium', { building: { purpose: 'residential' } }, undefined],
  ['drought', 'water dependency low', { building: { purpose: 'residential' } }, 25],
  ['drought', 'water dependency low', { building: { purpose: 'data_center' } }, 25],
  ['drought', 'water dependency low', { building: { purpose: 'industrial' } }, undefined],
  ...bandRows('drought', (prcp) => ({ prcp }), [
    ['mean precipitation < 800 mm', 799.9, 800, 15],
    ['mean precipitation < 1,000 mm', 800, 1_000, 10],
    ['mean precipitation < 1,200 mm', 1_000, 1_200, 5],
  ]),
  ...bandRows('drought', (cdd) => ({ cdd }), [
    ['mean cdd > 50 d', 50.1, 50, 10],
    ['mean cdd > 40 d', 50, 40, 5],
  ]),

  ['water_stress', 'water dependency high', { building: { purpose: 'industrial' } }, 70],
  ['water_stress', 'water dependency medium', { building: { purpose: 'office' } }, 50],
  ['water_stress', 'water dependency low', { building: { purpose: 'warehouse' } }, 30],
  ['water_stress', 'water dependency low', { building: { purpose: 'commercial' } }, undefined],
  ['water_stress', 'storage limited', { building: { hasWaterTank: false, floorsAbove: 10 } }, 20],
  ['water_stress', 'storage limited', { building: { hasWaterTank: false, floorsAbove: 11 } }, undefined],
  ['water_stress', 'storage medium', { building: { hasWaterTank: false, floorsAbove: 11 } }, 10],
  ['water_stress', 'storage medium', { building: { hasWaterTank: true, floorsAbove: 10 } }, 10],
  ['water_stress', 'storage medium', { building: { hasWaterTank: true, floorsAbove: 11 } }, undefined],
  ['water_stress', 'storage large', { building: { hasWaterTank: true, floorsAbove: 11 } }, 0],
  ['water_stress', 'storage large', { building: { hasWaterTank: false, floorsAbove: 11 } }, undefined],
  ['water_stress', 'water tank', { building: { hasWaterTank: true } }, -10],
  ['water_stress', 'water tank', { building: { hasWaterTank: false } }, undefined],
  ['water_stress', 'water tank', { building: { hasWaterTank: undefined, floorsAbove: 6, floorAreaM2: 100 } }, -10],
  ['water_stress', 'water tank', { building: { hasWaterTank: undefined, floorsAbove: 5, floorAreaM2: 3_000 } }, -10],
  ['water_stress', 'water tank', { building: { hasWaterTank: undefined, floorsAbove: 5, floorAreaM2: 2_999 } }, undefined],

  ...bandRows('river_flood', (riverDistanceM) => ({ grid: { riverDistanceM } }), [
    ['river < 100 m', 99, 100, 90],
    ['river < 300 m', 100, 300, 70],
    ['river < 1,000 m', 300, 1_000, 40],
    ['river ≥ 1,000 m', 1_000, 999, 10],
  ]),
  ...bandRows('urban_flood', (imperviousness) => ({ grid: { imperviousness, landCover: 'barren' } }), [
    ['imperviousness ≥ 0.8', 0.8, 0.79, 85],
    ['imperviousness ≥ 0.6', 0.6, 0.59, 65],
    ['imperviousness ≥ 0.4', 0.4, 0.39, 45],
    ['imperviousness ≥ 0.2', 0.2, 0.19, 25],
    ['imperviousness < 0.2', 0.19, 0.2, 10],
  ]),
  ['urban_flood', 'land cover urban', { grid: { landCover: 'urban' } }, 10],
  ['urban_flood', 'land cover urban', { grid: { landCover: 'barren' } }, undefined],
  ['urban_flood', 'land cover forest, grassland or wetland', { grid: { landCover: 'forest' } }, -10],
  ['urban_flood', 'land cover forest, grassland or wetland', { grid: { landCover: 'grassland' } }, -10],
  ['urban_flood', 'land cover forest, grassland or wetland', { grid: { landCover: 'wetland' } }, -10],
  ['urban_flood', 'land cover forest, grassland or wetland', { grid: { landCover: 'agricultural' } }, undefined],
  ...bandRows('sea_level_rise', (coastDistanceM) => ({ grid: { coastDistanceM } }), [
    ['coast < 100 m', 99, 100, 80],
    ['coast < 500 m', 100, 500, 60],
    ['coast < 1,000 m', 500, 1_000, 40],
    ['coast ≥ 1,000 m', 1_000, 999, 10],
  ]),
  ...bandRows('typhoon', (coastDistanceM) => ({ grid: { coastDistanceM } }), [
    ['coast < 5 km', 4_999, 5_000, 90],
    ['coast < 20 km', 5_000, 20_000, 70],
    ['coast < 50 km', 20_000, 50_000, 40],
    ['coast ≥ 50 km', 50_000, 49_999, 10],
  ]),
  ...bandRows('wildfire', (forestDistanceM) => ({ grid: { forestDistanceM } }), [
    ['forest ≤ 30 m', 30, 31, 100],
    ['forest ≤ 100 m', 100, 101, 70],
    ['forest ≤ 500 m', 500, 501, 40],
    ['forest ≤ 1,000 m', 1_000, 1_001, 10],
    ['forest > 1,000 m', 1_001, 1_000, 0],
  ]),
];

describe('exposure E: one row per rule, both sides of each threshold', () => {
  for (const [hazard, rule, setup, points] of rows) {
    test(`${hazard}: "${rule}" ${points === undefined ? 'does not fire' : `adds ${points}`} for ${JSON.stringify(setup)}`, () =>
      assert.equal(pointsOf(hazard, rule, setup), points));
  }
});

const totals: [hazard: Hazard, label: string, setup: Setup, expected: number][] = [
  ['extreme_cold', 'north of 38°, above 500 m: 30 + 20 + 15', { latitude: 38.5, grid: { elevationM: 600 } }, 65],
  ['drought', 'industrial in a dry window: 70 + 15 + 10', { building: { purpose: 'industrial' }, prcp: 700, cdd: 55 }, 95],
  ['drought', 'office, 1,100 mm, 45 dry days: 45 + 5 + 5', { building: { purpose: 'office' }, prcp: 1100, cdd: 45 }, 55],
  ['water_stress', 'industrial, no tank, 8 floors: 70 + 20', { building: { purpose: 'industrial', hasWaterTank: false } }, 90],
  ['water_stress', 'office with a tank, 15 floors: 50 + 0 − 10', { building: { purpose: 'office', hasWaterTank: true, floorsAbove: 15 } }, 40],
  ['water_stress', 'residential, tank not given, 12 floors (presumed): 30 + 0 − 10', { building: { purpose: 'residential', hasWaterTank: undefined, floorsAbove: 12 } }, 20],
  ['urban_flood', 'imperviousness 0.85, urban: 85 + 10', { grid: { imperviousness: 0.85, landCover: 'urban' } }, 95],
  ['urban_flood', 'imperviousness 0.05, wetland: 10 − 10', { grid: { imperviousness: 0.05, landCover: 'wetland' } }, 0],
  ['wildfire', 'no forest distance in the reference data, agricultural cover (300 m)', { grid: { forestDistanceM: null as never, landCover: 'agricultural' } }, 40],
  ['wildfire', 'no forest distance in the reference data, forest cover (0 m)', { grid: { forestDistanceM: null as never, landCover: 'forest' } }, 100],
];

describe('exposure E totals', () => {
  for (const [hazard, label, setup, expected] of totals) {
    test(`${hazard}: ${label} → ${expected}`, () => assert.equal(exposure(hazard, setup), expected));
  }

  test("urban flood's per-step clamp never binds, so clamping the total is the same", () => {
    for (const imperviousness of [0, 0.19, 0.2, 0.4, 0.6, 0.8, 1]) {
      for (const landCover of LAND_COVERS) {
        const steps = exposureBreakdown('urban_flood', inputsOf({ grid: { imperviousness, landCover } }));
        let stepwise = 0;
        for (const { points } of steps) stepwise = Math.min(100, Math.max(0, stepwise + points));
        assert.equal(exposure('urban_flood', { grid: { imperviousness, landCover } }), stepwise, `${imperviousness} ${landCover}`);
      }
    }
  });

  test('E is the clamped sum of its breakdown, within 0–100 at the extremes', () => {
    const extremes: Setup[] = [
      { latitude: 39, grid: { elevationM: 1500, imperviousness: 1, coastDistanceM: 0, riverDistanceM: 0, forestDistanceM: 0 }, prcp: 300, cdd: 90, building: { purpose: 'industrial', hasWaterTank: false } },
      { latitude: 33, grid: { elevationM: 0, imperviousness: 0, landCover: 'forest', coastDistanceM: 1e6, riverDistanceM: 1e6, forestDistanceM: 1e6 }, building: { hasWaterTank: true, floorsAbove: 30 } },
    ];
    for (const setup of extremes) {
      for (const hazard of HAZARDS) {
        const e = exposure(hazard, setup);
        const sum = exposureBreakdown(hazard, inputsOf(setup)).reduce((total, c) => total + c.points, 0);
        assert.equal(e, Math.min(100, Math.max(0, sum)), hazard);
        assert.ok(e >= 0 && e <= 100, `${hazard}: ${e}`);
      }
    }
  });
});
