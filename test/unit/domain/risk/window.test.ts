import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { yearWindow } from '../../../../src/domain/risk/window';
import { InvalidRiskInputError } from '../../../../src/domain/risk/errors';

describe('P(H) year window', () => {
  const cases: [target: number, size: number | 'all', from: number, to: number][] = [
    [2050, 30, 2035, 2064],
    [2036, 30, 2021, 2050],
    [2021, 30, 2021, 2050],
    [2030, 30, 2021, 2050],
    [2086, 30, 2071, 2100],
    [2100, 30, 2071, 2100],
    [2060, 1, 2060, 2060],
    [2051, 2, 2050, 2051],
    [2060, 11, 2055, 2065],
    [2021, 'all', 2021, 2100],
    [2077, 'all', 2021, 2100],
    [2050, 80, 2021, 2100],
    [2050, 200, 2021, 2100],
  ];
  for (const [target, size, from, to] of cases) {
    test(`${size} years around ${target} → ${from}–${to}`, () => assert.deepEqual(yearWindow(target, size), { from, to }));
  }

  test('a clamped window keeps its full length', () => {
    for (let year = 2021; year <= 2100; year++) {
      const { from, to } = yearWindow(year, 30);
      assert.equal(to - from + 1, 30);
      assert.ok(from >= 2021 && to <= 2100 && from <= year && year <= to);
    }
  });

  test('rejects sizes that are not positive integers', () => {
    for (const size of [0, -5, 2.5, Number.NaN]) {
      assert.throws(() => yearWindow(2050, size), InvalidRiskInputError);
    }
  });
});
