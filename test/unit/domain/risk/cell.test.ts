import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeCell,
  computeSite,
  DEFAULT_CELL_OPTIONS,
  HAZARD_MODEL_VERSION,
  MODEL_VERSION,
  REUSABLE_HAZARD_MODEL_VERSIONS,
  summarizeCell,
} from '../../../../src/domain/risk/cell';
import { BIN_LAYOUTS } from '../../../../src/domain/risk/bins';
import { explainCell } from '../../../../src/domain/risk/explain';
import { InvalidRiskInputError } from '../../../../src/domain/risk/errors';
import { HAZARDS, SCENARIOS, type HazardResult, type SiteInputs } from '../../../../src/domain/risk/types';
import { ALL_YEARS, indicators, series, siteInputs } from './fixtures';

const near = (actual: number, expected: number, tolerance: number, label = '') =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label} expected ${expected} ± ${tolerance}, got ${actual}`);
const resultOf = (results: HazardResult[], hazard: string) => {
  const found = results.find((r) => r.hazard === hazard);
  assert.ok(found, hazard);
  return found;
};

/** Every hazard's intensity trends, with some year-to-year noise. */
const trending = siteInputs({
  grid: { coastDistanceM: 3000, elevationM: 0.5 },
  series: series((_, i) => ({
    wsdi: 2 + 0.25 * i + (i % 3),
    csdi: Math.max(0, 12 - 0.15 * i + (i % 4)),
    spei12: 0.5 - 0.03 * i + 0.4 * Math.sin(i),
    rx1day: 120 + 2 * i + 15 * Math.sin(i),
    rain80: Math.floor(i / 10) + (i % 2),
    slr: 5 + 1.2 * i,
    typhoonIndex: (i * 5) % 9,
    rhm: 70 - 0.1 * i,
    waterWithdrawal: 300 + 5 * i,
  })),
});

describe('computeCell', () => {
  test('nine results in HAZARDS order with well-formed fields', () => {
    const results = computeCell(trending, 'SSP245', 2060);
    assert.deepEqual(results.map((r) => r.hazard), [...HAZARDS]);
    for (const r of results) {
      assert.equal(r.pBins.length, BIN_LAYOUTS[r.hazard].damageRatios.length, r.hazard);
      near(r.pBins.reduce((a, b) => a + b, 0), 1, 1e-12, r.hazard);
      assert.ok(r.pBins.every((p) => p >= 0 && p <= 1), r.hazard);
      for (const score of [r.h, r.e, r.v, r.integratedScore]) assert.ok(score >= 0 && score <= 100, `${r.hazard} ${score}`);
      assert.ok(r.baseAal >= 0 && r.finalAal >= 0, r.hazard);
      assert.ok(Number.isInteger(r.expectedLoss), r.hazard);
      assert.equal(r.integratedScore, Math.round(r.integratedScore * 100) / 100);
      assert.equal(typeof r.grade, 'string');
    }
  });

  test("heat oracle end to end: window 'all' reproduces the original for every year", () => {
    const inputs = siteInputs({ series: series((_, i) => ({ wsdi: 2 + 0.25 * i })) });
    for (const year of [2021, 2060, 2100]) {
      const heat = resultOf(computeCell(inputs, 'SSP585', year, { windowYears: 'all' }), 'extreme_heat');
      [0.2863, 0.0367, 0.0184, 0.0147, 0.6439].forEach((p, i) => near(heat.pBins[i], p, 5e-5, `bin ${i}`));
      assert.equal(Math.round(heat.baseAal * 1e6) / 1e6, 0.023411);
    }
  });

  test('heat oracle chained into money: V 50, no insurance → 2.3411 %', () => {
    // Fixture office is V 55; a residential RC 3-floor building over 21 years is 50 − 10 + 10 = 50.
    const inputs = siteInputs({
      building: { purpose: 'residential', floorsAbove: 3, ageYears: 21 },
      series: series((_, i) => ({ wsdi: 2 + 0.25 * i })),
    });
    const heat = resultOf(computeCell(inputs, 'SSP126', 2050, { windowYears: 'all' }), 'extreme_heat');
    assert.equal(heat.v, 50);
    assert.equal(Math.round(heat.finalAal * 100 * 1e4) / 1e4, 2.3411);
  });

  test('urban flood oracle end to end: rain80 [0, 4] in a 2-year window → [.5, 0, .5, 0, 0], base 0.05', () => {
    const inputs = siteInputs({ series: series((year) => ({ rain80: year === 2051 ? 4 : 0 })) });
    const urban = resultOf(computeCell(inputs, 'SSP370', 2051, { windowYears: 2 }), 'urban_flood');
    assert.deepEqual(urban.pBins, [0.5, 0, 0.5, 0, 0]);
    near(urban.baseAal, 0.05, 1e-15);
  });

  test('with the default 30-year window, AAL follows the trend', () => {
    assert.deepEqual(DEFAULT_CELL_OPTIONS, { windowYears: 30 });
    const early = computeCell(trending, 'SSP585', 2030);
    const late = computeCell(trending, 'SSP585', 2090);
    for (const hazard of ['extreme_heat', 'river_flood', 'sea_level_rise', 'drought'] as const) {
      assert.ok(resultOf(late, hazard).baseAal > resultOf(early, hazard).baseAal, hazard);
    }
    assert.ok(resultOf(late, 'extreme_cold').baseAal < resultOf(early, 'extreme_cold').baseAal);
  });

  test('drought exposure follows the window climate: means over the P(H) window, not one year', () => {
    // Residential: low water dependency, 25. 2030's window (2021–2050) is wet; 2090's (2071–2100) is dry.
    const wetThenDry = siteInputs({ building: { purpose: 'residential' }, series: series((year) => ({ prcp: year < 2060 ? 1400 : 700 })) });
    assert.equal(resultOf(computeCell(wetThenDry, 'SSP245', 2030), 'drought').e, 25);
    assert.equal(resultOf(computeCell(wetThenDry, 'SSP245', 2090), 'drought').e, 40);
    // 2060's window 2045–2074 holds 15 wet and 15 dry years: mean 1,050 mm (+5), though 2060 itself is dry (+15).
    assert.equal(resultOf(computeCell(wetThenDry, 'SSP245', 2060), 'drought').e, 30);
    // Mean cdd over the window: 45 days in half the years and 55 in the other half is a mean of 50, not > 50.
    const spells = siteInputs({ building: { purpose: 'residential' }, series: series((_, i) => ({ cdd: i % 2 === 0 ? 45 : 55 })) });
    assert.equal(resultOf(computeCell(spells, 'SSP245', 2060), 'drought').e, 25 + 5);
  });

  test('E and V explained: every hazard lists its fired rules, summing (clamped) to the stored E and V', () => {
    for (const year of [2030, 2090]) {
      const results = computeCell(trending, 'SSP585', year);
      const explained = explainCell(trending, 'SSP585', year);
      assert.deepEqual(explained.map((x) => x.hazard), [...HAZARDS]);
      const total = (rules: { points: number }[]) => Math.min(100, Math.max(0, rules.reduce((sum, r) => sum + r.points, 0)));
      for (const [i, x] of explained.entries()) {
        assert.equal(total(x.exposure), results[i].e, `${x.hazard} E`);
        assert.equal(total(x.vulnerability), results[i].v, `${x.hazard} V`);
        assert.ok(x.vulnerability.some((r) => r.rule === 'base'), x.hazard);
      }
    }
  });

  test('each scenario uses its own series and baseline', () => {
    const flat = series(() => ({ wsdi: 5 }));
    const hot = series((_, i) => ({ wsdi: 5 + 0.5 * i, su25: 150 }));
    const inputs = siteInputs({ series: flat, seriesByScenario: { SSP585: hot } });
    const cool = resultOf(computeCell(inputs, 'SSP126', 2080), 'extreme_heat');
    const warm = resultOf(computeCell(inputs, 'SSP585', 2080), 'extreme_heat');
    assert.ok(warm.h > cool.h);
    assert.notDeepEqual(warm.pBins, cool.pBins);
  });

  test('series order does not matter', () => {
    const shuffled: SiteInputs = { ...trending, series: { ...trending.series, SSP126: [...trending.series.SSP126].reverse() } };
    assert.deepEqual(computeCell(shuffled, 'SSP126', 2070), computeCell(trending, 'SSP126', 2070));
  });

  test('model versions: the whole model is risk-model/2; grid rows keep the hazard model, which risk-model/1 rows share', () => {
    assert.equal(MODEL_VERSION, 'risk-model/2');
    assert.equal(HAZARD_MODEL_VERSION, 'hazard-model/1');
    assert.deepEqual(REUSABLE_HAZARD_MODEL_VERSIONS, ['hazard-model/1', 'risk-model/1']);
  });
});

describe('computeSite', () => {
  test('every (scenario, year) cell, scenario-major, equal to computeCell', () => {
    const years = [2021, 2050, 2100];
    const cells = computeSite(trending, SCENARIOS, years);
    assert.equal(cells.length, SCENARIOS.length * years.length);
    assert.deepEqual(cells.slice(0, 3).map((c) => [c.scenario, c.year]), [['SSP126', 2021], ['SSP126', 2050], ['SSP126', 2100]]);
    for (const cell of cells) {
      assert.deepEqual(cell.results, computeCell(trending, cell.scenario, cell.year));
    }
  });

  test('a whole site is 320 cells × 9 hazards', () => {
    const cells = computeSite(trending, SCENARIOS, ALL_YEARS, { windowYears: 'all' });
    assert.equal(cells.length, 320);
    assert.equal(cells.reduce((n, c) => n + c.results.length, 0), 2880);
  });
});

describe('invalid inputs raise InvalidRiskInputError naming the field', () => {
  const invalid: [field: string, inputs: () => SiteInputs][] = [
    ['building.floorAreaM2', () => siteInputs({ building: { floorAreaM2: Number.NaN } })],
    ['building.floorAreaM2', () => siteInputs({ building: { floorAreaM2: -10 } })],
    ['building.structure', () => siteInputs({ building: { structure: 'adobe' as never } })],
    ['building.purpose', () => siteInputs({ building: { purpose: 'castle' as never } })],
    ['building.floorsAbove', () => siteInputs({ building: { floorsAbove: 2.5 } })],
    ['building.hasPiloti', () => siteInputs({ building: { hasPiloti: 'yes' as never } })],
    ['building.hasWaterTank', () => siteInputs({ building: { hasWaterTank: null as never } })],
    ['building.elevationM', () => siteInputs({ building: { elevationM: Number.NaN } })],
    ['building.elevationM', () => siteInputs({ building: { elevationM: 12_000 } })],
    ['asset.insuranceRate', () => siteInputs({ insuranceRate: 1.5 })],
    ['asset.value', () => siteInputs({ value: -1 })],
    ['grid.landCover', () => siteInputs({ grid: { landCover: 'lava' as never } })],
    ['grid.imperviousness', () => siteInputs({ grid: { imperviousness: 1.2 } })],
    ['series.SSP245[3].waterAvailable', () => siteInputs({ series: series((_, i) => (i === 3 ? { waterAvailable: 0 } : {})) })],
    ['series.SSP245[0].rx1day', () => siteInputs({ series: series((_, i) => (i === 0 ? { rx1day: Number.NaN } : {})) })],
    ['series.SSP245', () => siteInputs({ series: [...series(), indicators(2030)] })],
    ['series.SSP245', () => siteInputs({ series: series().filter((row) => row.year !== 2060) })],
    ['series.SSP245', () => siteInputs({ series: series().filter((row) => row.year > 2050) })],
  ];
  for (const [field, inputs] of invalid) {
    test(field, () => {
      assert.throws(
        () => computeCell(inputs(), 'SSP245', 2060),
        (error: unknown) => error instanceof InvalidRiskInputError && error.name === 'InvalidRiskInputError' && error.field === field,
      );
    });
  }
});

describe('summarizeCell', () => {
  const result = (hazard: (typeof HAZARDS)[number], finalAal: number, integratedScore: number): HazardResult => ({
    hazard, h: 0, e: 0, v: 0, pBins: [1], baseAal: finalAal, finalAal, expectedLoss: finalAal * 1e9, integratedScore, grade: 'minimal',
  });

  test('totals, max/mean score and the top three hazards by final AAL', () => {
    const summary = summarizeCell([
      result('extreme_heat', 0.01, 10),
      result('drought', 0.03, 20),
      result('typhoon', 0.02, 5),
      result('wildfire', 0.03, 1),
    ]);
    near(summary.totalFinalAal, 0.09, 1e-15);
    near(summary.totalExpectedLoss, 9e7, 1e-6);
    assert.equal(summary.maxIntegratedScore, 20);
    assert.equal(summary.meanIntegratedScore, 9);
    assert.deepEqual(summary.topHazards, ['drought', 'wildfire', 'typhoon']);
  });

  test('a real cell summarises to its own sums', () => {
    const results = computeCell(trending, 'SSP585', 2070);
    const summary = summarizeCell(results);
    near(summary.totalExpectedLoss, results.reduce((s, r) => s + r.expectedLoss, 0), 1e-6);
    assert.equal(summary.topHazards.length, 3);
  });
});
