import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assembleRegionScores, describeRegionGap, type RegionScoreRow } from '../../../../../src/domain/risk/regions/scores';

const YEARS = [2030, 2050];
const row = (code: string, over: Partial<RegionScoreRow> = {}): RegionScoreRow => ({ code, gridId: 7, distanceKm: 3, years: YEARS, scores: [10, 20], ...over });
const scope = { hazard: 'drought', scenario: 'SSP245', maxDistanceKm: 20 };

describe('assembleRegionScores', () => {
  test('maps every region and year when all are there', () => {
    const out = assembleRegionScores([row('A'), row('B', { scores: [30, 40.5] })], YEARS, 20);
    assert.deepEqual(out.regionScores, { A: { 2030: 10, 2050: 20 }, B: { 2030: 30, 2050: 40.5 } });
    assert.deepEqual([out.gaps, out.missingCells, out.regions], [[], 0, 2]);
    assert.deepEqual(out.grid.A, { gridId: 7, distanceKm: 3 });
  });

  test('a zero score is a score, not a hole', () => {
    const out = assembleRegionScores([row('A', { scores: [0, 0] })], YEARS, 20);
    assert.deepEqual([out.regionScores.A, out.gaps], [{ 2030: 0, 2050: 0 }, []]);
  });

  test('reports missing years, far grid points and an empty grid, counting every missing region × year', () => {
    const out = assembleRegionScores(
      [
        row('A', { years: [2050], scores: [20] }),
        row('B', { distanceKm: 25.04 }),
        row('C', { gridId: null, distanceKm: null, years: [], scores: [] }),
        row('D'),
      ],
      YEARS,
      20,
    );
    assert.deepEqual(out.gaps, [
      { code: 'A', reason: 'no_result', gridId: 7, years: [2030] },
      { code: 'B', reason: 'beyond_max_distance', gridId: 7, distanceKm: 25.04 },
      { code: 'C', reason: 'no_grid' },
    ]);
    assert.equal(out.missingCells, 1 + 2 + 2);
    assert.equal(out.grid.C, null);
    assert.equal(out.regionScores.B, undefined, 'scores of a point beyond the limit are not used');
    assert.match(describeRegionGap(out.gaps[0], scope), /no stored drought score for grid point 7 \(SSP245\) in 2030/);
    assert.match(describeRegionGap(out.gaps[1], scope), /25\.0 km away \(limit 20 km\)/);
    assert.match(describeRegionGap(out.gaps[2], scope), /no reference grid/);
  });

  test('the distance limit is inclusive', () => {
    assert.deepEqual(assembleRegionScores([row('A', { distanceKm: 20 })], YEARS, 20).gaps, []);
  });
});
