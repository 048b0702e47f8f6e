import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aalGrade,
  baseAal,
  expectedLoss,
  finalAal,
  integratedScore,
  riskLevel,
  vulnerabilityFactor,
} from '../../../../src/domain/risk/loss';
import { BIN_LAYOUTS } from '../../../../src/domain/risk/bins';
import { binProbabilities } from '../../../../src/domain/risk/probability';

const near = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `expected ${expected} ± ${tolerance}, got ${actual}`);

describe('final AAL and money (oracle 2)', () => {
  test('V = 50, no insurance: 2.3411 %, and 234,110,000 KRW on 1e10', () => {
    const rate = finalAal(0.023411, 50, 0);
    near(rate * 100, 2.3411, 1e-6);
    assert.equal(expectedLoss(rate, 1e10), 234_110_000);
  });

  test('V = 80, 30 % insured: 1.737096 %', () => {
    near(finalAal(0.023411, 80, 0.3) * 100, 1.737096, 1e-6);
  });

  test('F_vuln runs from 0.9 at V = 0 to 1.1 at V = 100', () => {
    near(vulnerabilityFactor(0), 0.9, 1e-15);
    near(vulnerabilityFactor(50), 1, 1e-15);
    near(vulnerabilityFactor(100), 1.1, 1e-15);
  });

  test('fully insured assets lose nothing', () => {
    assert.equal(finalAal(0.05, 70, 1), 0);
  });
});

describe('integrated score (oracle 3) and levels', () => {
  test('H 14.4, E 70, V 50 → 5.04', () => assert.equal(integratedScore(14.4, 70, 50), 5.04));

  test('rounded to 2 decimals, halves away from zero', () => {
    assert.equal(integratedScore(100, 100, 100), 100);
    assert.equal(integratedScore(33.333, 50, 60), 10);
    assert.equal(integratedScore(10.05, 10, 100), 1.01);
  });

  test('level bands at 80 / 60 / 40 / 20', () => {
    const scores = [100, 80, 79.99, 60, 59.99, 40, 39.99, 20, 19.99, 0];
    assert.deepEqual(scores.map(riskLevel), [
      'very_high', 'very_high', 'high', 'high', 'medium', 'medium', 'low', 'low', 'very_low', 'very_low',
    ]);
  });
});

describe('grades on final AAL', () => {
  const cases: [rate: number, grade: string][] = [
    [0, 'none'],
    [0.0001, 'minimal'],
    [0.0299, 'minimal'],
    [0.03, 'minor'],
    [0.0599, 'minor'],
    [0.06, 'moderate'],
    [0.1, 'major'],
    [0.1599, 'major'],
    [0.16, 'severe'],
    [0.2999, 'severe'],
    [0.3, 'extreme'],
    [0.9, 'extreme'],
  ];
  for (const [rate, grade] of cases) test(`${rate * 100} % → ${grade}`, () => assert.equal(aalGrade(rate), grade));
});

describe('base AAL', () => {
  test('urban flood with rain80 samples [0, 4] (oracle 4): counting gives [.5, 0, .5, 0, 0] and 0.05', () => {
    const p = binProbabilities([0, 4], [0, 1, 3, 5, 8, 4.8]);
    assert.deepEqual(p, [0.5, 0, 0.5, 0, 0]);
    near(baseAal(p, BIN_LAYOUTS.urban_flood.damageRatios), 0.05, 1e-15);
  });

  test('needs one damage ratio per bin', () => {
    assert.throws(() => baseAal([0.5, 0.5], [0.1]), RangeError);
  });
});
