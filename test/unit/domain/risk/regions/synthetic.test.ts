import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SYNTHETIC_REGION_SPEC, generateSyntheticRegions, SYNTHETIC_REGION_SOURCE } from '../../../../../src/domain/risk/regions/synthetic';
import { REGION_CODE_PATTERN } from '../../../../../src/domain/risk/regions/types';
import { generateGridPoints, GRID_BOUNDS, SYNTHETIC_SOURCE } from '../../../../../src/domain/risk/synthetic';
import { shoreline } from '../../../../../src/domain/risk/synthetic/geography';

const REGIONS = generateSyntheticRegions();

function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(a));
}

describe('generateSyntheticRegions', () => {
  test('gives 250 regions by default, labelled like the synthetic grid', () => {
    assert.equal(REGIONS.length, 250);
    assert.deepEqual(DEFAULT_SYNTHETIC_REGION_SPEC, { count: 250, seed: 42 });
    assert.equal(SYNTHETIC_REGION_SOURCE, SYNTHETIC_SOURCE);
  });

  test('codes are unique, SYN-001 … SYN-250, and cannot pass for official 5-digit si/gun/gu codes', () => {
    const codes = REGIONS.map((r) => r.code);
    assert.equal(new Set(codes).size, codes.length);
    assert.deepEqual(codes, Array.from({ length: 250 }, (_, i) => `SYN-${String(i + 1).padStart(3, '0')}`));
    for (const r of REGIONS) {
      assert.match(r.code, REGION_CODE_PATTERN);
      assert.doesNotMatch(r.code, /^\d+$/);
      assert.equal(r.name, `Synthetic region ${r.code.slice(4)}`);
    }
  });

  test('every centroid is on land inside the synthetic coverage, at least 500 m from the coast', () => {
    for (const r of REGIONS) {
      assert.ok(r.latitude >= GRID_BOUNDS.minLat && r.latitude <= GRID_BOUNDS.maxLat, r.code);
      assert.ok(r.longitude >= GRID_BOUNDS.minLon && r.longitude <= GRID_BOUNDS.maxLon, r.code);
      const shore = shoreline(r.latitude, r.longitude, 0);
      assert.ok(shore?.onLand, `${r.code} (${r.latitude}, ${r.longitude}) is not on land`);
      assert.ok(shore.coastDistanceM >= 500, r.code);
    }
  });

  test('every centroid has a point of the default 0.1° grid within 10 km, well inside the 20 km limit', () => {
    const grid = generateGridPoints({ resolutionDeg: 0.1, seed: 42 });
    for (const r of REGIONS) {
      const nearest = Math.min(...grid.map((g) => haversineKm(r.latitude, r.longitude, g.latitude, g.longitude)));
      assert.ok(nearest < 10, `${r.code}: ${nearest.toFixed(1)} km`);
    }
  });

  test('centroids spread over the country: Jeju, the capital area and the east coast all have regions, none closer than 3 km', () => {
    const near = (lat: number, lon: number, km: number) => REGIONS.filter((r) => haversineKm(lat, lon, r.latitude, r.longitude) < km).length;
    assert.ok(REGIONS.some((r) => r.latitude < 34), 'Jeju');
    assert.ok(near(37.55, 126.99, 20) >= 6, 'Seoul is denser than the countryside');
    assert.ok(near(37.75, 128.9, 30) >= 1, 'Gangneung');
    for (const [i, a] of REGIONS.entries()) {
      for (const b of REGIONS.slice(i + 1)) assert.ok(haversineKm(a.latitude, a.longitude, b.latitude, b.longitude) > 3, `${a.code} ${b.code}`);
    }
  });

  test('is deterministic: the same spec gives the same regions, another seed other ones', () => {
    assert.deepEqual(generateSyntheticRegions({ count: 250, seed: 42 }), REGIONS);
    const other = generateSyntheticRegions({ count: 250, seed: 7 });
    assert.notDeepEqual(other, REGIONS);
    assert.equal(other.length, 250);
    assert.deepEqual(generateSyntheticRegions({ count: 5, seed: 42 }).map((r) => r.code), ['SYN-001', 'SYN-002', 'SYN-003', 'SYN-004', 'SYN-005']);
  });

  test('refuses a count or seed out of range', () => {
    assert.throws(() => generateSyntheticRegions({ count: 0, seed: 42 }), /count/);
    assert.throws(() => generateSyntheticRegions({ count: 2.5, seed: 42 }), /count/);
    assert.throws(() => generateSyntheticRegions({ count: 10, seed: -1 }), /seed/);
  });
});
