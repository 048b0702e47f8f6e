import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  binProbabilities,
  countBinShares,
  erf,
  erfc,
  kernelBinMasses,
  normalCdf,
  percentileOfSorted,
  sampleStats,
  scottBandwidth,
} from '../../../../src/domain/risk/probability';

const near = (actual: number, expected: number, tolerance: number, label = '') =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label} expected ${expected} ± ${tolerance}, got ${actual}`);
const nearAll = (actual: readonly number[], expected: readonly number[], tolerance: number) => {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, i) => near(value, expected[i], tolerance, `[${i}]`));
};

describe('error function and normal CDF', () => {
  // Reference values: Abramowitz & Stegun table 7.1 and the standard normal table, to 15 digits.
  const cases: [x: number, erfX: number][] = [
    [0, 0],
    [0.1, 0.112462916018285],
    [0.46875, 0.492613473217938],
    [0.5, 0.520499877813047],
    [1, 0.842700792949715],
    [2, 0.995322265018953],
    [3.5, 0.999999256901628],
  ];
  for (const [x, expected] of cases) {
    test(`erf(${x}) and erf(−${x})`, () => {
      near(erf(x), expected, 1e-14);
      near(erf(-x), -expected, 1e-14);
    });
  }

  test('erfc keeps relative accuracy deep in the tail', () => {
    // erfc(5) = 1.5374597944280348e-12, erfc(10) = 2.088487583762545e-45
    near(erfc(5) / 1.5374597944280348e-12, 1, 1e-13);
    near(erfc(10) / 2.088487583762545e-45, 1, 1e-13);
    assert.equal(erfc(30), 0);
    assert.equal(erfc(-30), 2);
  });

  test('normalCdf matches the standard normal table and is symmetric', () => {
    near(normalCdf(0), 0.5, 1e-16);
    near(normalCdf(1.959963984540054), 0.975, 1e-15);
    near(normalCdf(-1), 0.158655253931457, 1e-15);
    near(normalCdf(-8) / 6.22096057427178e-16, 1, 1e-12);
    for (const z of [0.3, 1.7, 4.2]) near(normalCdf(z) + normalCdf(-z), 1, 1e-15);
  });

  test('the Φ = 1 shortcut above z = 8.3 returns what the full formula rounds to', () => {
    for (let z = 8.3; z < 40; z += 0.01) assert.equal(0.5 * erfc(-z * Math.SQRT1_2), 1, `z = ${z}`);
    assert.equal(normalCdf(8.31), 1);
    assert.ok(normalCdf(8.2) <= 1);
  });
});

describe('percentiles and sample statistics', () => {
  test('linear interpolation like numpy.percentile', () => {
    const sorted = [1, 2, 3, 4];
    near(percentileOfSorted(sorted, 0.5), 2.5, 1e-15);
    near(percentileOfSorted(sorted, 0.8), 3.4, 1e-15);
    assert.equal(percentileOfSorted(sorted, 0), 1);
    assert.equal(percentileOfSorted(sorted, 1), 4);
    assert.equal(percentileOfSorted([7], 0.99), 7);
  });

  test("Scott's bandwidth uses the n−1 standard deviation", () => {
    const stats = sampleStats([1, 2, 3, 4, 5]);
    near(stats.std, Math.sqrt(2.5), 1e-15);
    assert.deepEqual([stats.min, stats.max, stats.mean, stats.count], [1, 5, 3, 5]);
    near(scottBandwidth(stats), 1.145977269496164, 1e-12);
  });
});

describe('kernel integration (oracle 5: closed form)', () => {
  // Expected: mean over samples of Φ((b − x)/h) − Φ((a − x)/h), computed independently (Python math.erf).
  const sets = [
    {
      samples: [1.2, 3.4, 2.2, 5.0, 4.1],
      edges: [0, 2, 3, 4.5, 7],
      bandwidth: 1.0924716171695592,
      masses: [0.23332852795215508, 0.18805958900173247, 0.30491839498524625, 0.23427678440964086],
    },
    {
      samples: [-2.1, -0.5, 0.3, -1.7],
      edges: [-3, -2, -1.5, -1, 1],
      bandwidth: 0.8347915919746285,
      masses: [0.18621008256941957, 0.13577157621087027, 0.1375258882208654, 0.4306517080982451],
    },
  ];
  for (const { samples, edges, bandwidth, masses } of sets) {
    test(`samples ${samples.join(', ')}`, () => {
      near(scottBandwidth(sampleStats(samples)), bandwidth, 1e-14);
      nearAll(kernelBinMasses(samples, edges, bandwidth), masses, 1e-12);
    });
  }

  test('equals numerical integration of the kernel density', () => {
    const samples = [1.2, 3.4, 2.2, 5.0, 4.1];
    const h = scottBandwidth(sampleStats(samples));
    const density = (y: number) =>
      samples.reduce((sum, x) => sum + Math.exp(-0.5 * ((y - x) / h) ** 2), 0) / (samples.length * h * Math.sqrt(2 * Math.PI));
    const simpson = (a: number, b: number, steps = 2000) => {
      const dx = (b - a) / steps;
      let total = density(a) + density(b);
      for (let i = 1; i < steps; i++) total += (i % 2 === 0 ? 2 : 4) * density(a + i * dx);
      return (total * dx) / 3;
    };
    const edges = [-1, 2, 3, 4.5, 9];
    const masses = kernelBinMasses(samples, edges, h);
    masses.forEach((mass, i) => near(mass, simpson(edges[i], edges[i + 1]), 1e-10, `bin ${i}`));
  });

  test('a reversed bin comes out negative before clipping and zero after', () => {
    const samples = [1, 2, 3, 4, 5];
    const edges = [0, 3, 2];
    const [first, reversed] = kernelBinMasses(samples, edges, scottBandwidth(sampleStats(samples)));
    assert.ok(reversed < 0);
    const p = binProbabilities(samples, edges);
    assert.equal(p[1], 0);
    near(p[0], 1, 1e-15);
    assert.ok(first > 0);
  });
});

describe('binProbabilities', () => {
  test('clips and renormalises mass that falls outside the bins', () => {
    const samples = [1, 2, 3, 4, 5];
    const edges = [0, 2, 6];
    const raw = kernelBinMasses(samples, edges, scottBandwidth(sampleStats(samples)));
    const p = binProbabilities(samples, edges);
    const total = raw[0] + raw[1];
    assert.ok(total < 1);
    nearAll(p, [raw[0] / total, raw[1] / total], 1e-15);
  });

  test('fewer than 3 samples: counts per bin', () => {
    assert.deepEqual(binProbabilities([0, 4], [0, 1, 3, 5, 8, 9.6]), [0.5, 0, 0.5, 0, 0]);
    assert.deepEqual(binProbabilities([2.5], [0, 1, 3, 5]), [0, 1, 0]);
  });

  test('zero variance: counts per bin, constant floats included', () => {
    assert.deepEqual(binProbabilities([6, 6, 6, 6], [0, 1, 3, 5, 8, 9.6]), [0, 0, 0, 1, 0]);
    const constant = Array.from({ length: 30 }, () => 0.1 + 0.2);
    assert.deepEqual(binProbabilities(constant, [0, 0.2, 0.4, 0.8, 1]), [0, 1, 0, 0]);
  });

  test('counting: a sample on an edge goes up unless the edge ties below', () => {
    assert.deepEqual(countBinShares([1, 3], [0, 1, 3, 5]), [0, 0.5, 0.5]);
    const depth = countBinShares([0, 0.1, 0.5, 2], [-1, 0, 0.3, 1, 3], [false, true, false, false, false]);
    assert.deepEqual(depth, [0.25, 0.25, 0.25, 0.25]);
  });

  test('counting: samples beyond the outer edges land in the outer bins', () => {
    assert.deepEqual(countBinShares([-5, 50], [0, 1, 3]), [0.5, 0.5]);
  });
});
