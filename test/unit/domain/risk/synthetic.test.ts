import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_GRID_SPEC,
  GRID_BOUNDS,
  SYNTHETIC_SOURCE,
  generateGridPoints,
  generateYearlyIndicators,
  gridCoordinates,
  gridShape,
  iterateGridPoints,
  nearestGridId,
} from '../../../../src/domain/risk/synthetic';
import type { GridPoint, GridSpec } from '../../../../src/domain/risk/synthetic';
import { FIRST_YEAR, LAND_COVERS, LAST_YEAR, SCENARIOS } from '../../../../src/domain/risk/types';
import type { Scenario, YearIndicators } from '../../../../src/domain/risk/types';

const COARSE: GridSpec = DEFAULT_GRID_SPEC;
const MEDIUM: GridSpec = { resolutionDeg: 0.05, seed: 42 };
const FINE: GridSpec = { resolutionDeg: 0.01, seed: 42 };

// Grids are pure, so each is generated once, timed, and shared by the tests below.
const memo = new Map<number, { points: GridPoint[]; seconds: number }>();
function generated(spec: GridSpec): { points: GridPoint[]; seconds: number } {
  let entry = memo.get(spec.resolutionDeg);
  if (!entry) {
    const started = performance.now();
    const points = generateGridPoints(spec);
    entry = { points, seconds: (performance.now() - started) / 1000 };
    memo.set(spec.resolutionDeg, entry);
  }
  return entry;
}
function grid(spec: GridSpec): GridPoint[] {
  return generated(spec).points;
}

