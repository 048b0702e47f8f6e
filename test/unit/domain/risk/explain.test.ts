import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeCell, DEFAULT_CELL_OPTIONS } from '../../../../src/domain/risk/cell';
import { explainResults } from '../../../../src/domain/risk/explain';
import { HAZARDS } from '../../../../src/domain/risk/types';
import { series, siteInputs } from './fixtures';

const near = (actual: number, expected: number, tolerance: number, label = '') =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label} expected ${expected} ± ${tolerance}, got ${actual}`);

// Oracle 1 of the spec: wsdi_t = 2 + 0.25·(t − 2021), window 'all'.
const heatOracle = siteInputs({ series: series((year) => ({ wsdi: 2 + 0.25 * (year - 2021) })), insuranceRate: 0.2 });
const trending = siteInputs({
  building: { floorsBelow: 2, hasWaterTank: undefined, elevationM: 4 },
  grid: { forestDistanceM: null, landCover: 'agricultural', riverDistanceM: 60 },
  insuranceRate: 0.3,
  series: series((_, i) => ({ wsdi: 3 + 0.3 * i + (i % 4), rx1day: 120 + 2 * i + (i % 7) * 9, slr: 0.9 * i, rain80: i % 6, typhoonIndex: i % 9 })),
});

describe('explainResults: where a result comes from', () => {
  test('reproduces every number of computeCell for all nine hazards, at full precision', () => {
    for (const year of [2021, 2050, 2100]) {
      const results = computeCell(trending, 'SSP370', year);
      const explained = explainResults(trending, 'SSP370', HAZARDS.map((hazard) => ({ year, hazard })));
      for (const [i, x] of explained.entries()) {
        const r = results[i];
        assert.equal(x.hazard, r.hazard);
        assert.equal(x.h, r.h, `${r.hazard} H`);
        assert.deepEqual(x.bins.map((b) => b.p), r.pBins, `${r.hazard} P`);
        assert.equal(x.baseAal.value, r.baseAal, `${r.hazard} base AAL`);
        assert.equal(x.exposure.score, r.e, `${r.hazard} E`);
        assert.equal(x.vulnerability.score, r.v, `${r.hazard} V`);
        assert.equal(x.finalAal.value, r.finalAal, `${r.hazard} final AAL`);
        assert.equal(x.expectedLoss.value, r.expectedLoss, `${r.hazard} loss`);
        assert.equal(x.integratedScore.value, r.integratedScore, `${r.hazard} score`);
        assert.equal(x.grade, r.grade);
        assert.equal(x.bins.length + 1, x.edges.resolved.length);
        near(x.bins.reduce((s, b) => s + b.p, 0), 1, 1e-12, r.hazard);
        const sum = x.exposure.rules.reduce((s, rule) => s + rule.points, 0);
        assert.equal(Math.min(100, Math.max(0, sum)), r.e);
      }
    }
  });

  test('the heat oracle shows its percentile edges, open edge, P per bin and base AAL', () => {
    const [x] = explainResults(heatOracle, 'SSP245', [{ year: 2060, hazard: 'extreme_heat' }], { windowYears: 'all' });
    assert.equal(x.edges.kind, 'percentile');
    assert.deepEqual(x.edges.baselineYears, [2021, 2050]);
    assert.deepEqual(x.edges.beforeOpenEdges.slice(0, 1), [0]);
    assert.equal(x.edges.beforeOpenEdges.at(-1), 'open');
    [0, 7.8, 8.525, 8.8875, 9.1775, 26.1].forEach((edge, i) => near(x.edges.resolved[i], edge, 1e-12, `edge ${i}`));
    [0.2863, 0.0367, 0.0184, 0.0147, 0.6439].forEach((p, i) => near(x.bins[i].p, p, 5e-5, `P${i}`));
    assert.deepEqual(x.bins.map((b) => b.damageRatio), [0.001, 0.003, 0.01, 0.02, 0.035]);
    near(x.baseAal.value, 0.023411, 5e-7);
    assert.deepEqual({ from: x.window.from, to: x.window.to, samples: x.window.samples }, { from: 2021, to: 2100, samples: 80 });
    assert.equal(x.probability.method, 'kernel');
    assert.ok(x.probability.bandwidth! > 0);
    assert.equal(x.intensity.thisYear, 2 + 0.25 * 39);
  });

  test('the final-AAL formula carries its numbers, and they evaluate to the value', () => {
    const [x] = explainResults(heatOracle, 'SSP245', [{ year: 2050, hazard: 'extreme_heat' }], DEFAULT_CELL_OPTIONS);
    const v = x.vulnerability.score;
    assert.equal(x.finalAal.formula, 'base AAL × (0.9 + 0.2 × V / 100) × (1 − insurance rate)');
    assert.ok(x.finalAal.substituted.startsWith(`${x.baseAal.value} × (0.9 + 0.2 × ${v} / 100) × (1 − 0.2)`), x.finalAal.substituted);
    near(x.finalAal.value, x.baseAal.value * (0.9 + (0.2 * v) / 100) * 0.8, 1e-15);
    assert.equal(x.expectedLoss.substituted, `round(${x.finalAal.value} × 10000000000)`);
    assert.match(x.integratedScore.substituted, new RegExp(`^round\\(${x.h} × ${x.exposure.score} × ${v} / 10000, 2\\)$`));
  });

  test('a grid point without a forest distance is estimated from land cover, and says so', () => {
    const [x] = explainResults(trending, 'SSP126', [{ year: 2040, hazard: 'wildfire' }]);
    assert.equal(x.exposure.forestDistanceSource, 'land cover');
    assert.equal(x.exposure.facts.forestDistanceM, 300);
    assert.deepEqual(x.exposure.rules, [{ rule: 'forest ≤ 500 m', points: 40 }]);
    // Tank not given: 8 floors and 12,000 m² require one by law.
    const [water] = explainResults(trending, 'SSP126', [{ year: 2040, hazard: 'water_stress' }]);
    assert.equal(water.vulnerability.facts.hasWaterTank, undefined);
    assert.ok(water.vulnerability.rules.some((r) => r.rule === 'tank unknown, required by law'));
  });
});
