import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  forestDistanceM,
  inFloodZone,
  presumedWaterTank,
  PURPOSE_WATER_DEPENDENCY,
  siteElevationM,
  waterStorage,
  waterTankRequiredByLaw,
} from '../../../../src/domain/risk/building-facts';
import { LAND_COVERS, type Building } from '../../../../src/domain/risk/types';
import { building, grid } from './fixtures';

describe('derived attributes (docs/risk-model.md, "Derived attributes")', () => {
  test('flood zone: river < 100 m and elevation < 50 m, both sides of each', () => {
    assert.equal(inFloodZone(99, 49), true);
    assert.equal(inFloodZone(100, 49), false);
    assert.equal(inFloodZone(99, 50), false);
    assert.equal(inFloodZone(0, -2), true);
  });

  test("the site's elevation is the request's when given, else the grid point's", () => {
    assert.equal(siteElevationM(building({ elevationM: 3 }), grid({ elevationM: 40 })), 3);
    assert.equal(siteElevationM(building({ elevationM: 0 }), grid({ elevationM: 40 })), 0);
    assert.equal(siteElevationM(building(), grid({ elevationM: 40 })), 40);
  });

  test('water dependency by purpose: industrial high; office, commercial medium; the rest low', () => {
    assert.deepEqual(PURPOSE_WATER_DEPENDENCY, {
      industrial: 'high',
      office: 'medium',
      commercial: 'medium',
      residential: 'low',
      public: 'low',
      warehouse: 'low',
      data_center: 'low',
    });
  });

  test('a tank is required by law from 6 floors or 3,000 m²', () => {
    assert.equal(waterTankRequiredByLaw(building({ floorsAbove: 6, floorAreaM2: 100 })), true);
    assert.equal(waterTankRequiredByLaw(building({ floorsAbove: 5, floorAreaM2: 2_999 })), false);
    assert.equal(waterTankRequiredByLaw(building({ floorsAbove: 5, floorAreaM2: 3_000 })), true);
  });

  test("a tank not given is presumed where the law requires one; a stated answer wins", () => {
    const unknown = (b: Partial<Building>) => building({ hasWaterTank: undefined, ...b });
    assert.equal(presumedWaterTank(unknown({ floorsAbove: 6, floorAreaM2: 100 })), true);
    assert.equal(presumedWaterTank(unknown({ floorsAbove: 5, floorAreaM2: 3_000 })), true);
    assert.equal(presumedWaterTank(unknown({ floorsAbove: 5, floorAreaM2: 2_999 })), false);
    assert.equal(presumedWaterTank(building({ hasWaterTank: false, floorsAbove: 30, floorAreaM2: 90_000 })), false);
    assert.equal(presumedWaterTank(building({ hasWaterTank: true, floorsAbove: 1, floorAreaM2: 80 })), true);
  });

  const storageCases: [label: string, b: Partial<Building>, expected: string][] = [
    ['tank, 11 floors', { hasWaterTank: true, floorsAbove: 11 }, 'large'],
    ['tank, 10 floors', { hasWaterTank: true, floorsAbove: 10 }, 'medium'],
    ['no tank, 11 floors', { hasWaterTank: false, floorsAbove: 11 }, 'medium'],
    ['no tank, 10 floors', { hasWaterTank: false, floorsAbove: 10 }, 'limited'],
    ['tank not given, 11 floors (presumed)', { hasWaterTank: undefined, floorsAbove: 11 }, 'large'],
    ['tank not given, 6 floors (presumed)', { hasWaterTank: undefined, floorsAbove: 6, floorAreaM2: 100 }, 'medium'],
    ['tank not given, 5 floors, 2,999 m² (none presumed)', { hasWaterTank: undefined, floorsAbove: 5, floorAreaM2: 2_999 }, 'limited'],
  ];
  for (const [label, b, expected] of storageCases) {
    test(`water storage: ${label} → ${expected}`, () => assert.equal(waterStorage(building(b)), expected));
  }

  test('distance to forest: the reference value when there is one, else by land cover', () => {
    const byCover = Object.fromEntries(LAND_COVERS.map((landCover) => [landCover, forestDistanceM({ landCover, forestDistanceM: null })]));
    assert.deepEqual(byCover, { urban: 2_000, agricultural: 300, forest: 0, grassland: 500, wetland: 1_000, barren: 1_500, water: 5_000 });
    assert.equal(forestDistanceM({ landCover: 'grassland' }), 500);
    assert.equal(forestDistanceM({ landCover: 'urban', forestDistanceM: 0 }), 0);
    assert.equal(forestDistanceM(grid({ landCover: 'forest', forestDistanceM: 750 })), 750);
  });
});