function nearest(points: readonly GridPoint[], lat: number, lon: number): GridPoint {
  let best = points[0];
  let bestD = Infinity;
  for (const p of points) {
    const d = (p.latitude - lat) ** 2 + ((p.longitude - lon) * 0.81) ** 2;
    if (d < bestD) [best, bestD] = [p, d];
  }
  return best;
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

/** Mean of one indicator over a year range of a series. */
function periodMean(series: readonly YearIndicators[], key: keyof YearIndicators, from: number, to: number): number {
  return mean(series.filter((r) => r.year >= from && r.year <= to).map((r) => Number(r[key])));
}

/** Every 10th coarse point, for tests that need many yearly series. */
function samplePoints(): GridPoint[] {
  return grid(COARSE).filter((_, i) => i % 10 === 0);
}

describe('synthetic grid points', () => {
  test('is labelled as synthetic', () => assert.equal(SYNTHETIC_SOURCE, 'synthetic/v1'));

  test('the same spec gives identical points; another seed gives other values', () => {
    assert.deepEqual(generateGridPoints(COARSE), generateGridPoints({ ...COARSE }));
    const other = generateGridPoints({ ...COARSE, seed: 7 });
    assert.notDeepEqual(
      other.map((p) => p.elevationM),
      grid(COARSE).map((p) => p.elevationM),
    );
  });

  test('0.1° grid: about a thousand land points (reported)', (t) => {
    const points = grid(COARSE);
    t.diagnostic(`0.1° grid: ${points.length} points`);
    assert.ok(points.length > 800 && points.length < 1500, `${points.length}`);
  });

  test('iterateGridPoints streams exactly what generateGridPoints returns', () => {
    assert.deepEqual(Array.from(iterateGridPoints(COARSE)), grid(COARSE));
  });

  test('ids are row * nCols + col, unique, ascending and round-trip to coordinates', () => {
    const { nRows, nCols } = gridShape(FINE);
    assert.deepEqual([nRows, nCols], [601, 751]); // the original's 451,351-cell lattice
    const points = grid(COARSE);
    for (let i = 1; i < points.length; i++) assert.ok(points[i].id > points[i - 1].id);
    for (const p of points) {
      assert.deepEqual(gridCoordinates(p.id, COARSE), { latitude: p.latitude, longitude: p.longitude });
      assert.equal(nearestGridId(p.latitude + 0.03, p.longitude - 0.04, COARSE), p.id);
    }
    assert.equal(nearestGridId(40, 127, COARSE), null);
  });

  test('static values are in range and land covers are known', () => {
    for (const p of grid(MEDIUM)) {
      assert.ok(LAND_COVERS.includes(p.landCover), p.landCover);
      assert.ok(p.imperviousness >= 0 && p.imperviousness <= 1);
      for (const d of [p.riverDistanceM, p.coastDistanceM, p.forestDistanceM]) assert.ok(d >= 0 && d < 200_000);
      assert.ok(p.elevationM >= 0 && p.elevationM <= 2000, `${p.elevationM}`);
      assert.ok(p.latitude >= GRID_BOUNDS.minLat && p.latitude <= GRID_BOUNDS.maxLat);
      assert.ok(p.longitude >= GRID_BOUNDS.minLon && p.longitude <= GRID_BOUNDS.maxLon);
    }
  });

  test('open sea, North Korea and China produce no points', () => {
    const points = grid(MEDIUM);
    const has = (lat: number, lon: number) => points.some((p) => p.latitude === lat && p.longitude === lon);
    for (const [lat, lon] of [[36, 125], [37, 130], [34, 128.5], [35.5, 125.5], [33, 131.9], [39, 125]]) {
      assert.equal(has(lat, lon), false, `${lat},${lon}`);
    }
    assert.ok(points.every((p) => p.latitude <= 38.65), 'nothing north of the demarcation line');
    assert.ok(points.every((p) => p.longitude >= 125.9), 'no Chinese coast or far western islands');
  });

  test('Jeju is present, with Hallasan rising above 1,000 m', () => {
    const jeju = grid(COARSE).filter((p) => p.latitude < 34);
    assert.ok(jeju.length >= 10, `${jeju.length}`);
    assert.ok(jeju.every((p) => p.longitude > 126 && p.longitude < 127.1));
    assert.ok(Math.max(...grid(MEDIUM).filter((p) => p.latitude < 34).map((p) => p.elevationM)) > 1000);
  });

  test('coast distance is ~0 at the coast, large inland, and behaves as a distance', () => {
    const points = grid(FINE);
    for (const [lat, lon] of [[35.16, 129.21], [37.75, 128.92], [34.8, 126.38], [36.35, 126.53]]) {
      const p = nearest(points, lat, lon); // points on the drawn coastline
      assert.ok(p.coastDistanceM < 700, `${lat},${lon}: ${p.coastDistanceM}`);
    }
    assert.ok(points.some((p) => p.coastDistanceM === 0));
    assert.ok(nearest(points, 36.64, 127.49).coastDistanceM > 50_000); // Cheongju
    // 1-Lipschitz between east–west neighbours on land: it is a distance, not a score.
    const byId = new Map(points.map((p) => [p.id, p]));
    for (const p of points) {
      const east = byId.get(p.id + 1);
      if (!east || p.coastDistanceM === 0 || east.coastDistanceM === 0) continue;
      const stepM = 0.01 * 111_320 * Math.cos((p.latitude * Math.PI) / 180);
      assert.ok(Math.abs(p.coastDistanceM - east.coastDistanceM) <= stepM + 1, `${p.id}`);
    }
  });

  test('the east is mountainous, the west low; peaks stay below 2,000 m', () => {
    const points = grid(MEDIUM);
    const mainland = points.filter((p) => p.latitude > 34.5);
    const east = mean(mainland.filter((p) => p.longitude > 128.4).map((p) => p.elevationM));
    const west = mean(mainland.filter((p) => p.longitude < 127).map((p) => p.elevationM));
    assert.ok(east > 400 && west < 200 && east > 3 * west, `east ${east}, west ${west}`);
    const peak = Math.max(...points.map((p) => p.elevationM));
    assert.ok(peak > 1300 && peak < 2000, `${peak}`);
  });

  test('major cities are urban with high imperviousness', () => {
    const points = grid(FINE);
    const cities: Array<[string, number, number]> = [
      ['Seoul', 37.57, 126.98], ['Busan', 35.18, 129.08], ['Daegu', 35.87, 128.6], ['Incheon', 37.46, 126.7],
      ['Gwangju', 35.16, 126.85], ['Daejeon', 36.35, 127.38], ['Ulsan', 35.54, 129.31],
    ];
    for (const [name, lat, lon] of cities) {
      const p = nearest(points, lat, lon);
      assert.equal(p.landCover, 'urban', name);
      assert.ok(p.imperviousness > 0.7, `${name} ${p.imperviousness}`);
    }
    assert.equal(nearest(grid(COARSE), 37.57, 126.98).landCover, 'urban');
  });

  test('land-cover shares resemble Korea: forest dominates, then farmland, then cities', (t) => {
    const points = grid(MEDIUM);
    const share = (c: string) => points.filter((p) => p.landCover === c).length / points.length;
    t.diagnostic(LAND_COVERS.map((c) => `${c} ${(100 * share(c)).toFixed(1)}%`).join(', '));
    assert.ok(share('forest') > 0.45 && share('forest') < 0.7);
    assert.ok(share('agricultural') > 0.15 && share('agricultural') < 0.4);
    assert.ok(share('urban') > 0.03 && share('urban') < 0.15);
    for (const c of ['water', 'wetland', 'grassland', 'barren']) assert.ok(share(c) > 0, c);
    const forests = points.filter((p) => p.landCover === 'forest');
    assert.ok(forests.every((p) => p.forestDistanceM === 0));
    assert.ok(median(points.filter((p) => p.landCover === 'agricultural').map((p) => p.forestDistanceM)) > 0);
  });

  test('the Han runs through Seoul', () => {
    assert.ok(nearest(grid(FINE), 37.515, 126.98).riverDistanceM < 1000);
  });

  test('a point\'s statics depend only on its coordinates, not on the grid it was generated in', () => {
    const medium = new Map(grid(MEDIUM).map((p) => [`${p.latitude},${p.longitude}`, p]));
    let shared = 0;
    for (const p of grid(COARSE)) {
      const q = medium.get(`${p.latitude},${p.longitude}`);
      // Coastal-band membership depends on the resolution; on-land cells must match exactly.
      if (!q || p.coastDistanceM === 0 || q.coastDistanceM === 0) continue;
      assert.deepEqual({ ...p, id: 0 }, { ...q, id: 0 });
      shared++;
    }
    assert.ok(shared > 500, `${shared}`);
  });

  test('0.01° grid: count and time (reported, not asserted on time)', (t) => {
    const { points, seconds } = generated(FINE);
    t.diagnostic(`0.01° grid: ${points.length} points in ${seconds.toFixed(2)} s`);
    assert.ok(points.length > 80_000 && points.length < 150_000, `${points.length}`);
    assert.equal(new Set(points.map((p) => p.id)).size, points.length);
  });

  test('rejects invalid specs', () => {
    for (const spec of [
      { resolutionDeg: 0, seed: 1 },
      { resolutionDeg: Number.NaN, seed: 1 },
      { resolutionDeg: 0.001, seed: 1 },
      { resolutionDeg: 0.1, seed: -1 },
      { resolutionDeg: 0.1, seed: 1.5 },
    ]) {
      assert.throws(() => generateGridPoints(spec), RangeError, JSON.stringify(spec));
    }
  });
});

describe('synthetic yearly indicators', () => {
  test('80 ascending years 2021–2100, all values finite, spei12 never null', () => {
    const series = generateYearlyIndicators(grid(COARSE)[100], 'SSP245', COARSE);
    assert.equal(series.length, 80);
    series.forEach((r, i) => assert.equal(r.year, FIRST_YEAR + i));
    assert.equal(series[series.length - 1].year, LAST_YEAR);
    for (const r of series) {
      for (const [k, v] of Object.entries(r)) {
        if (k === 'typhoonDistanceKm' && v === null) continue;
        assert.ok(typeof v === 'number' && Number.isFinite(v), `${k}=${String(v)}`);
      }
    }
  });

  test('deterministic and independent of generation order', () => {
    const points = samplePoints().slice(0, 8);
    const forward = points.map((p) => generateYearlyIndicators(p, 'SSP370', COARSE));
    const backward = [...points].reverse().map((p) => generateYearlyIndicators(p, 'SSP370', COARSE)).reverse();
    assert.deepEqual(forward, backward);
    // A point copied out of a different grid (same coordinates) gets the same series.
    const p = points[3];
    const twin = grid(MEDIUM).find((q) => q.latitude === p.latitude && q.longitude === p.longitude);
    if (twin && p.coastDistanceM > 0) assert.deepEqual(generateYearlyIndicators(twin, 'SSP370', MEDIUM), forward[3]);
    assert.notDeepEqual(generateYearlyIndicators(p, 'SSP370', { ...COARSE, seed: 43 }), forward[3]);
  });

  test('values stay within plausible Korean ranges', () => {
    const bounds: Partial<Record<keyof YearIndicators, [number, number]>> = {
      su25: [0, 250], tr25: [0, 150], wsdi: [0, 180], fd0: [0, 200], id0: [0, 130], csdi: [0, 60],
      tnn: [-35, 8], prcp: [400, 4000], cdd: [5, 150], spei12: [-3, 3], rx1day: [20, 900], rain80: [0, 12],
      ta: [0, 25], rhm: [40, 95], ws: [0.5, 9], slr: [0, 130], typhoonWindMs: [0, 70], typhoonIndex: [0, 28],
      waterWithdrawal: [0, 5000], waterAvailable: [1, 10000],
    };
    for (const p of samplePoints()) {
      for (const scenario of SCENARIOS) {
        for (const r of generateYearlyIndicators(p, scenario, COARSE)) {
          for (const [key, [lo, hi]] of Object.entries(bounds) as Array<[keyof YearIndicators, [number, number]]>) {
            const v = Number(r[key]);
            assert.ok(v >= lo && v <= hi, `${key}=${v} at ${p.latitude},${p.longitude} ${scenario} ${r.year}`);
          }
          if (r.typhoonDistanceKm === null) assert.deepEqual([r.typhoonWindMs, r.typhoonIndex], [0, 0]);
          else assert.ok(r.typhoonDistanceKm >= 0 && r.typhoonDistanceKm <= 200 && r.typhoonWindMs > 0);
        }
      }
    }
  });

  test('national medians of the 2021–2040 baseline match the targets', () => {
    const rows = samplePoints().flatMap((p) => generateYearlyIndicators(p, 'SSP245', COARSE).filter((r) => r.year <= 2040));
    const med = (k: keyof YearIndicators) => median(rows.map((r) => Number(r[k])));
    const targets: Array<[keyof YearIndicators, number, number]> = [
      ['su25', 90, 130], ['tr25', 0, 20], ['wsdi', 0, 30], ['fd0', 60, 130], ['id0', 1, 40], ['csdi', 0, 15],
      ['tnn', -20, -5], ['prcp', 1100, 1700], ['cdd', 15, 50], ['spei12', -0.5, 0.5], ['rx1day', 100, 350],
      ['rain80', 0, 6], ['ta', 10, 17], ['rhm', 60, 80], ['ws', 1.5, 5],
    ];
    for (const [k, lo, hi] of targets) assert.ok(med(k) >= lo && med(k) <= hi, `${k} median ${med(k)}`);
    const ratios = rows.map((r) => r.waterWithdrawal / r.waterAvailable);
    assert.ok(median(ratios) >= 0.05 && median(ratios) <= 0.9, `stress ${median(ratios)}`);
  });

  test('SSP585 is warmer than SSP126 late in the century, and scenarios are ordered', () => {
    for (const p of samplePoints()) {
      const late = (s: Scenario) => periodMean(generateYearlyIndicators(p, s, COARSE), 'ta', 2081, 2100);
      const [t126, t245, t370, t585] = SCENARIOS.map(late);
      assert.ok(t585 - t126 > 2.5, `${p.latitude},${p.longitude}: ${t585} vs ${t126}`);
      assert.ok(t126 < t245 && t245 < t370 && t370 < t585);
    }
  });

  test('SSP585 trends: heat up, cold down, extremes and sea level up', () => {
    const points = samplePoints();
    const change = (key: keyof YearIndicators) =>
      mean(points.map((p) => {
        const s = generateYearlyIndicators(p, 'SSP585', COARSE);
        return periodMean(s, key, 2081, 2100) - periodMean(s, key, 2021, 2040);
      }));
    for (const key of ['su25', 'tr25', 'wsdi', 'tnn', 'rx1day', 'slr', 'ta'] as const) assert.ok(change(key) > 0, key);
    for (const key of ['fd0', 'id0', 'csdi', 'spei12'] as const) assert.ok(change(key) < 0, key);
  });

  test('sea level rises from ~0 in 2021 to 30–100 cm by 2100, ordered by scenario', () => {
    const p = nearest(grid(COARSE), 35.18, 129.08);
    const at2100 = SCENARIOS.map((s) => {
      const series = generateYearlyIndicators(p, s, COARSE);
      assert.ok(series[0].slr < 5, `${s} 2021 ${series[0].slr}`);
      return periodMean(series, 'slr', 2096, 2100);
    });
    assert.ok(at2100[0] >= 25 && at2100[3] <= 110, at2100.join());
    for (let i = 1; i < at2100.length; i++) assert.ok(at2100[i] > at2100[i - 1], at2100.join());
  });

  test('spatial structure: Jeju mild and wet, the north-east cold, coasts windy, cities stressed', () => {
    const points = grid(COARSE);
    const baseline = (p: GridPoint, key: keyof YearIndicators) =>
      periodMean(generateYearlyIndicators(p, 'SSP245', COARSE), key, 2021, 2050);
    const jeju = nearest(points, 33.5, 126.53);
    const mountain = nearest(points, 37.7, 128.7);
    const seoul = nearest(points, 37.57, 126.98);
    assert.ok(baseline(jeju, 'fd0') < 30 && baseline(mountain, 'fd0') > 120);
    assert.ok(baseline(jeju, 'tnn') > -6 && baseline(mountain, 'tnn') < -15);
    assert.ok(baseline(jeju, 'prcp') > baseline(seoul, 'prcp'));
    assert.ok(baseline(jeju, 'tr25') > baseline(seoul, 'tr25'));
    assert.ok(baseline(jeju, 'ws') > baseline(seoul, 'ws'));
    const stress = (p: GridPoint) => baseline(p, 'waterWithdrawal') / baseline(p, 'waterAvailable');
    assert.ok(stress(seoul) > 0.4 && stress(seoul) > 2 * stress(mountain));
  });

  test('typhoons pass the south-east more often than the north-west', () => {
    const points = grid(COARSE);
    const passages = (p: GridPoint) =>
      SCENARIOS.flatMap((s) => generateYearlyIndicators(p, s, COARSE)).filter((r) => r.typhoonDistanceKm !== null).length;
    const busan = passages(nearest(points, 35.18, 129.08));
    const seoul = passages(nearest(points, 37.57, 126.98));
    assert.ok(busan > seoul, `${busan} vs ${seoul}`);
    const perYear = busan / (4 * 80);
    assert.ok(perYear > 0.3 && perYear < 1, `${perYear}`);
  });

  test('rejects an unknown scenario', () => {
    assert.throws(() => generateYearlyIndicators(grid(COARSE)[0], 'SSP999' as Scenario, COARSE), RangeError);
  });
});
