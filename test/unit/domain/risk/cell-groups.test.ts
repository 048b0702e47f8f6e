import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeCellGroup, groupCells, planCellGroups } from '../../../../src/domain/risk/cell-groups';
import { SCENARIOS } from '../../../../src/domain/risk/types';

test('a full assessment is 4 scenarios × 80 years = 320 cells, in groups of the configured size', () => {
  const groups = planCellGroups(SCENARIOS, 2021, 2100, 10);
  assert.equal(groups.length, 32);
  assert.equal(groups.reduce((n, g) => n + g.years.length, 0), 320);
  assert.deepEqual(groups[0], { scenario: 'SSP126', years: [2021, 2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030] });
  assert.deepEqual(groups[31].years.at(-1), 2100);
  assert.equal(planCellGroups(SCENARIOS, 2021, 2100, 1).length, 320);
  assert.equal(planCellGroups(['SSP585'], 2021, 2100, 80).length, 1);
});

test('a last partial group keeps the remainder', () => {
  const groups = planCellGroups(['SSP245'], 2021, 2045, 10);
  assert.deepEqual(groups.map((g) => g.years.length), [10, 10, 5]);
});

test('failed cells regroup by scenario in year order, without duplicates', () => {
  const groups = groupCells(
    [
      { scenario: 'SSP585', year: 2050 },
      { scenario: 'SSP126', year: 2030 },
      { scenario: 'SSP585', year: 2040 },
      { scenario: 'SSP585', year: 2040 },
    ],
    10,
  );
  assert.deepEqual(groups, [
    { scenario: 'SSP126', years: [2030] },
    { scenario: 'SSP585', years: [2040, 2050] },
  ]);
});

test('group size must be a positive integer', () => {
  assert.throws(() => groupCells([], 0), RangeError);
});

test('groups describe themselves for the Web UI', () => {
  assert.equal(describeCellGroup({ scenario: 'SSP245', years: [2031, 2032, 2040] }), 'SSP245 2031–2040');
  assert.equal(describeCellGroup({ scenario: 'SSP126', years: [2050] }), 'SSP126 2050');
});
