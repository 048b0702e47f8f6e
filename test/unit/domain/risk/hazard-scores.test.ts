import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  coldScore,
  droughtScore,
  fireWeatherIndex,
  hazardScore,
  heatScore,
  rainScore,
  riverFloodScore,
  riverProximityFactor,
  seaLevelScore,
  TOPOGRAPHIC_WETNESS_INDEX,
  typhoonScore,
  urbanFloodScore,
  waterStressScore,
  wetnessScore,
  wildfireScore,
} from '../../../../src/domain/risk/hazard-scores';
import { HAZARDS, LAND_COVERS, type GridStatic, type YearIndicators } from '../../../../src/domain/risk/types';
import { grid, indicators } from './fixtures';

const near = (actual: number, expected: number, tolerance = 1e-12, label = '') =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label} expected ${expected} ± ${tolerance}, got ${actual}`);

type Case = [label: string, ind: Partial<YearIndicators>, expected: number, site?: Partial<GridStatic>];

function runCases(name: string, score: (ind: YearIndicators, g: GridStatic) => number, cases: Case[]) {
  describe(name, () => {
    for (const [label, ind, expected, site] of cases) {
      test(label, () => near(score(indicators(2050, ind), grid(site)), expected, 1e-9, label));
    }
  });
}

runCases('heat H', heatScore, [
  ['half of every cap', { su25: 50, wsdi: 15, tr25: 25, ta: 15 }, 0.5],
  ['everything saturated', { su25: 150, wsdi: 45, tr25: 60, ta: 25 }, 1],
  ['nothing', { su25: 0, wsdi: 0, tr25: 0, ta: 5 }, 0],
  ['su25 counts once (0.3), not twice', { su25: 100, wsdi: 0, tr25: 0, ta: 10 }, 0.3],
  ['intensity term alone', { su25: 0, wsdi: 0, tr25: 0, ta: 17.5 }, 0.15],
]);

runCases('cold H', coldScore, [
  ['half of every cap', { fd0: 75, csdi: 10, id0: 25, tnn: -10 }, 0.5],
  ['everything saturated', { fd0: 200, csdi: 30, id0: 60, tnn: -25 }, 1],
  ['a frost-free year with a positive minimum scores 0', { fd0: 0, csdi: 0, id0: 0, tnn: 3 }, 0],
  ['30 frost days no longer saturate (annual cap 150)', { fd0: 30, csdi: 0, id0: 0, tnn: 0 }, 0.06],
]);

runCases('drought H', droughtScore, [
  ['SPEI −1', { spei12: -1 }, 0.5],
  ['SPEI −2', { spei12: -2 }, 1],
  ['SPEI −5 clamps to −3', { spei12: -5 }, 1],
  ['wet year', { spei12: 0.5 }, 0],
  ['SPEI 0', { spei12: 0 }, 0],
  ['surrogate when SPEI is missing: prcp 950, cdd 25 → s = −1', { spei12: null, prcp: 950, cdd: 25 }, 0.5],
  ['surrogate of a wet year: prcp 1450, cdd 10 → s = 0.6', { spei12: null, prcp: 1450, cdd: 10 }, 0],
]);

runCases('water stress H (log scale, one step per doubling)', waterStressScore, [
  ['ratio 0.1', { waterWithdrawal: 100, waterAvailable: 1000 }, 0.2],
  ['ratio 0.2', { waterWithdrawal: 200, waterAvailable: 1000 }, 0.4],
  ['ratio 0.4', { waterWithdrawal: 400, waterAvailable: 1000 }, 0.6],
  ['ratio 0.8', { waterWithdrawal: 800, waterAvailable: 1000 }, 0.8],
  ['ratio 1.6', { waterWithdrawal: 1600, waterAvailable: 1000 }, 1],
  ['ratio 3', { waterWithdrawal: 3000, waterAvailable: 1000 }, 1],
  ['ratio 0.05', { waterWithdrawal: 50, waterAvailable: 1000 }, 0],
  ['no withdrawal', { waterWithdrawal: 0, waterAvailable: 1000 }, 0],
]);

runCases('river flood H', riverFloodScore, [
  ['urban, 150 mm, 2 km from a river', { rx1day: 150 }, 0.37, { landCover: 'urban', riverDistanceM: 2000 }],
  ['forest, 300 mm, 500 m from a river', { rx1day: 300 }, 0.924, { landCover: 'forest', riverDistanceM: 500 }],
  ['water, 500 mm, on the river: capped at 1', { rx1day: 500 }, 1, { landCover: 'water', riverDistanceM: 0 }],
  ['barren, 50 mm, 10 km away', { rx1day: 50 }, 0.08, { landCover: 'barren', riverDistanceM: 10_000 }],
]);

runCases('urban flood H', urbanFloodScore, [
  ['imperviousness 0.8: drainage 52.5, no surge', { rx1day: 120 }, 0.171875, { landCover: 'urban', imperviousness: 0.8 }],
  ['imperviousness 0.65: drainage 38.5, excess 11.5', { rx1day: 600 }, 0.431875, { landCover: 'urban', imperviousness: 0.65 }],
  ['imperviousness 0.75 is not > 0.75: drainage 38.5', { rx1day: 120 }, 0.259375, { landCover: 'urban', imperviousness: 0.75 }],
  ['imperviousness 0.5: drainage 28, excess 32 > 30', { rx1day: 720 }, 0.775, { landCover: 'urban', imperviousness: 0.5 }],
  ['water: no drainage', { rx1day: 120 }, 0.65, { landCover: 'water' }],
  ['forest: drainage 8, excess exactly 0', { rx1day: 96 }, 0.45, { landCover: 'forest' }],
  ['agricultural: drainage 15, excess 15', { rx1day: 360 }, 0.63125, { landCover: 'agricultural' }],
]);

runCases('sea-level rise H', seaLevelScore, [
  ['10 km from the coast scores 0', { slr: 120 }, 0, { coastDistanceM: 10_000 }],
  ['15 cm', { slr: 15 }, 0.2, { coastDistanceM: 500 }],
  ['30 cm', { slr: 30 }, 0.4, { coastDistanceM: 500 }],
  ['40 cm', { slr: 40 }, 0.55, { coastDistanceM: 500 }],
  ['50 cm', { slr: 50 }, 0.7, { coastDistanceM: 500 }],
  ['75 cm', { slr: 75 }, 0.85, { coastDistanceM: 500 }],
  ['100 cm', { slr: 100 }, 1, { coastDistanceM: 9_999 }],
  ['150 cm', { slr: 150 }, 1, { coastDistanceM: 0 }],
]);

runCases('typhoon H', typhoonScore, [
  ['no passage', { typhoonDistanceKm: null, typhoonWindMs: 0 }, 0.1],
  ['passage beyond 200 km counts as none', { typhoonDistanceKm: 250, typhoonWindMs: 40 }, 0.1],
  ['direct hit, everything saturated', { typhoonDistanceKm: 0, typhoonWindMs: 50, rx1day: 500 }, 1],
  ['25 m/s, 250 mm, 100 km', { typhoonDistanceKm: 100, typhoonWindMs: 25, rx1day: 250 }, 0.25],
  ['60 m/s caps at 50, 100 mm, 50 km', { typhoonDistanceKm: 50, typhoonWindMs: 60, rx1day: 100 }, 0.48],
]);

runCases('wildfire H = fire weather index / 100', wildfireScore, [
  ['forest, dry-ish year', { rhm: 60, ta: 15, ws: 2, prcp: 1200 }, 0.610225471130971, { landCover: 'forest' }],
  ['agricultural, same weather', { rhm: 60, ta: 15, ws: 2, prcp: 1200 }, 0.37552336684982826, { landCover: 'agricultural' }],
  ['urban, wet year', { rhm: 80, ta: 10, ws: 1, prcp: 1600 }, 0.29403273814978686, { landCover: 'urban' }],
  ['extreme weather in a forest caps at 1', { rhm: 0, ta: 40, ws: 10, prcp: 100 }, 1, { landCover: 'forest' }],
]);

describe('river flood scores are continuous and non-decreasing', () => {
  const sweep = (f: (x: number) => number, from: number, to: number, step: number) => {
    let previous = f(from);
    for (let x = from + step; x <= to; x += step) {
      const value = f(x);
      assert.ok(value >= previous - 1e-15, `drops at ${x}: ${previous} → ${value}`);
      assert.ok(value - previous <= 0.01, `jumps at ${x}: ${previous} → ${value}`);
      previous = value;
    }
  };

  test('rain score over 0–800 mm, 1 mm steps', () => sweep(rainScore, 0, 800, 1));
  test('wetness score over TWI 3–16, 0.05 steps', () => sweep(wetnessScore, 3, 16, 0.05));

  test('no step at the original breakpoints 7, 200 mm and 300 mm', () => {
    for (const x of [200, 300]) near(rainScore(x - 1e-9), rainScore(x + 1e-9), 1e-9, `${x} mm`);
    near(wetnessScore(7 - 1e-9), wetnessScore(7 + 1e-9), 1e-9, 'TWI 7');
    assert.deepEqual([rainScore(200), rainScore(300), wetnessScore(7)], [0.6, 0.85, 0.3]);
  });

  test('wetness per land cover follows the TWI order', () => {
    const byTwi = [...LAND_COVERS].sort((a, b) => TOPOGRAPHIC_WETNESS_INDEX[a] - TOPOGRAPHIC_WETNESS_INDEX[b]);
    const scores = byTwi.map((cover) => wetnessScore(TOPOGRAPHIC_WETNESS_INDEX[cover]));
    assert.deepEqual(scores, [...scores].sort((a, b) => a - b));
    near(wetnessScore(TOPOGRAPHIC_WETNESS_INDEX.urban), 0.25);
    near(wetnessScore(TOPOGRAPHIC_WETNESS_INDEX.forest), 0.65);
  });

  test('H never decreases as rx1day grows', () => {
    const site = grid({ landCover: 'grassland', riverDistanceM: 800 });
    let previous = 0;
    for (let mm = 0; mm <= 700; mm += 5) {
      const h = riverFloodScore(indicators(2050, { rx1day: mm }), site);
      assert.ok(h >= previous, `at ${mm} mm`);
      previous = h;
    }
  });

  test('river proximity factor boundaries: 1 km and 5 km are "within"', () => {
    assert.deepEqual(
      [0, 1000, 1000.1, 5000, 5000.1].map(riverProximityFactor),
      [1.2, 1.2, 1.0, 1.0, 0.8],
    );
  });
});

test('fire weather index is capped at 100 and is the wildfire intensity scale', () => {
  assert.equal(fireWeatherIndex(indicators(2050, { rhm: 0, ta: 40, ws: 10, prcp: 100 }), 'forest'), 100);
  near(fireWeatherIndex(indicators(2050, { rhm: 68, ta: 13, ws: 2.2, prcp: 1300 }), 'urban'), 45.15917921855125);
});

test('hazardScore dispatches every hazard within 0–1', () => {
  for (const hazard of HAZARDS) {
    const h = hazardScore(hazard, indicators(2050), grid({ coastDistanceM: 3000 }));
    assert.ok(h >= 0 && h <= 1, `${hazard}: ${h}`);
  }
  assert.equal(hazardScore('extreme_heat', indicators(2050), grid()), heatScore(indicators(2050)));
});
