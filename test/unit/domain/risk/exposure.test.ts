import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exposureScore, waterStorage, type ExposureInputs } from '../../../../src/domain/risk/exposure';
import { HAZARDS, type Building, type GridStatic, type Hazard } from '../../../../src/domain/risk/types';
import { building, grid } from './fixtures';

interface Setup {
  latitude?: number;
  building?: Partial<Building>;
  grid?: Partial<GridStatic>;
  prcp?: number;
  cdd?: number;
}

const exposure = (hazard: Hazard, setup: Setup = {}): number => {
  const inputs: ExposureInputs = {
    latitude: setup.latitude ?? 37.5,
    building: building(setup.building),
    grid: grid(setup.grid),
    climate: { meanPrcpMm: setup.prcp ?? 1300, meanCdd: setup.cdd ?? 25 },
  };
  return exposureScore(hazard, inputs);
};

const cases: [hazard: Hazard, label: string, setup: Setup, expected: number][] = [
  ['extreme_heat', 'urban', { grid: { landCover: 'urban' } }, 70],
  ['extreme_heat', 'forest', { grid: { landCover: 'forest' } }, 30],
  ['extreme_cold', 'north of 38°, above 500 m', { latitude: 38.5, grid: { elevationM: 600 } }, 65],
  ['extreme_cold', '37°, 250 m', { latitude: 37, grid: { elevationM: 250 } }, 50],
  ['extreme_cold', 'exactly 36° is not > 36°', { latitude: 36, grid: { elevationM: 100 } }, 30],
  ['drought', 'data centre in a dry window', { building: { purpose: 'data_center' }, prcp: 700, cdd: 55 }, 95],
  ['drought', 'residential, 1,100 mm, 45 dry days', { building: { purpose: 'residential' }, prcp: 1100, cdd: 45 }, 55],
  ['drought', 'office in a wet window', { building: { purpose: 'office' }, prcp: 1300, cdd: 30 }, 25],
  ['water_stress', 'data centre, no tank, no basement (limited)', { building: { purpose: 'data_center' } }, 90],
  ['water_stress', 'residential with a basement (medium)', { building: { purpose: 'residential', floorsBelow: 2 } }, 60],
  ['water_stress', 'office with a tank', { building: { purpose: 'office', hasWaterTank: true, floorsBelow: 1 } }, 20],
  ['river_flood', '50 m', { grid: { riverDistanceM: 50 } }, 90],
  ['river_flood', '100 m', { grid: { riverDistanceM: 100 } }, 70],
  ['river_flood', '300 m', { grid: { riverDistanceM: 300 } }, 40],
  ['river_flood', '1 km', { grid: { riverDistanceM: 1000 } }, 10],
  ['urban_flood', 'imperviousness 0.85, urban (+10)', { grid: { imperviousness: 0.85, landCover: 'urban' } }, 95],
  ['urban_flood', 'imperviousness 0.5, forest (−10)', { grid: { imperviousness: 0.5, landCover: 'forest' } }, 35],
  ['urban_flood', 'imperviousness 0.2, agricultural', { grid: { imperviousness: 0.2, landCover: 'agricultural' } }, 25],
  ['urban_flood', 'imperviousness 0.05, wetland: clamped at 0', { grid: { imperviousness: 0.05, landCover: 'wetland' } }, 0],
  ['sea_level_rise', '50 m', { grid: { coastDistanceM: 50 } }, 80],
  ['sea_level_rise', '100 m', { grid: { coastDistanceM: 100 } }, 60],
  ['sea_level_rise', '800 m', { grid: { coastDistanceM: 800 } }, 40],
  ['sea_level_rise', '1 km', { grid: { coastDistanceM: 1000 } }, 10],
  ['typhoon', '4 km', { grid: { coastDistanceM: 4000 } }, 90],
  ['typhoon', '5 km', { grid: { coastDistanceM: 5000 } }, 70],
  ['typhoon', '30 km', { grid: { coastDistanceM: 30_000 } }, 40],
  ['typhoon', '50 km', { grid: { coastDistanceM: 50_000 } }, 10],
  ['wildfire', 'forest 30 m away', { grid: { forestDistanceM: 30 } }, 100],
  ['wildfire', '31 m', { grid: { forestDistanceM: 31 } }, 70],
  ['wildfire', '500 m', { grid: { forestDistanceM: 500 } }, 40],
  ['wildfire', '1 km', { grid: { forestDistanceM: 1000 } }, 10],
  ['wildfire', 'beyond 1 km', { grid: { forestDistanceM: 1001 } }, 0],
];

describe('exposure E', () => {
  for (const [hazard, label, setup, expected] of cases) {
    test(`${hazard}: ${label} → ${expected}`, () => assert.equal(exposure(hazard, setup), expected));
  }

  test('every hazard stays within 0–100 at the extremes', () => {
    const extremes: Setup[] = [
      { latitude: 39, grid: { elevationM: 1500, imperviousness: 1, coastDistanceM: 0, riverDistanceM: 0, forestDistanceM: 0 }, prcp: 300, cdd: 90, building: { purpose: 'data_center' } },
      { latitude: 33, grid: { elevationM: 0, imperviousness: 0, landCover: 'forest', coastDistanceM: 1e6, riverDistanceM: 1e6, forestDistanceM: 1e6 }, building: { hasWaterTank: true } },
    ];
    for (const setup of extremes) {
      for (const hazard of HAZARDS) {
        const e = exposure(hazard, setup);
        assert.ok(e >= 0 && e <= 100, `${hazard}: ${e}`);
      }
    }
  });

  test('storage class comes from the tank flag, then underground floors', () => {
    assert.equal(waterStorage(building({ hasWaterTank: true, floorsBelow: 0 })), 'tank');
    assert.equal(waterStorage(building({ hasWaterTank: false, floorsBelow: 1 })), 'medium');
    assert.equal(waterStorage(building({ hasWaterTank: false, floorsBelow: 0 })), 'limited');
  });
});
