import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BIN_LAYOUTS, OPEN, percentileEdges, resolveOpenEdges, scenarioEdges } from '../../../../src/domain/risk/bins';
import { binProbabilities, kernelBinMasses, sampleStats, scottBandwidth } from '../../../../src/domain/risk/probability';
import { baseAal } from '../../../../src/domain/risk/loss';
import { HAZARDS } from '../../../../src/domain/risk/types';

const near = (actual: number, expected: number, tolerance: number, label = '') =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label} expected ${expected} ± ${tolerance}, got ${actual}`);

/** Oracle 1's series: wsdi_t = 2 + 0.25·(t − 2021), t = 2021…2100. */
const wsdiSeries = Array.from({ length: 80 }, (_, i) => 2 + 0.25 * i);

describe('bin layouts', () => {
  test('one damage ratio per bin for every hazard', () => {
    for (const hazard of HAZARDS) {
      const layout = BIN_LAYOUTS[hazard];
      const bins = layout.kind === 'fixed' ? layout.edges.length - 1 : layout.quantiles.length + 1;
      assert.equal(layout.damageRatios.length, bins, hazard);
    }
  });

  test('count-like intensities start at 0; drought and sea-level depth have an open lower edge', () => {
    for (const hazard of HAZARDS) {
      const edges = scenarioEdges(BIN_LAYOUTS[hazard], wsdiSeries.slice(0, 30));
      assert.equal(edges[edges.length - 1], OPEN, hazard);
      const openLower = hazard === 'drought' || hazard === 'sea_level_rise';
      assert.equal(edges[0], openLower ? OPEN : 0, hazard);
    }
  });

  test('typhoon half-integer edges bin integer indices exactly as 0, (0,5], (5,15], > 15', () => {
    const layout = BIN_LAYOUTS.typhoon;
    assert.equal(layout.kind, 'fixed');
    const edges = resolveOpenEdges(scenarioEdges(layout, []), { min: 0, max: 40 });
    const literalBin = (s: number) => (s === 0 ? 0 : s <= 5 ? 1 : s <= 15 ? 2 : 3);
    for (let s = 0; s <= 40; s++) {
      const p = binProbabilities([s], edges);
      assert.equal(p.indexOf(1), literalBin(s), `S = ${s}`);
    }
  });
});

describe('percentile edges (oracle 1)', () => {
  test('Q80 7.8, Q90 8.525, Q95 8.8875, Q99 9.1775 from the 2021–2050 baseline', () => {
    const edges = percentileEdges(wsdiSeries.slice(0, 30), [0.8, 0.9, 0.95, 0.99], 1);
    assert.equal(edges.length, 6);
    assert.equal(edges[0], 0);
    [7.8, 8.525, 8.8875, 9.1775].forEach((q, i) => near(edges[i + 1] as number, q, 1e-12, `Q${i}`));
    assert.equal(edges[5], OPEN);
  });

  test('baseline order does not matter (sorted internally)', () => {
    const shuffled = wsdiSeries.slice(0, 30).reverse();
    assert.deepEqual(percentileEdges(shuffled, [0.8, 0.99], 1), percentileEdges(wsdiSeries.slice(0, 30), [0.8, 0.99], 1));
  });

  test('the open upper edge becomes max + 0.2·|max| = 26.1 for the whole series', () => {
    const edges = resolveOpenEdges(percentileEdges(wsdiSeries.slice(0, 30), [0.8, 0.9, 0.95, 0.99], 1), sampleStats(wsdiSeries));
    near(edges[5], 26.1, 1e-12);
  });

  test('P ≈ [.2863, .0367, .0184, .0147, .6439] and base AAL 0.023411', () => {
    const layout = BIN_LAYOUTS.extreme_heat;
    const stats = sampleStats(wsdiSeries);
    const edges = resolveOpenEdges(scenarioEdges(layout, wsdiSeries.slice(0, 30)), stats);
    const p = binProbabilities(wsdiSeries, edges, { stats });
    [0.2863, 0.0367, 0.0184, 0.0147, 0.6439].forEach((expected, i) => near(p[i], expected, 5e-5, `bin ${i}`));
    near(p.reduce((a, b) => a + b, 0), 1, 1e-12);
    assert.equal(Math.round(baseAal(p, layout.damageRatios) * 1e6) / 1e6, 0.023411);
  });

  test('a baseline of mostly zero-day years does not collapse the bins', () => {
    const baseline = [...Array.from({ length: 29 }, () => 0), 3];
    const edges = percentileEdges(baseline, [0.8, 0.9, 0.95, 0.99], 1);
    // Q80 = Q90 = Q95 = 0 and Q99 = 2.13: each edge not above the one beneath moves one day up.
    assert.deepEqual(edges, [0, 1, 2, 3, 4, OPEN]);
    const zeros = Array.from({ length: 30 }, () => 0);
    const p = binProbabilities(zeros, resolveOpenEdges(edges, sampleStats(zeros)));
    assert.deepEqual(p, [1, 0, 0, 0, 0]);
  });
});

describe('open edges', () => {
  test('lower edge min − 0.2·|min|, upper edge max + 0.2·|max|, for either sign', () => {
    assert.deepEqual(resolveOpenEdges([OPEN, 1, OPEN], { min: 2, max: 10 }), [1.6, 1, 12]);
    assert.deepEqual(resolveOpenEdges([OPEN, 1, OPEN], { min: -2.5, max: -0.5 }), [-3, 1, -0.4]);
  });

  test('drought: the extreme bin keeps its mass (the 0.8·min defect is fixed)', () => {
    const spei = [-2.5, -1.2, -0.4, 0.3, 1.0, 0.8, -0.9, 0.1, -1.8, 0.5];
    const dryness = spei.map((s) => -s);
    const stats = sampleStats(dryness);
    const edges = resolveOpenEdges(scenarioEdges(BIN_LAYOUTS.drought, []), stats);
    // In SPEI terms the open edge beneath "≤ −2" is −2.5 − 0.5 = −3.
    near(edges[4], 3, 1e-12);
    const p = binProbabilities(dryness, edges, { stats });
    assert.ok(p[3] > 0.05, `extreme-drought bin ${p[3]}`);

    // The original put that edge at 0.8·min(SPEI) = −2: a zero-width extreme bin.
    const originalEdges = [...edges.slice(0, 4), -0.8 * Math.min(...spei)];
    const originalMass = kernelBinMasses(dryness, originalEdges, scottBandwidth(stats));
    near(originalMass[3], 0, 1e-15);
  });

  test('an open upper edge below the last finite edge empties the top bin', () => {
    const samples = [0, 1, 1, 2, 0];
    const edges = resolveOpenEdges(scenarioEdges(BIN_LAYOUTS.urban_flood, []), sampleStats(samples));
    near(edges[5], 2.4, 1e-12);
    const p = binProbabilities(samples, edges);
    assert.equal(p[4], 0);
    near(p.reduce((a, b) => a + b, 0), 1, 1e-12);
  });
});
