/**
 * Turns the region query's rows into the `{code: {year: score}}` map, and says exactly what is
 * missing instead of returning a partial map: a region with no grid point, one whose nearest
 * grid point is beyond the distance limit, or (region, year) pairs without a stored score.
 */

/** One region as the query returns it: its nearest grid point and the scores found for it. */
export interface RegionScoreRow {
  code: string;
  /** Null when no grid point is loaded at all. */
  gridId: number | null;
  distanceKm: number | null;
  /** Years that have a stored score, with `scores[i]` belonging to `years[i]`. */
  years: readonly number[];
  scores: readonly number[];
}

export type RegionGap =
  | { code: string; reason: 'no_grid' }
  | { code: string; reason: 'beyond_max_distance'; gridId: number; distanceKm: number }
  | { code: string; reason: 'no_result'; gridId: number; years: number[] };

export interface RegionScoreMap {
  /** Region code → year → hazard score H (0–100); complete only when `gaps` is empty. */
  regionScores: Record<string, Record<string, number>>;
  /** Nearest grid point per region (for drill-down and for comparing with single lookups). */
  grid: Record<string, { gridId: number; distanceKm: number } | null>;
  gaps: RegionGap[];
  /** (region, year) pairs without a score: the size of the hole `gaps` describes. */
  missingCells: number;
  regions: number;
}

export function assembleRegionScores(rows: readonly RegionScoreRow[], years: readonly number[], maxDistanceKm: number): RegionScoreMap {
  const out: RegionScoreMap = { regionScores: {}, grid: {}, gaps: [], missingCells: 0, regions: rows.length };
  for (const row of rows) {
    if (row.gridId === null || row.distanceKm === null) {
      out.grid[row.code] = null;
      out.gaps.push({ code: row.code, reason: 'no_grid' });
      out.missingCells += years.length;
      continue;
    }
    out.grid[row.code] = { gridId: row.gridId, distanceKm: row.distanceKm };
    // A point beyond the limit is not this region's climate: its scores are not used at all.
    if (row.distanceKm > maxDistanceKm) {
      out.gaps.push({ code: row.code, reason: 'beyond_max_distance', gridId: row.gridId, distanceKm: row.distanceKm });
      out.missingCells += years.length;
      continue;
    }
    const byYear = new Map(row.years.map((y, i) => [y, row.scores[i]]));
    const scores: Record<string, number> = {};
    const missing: number[] = [];
    for (const year of years) {
      const h = byYear.get(year);
      if (h === undefined) missing.push(year);
      else scores[year] = h;
    }
    if (missing.length > 0) {
      out.gaps.push({ code: row.code, reason: 'no_result', gridId: row.gridId, years: missing });
      out.missingCells += missing.length;
    }
    out.regionScores[row.code] = scores;
  }
  return out;
}

/** One line per gap, for problem details and logs. */
export function describeRegionGap(gap: RegionGap, scope: { hazard: string; scenario: string; maxDistanceKm: number }): string {
  switch (gap.reason) {
    case 'no_grid':
      return 'no reference grid is loaded';
    case 'beyond_max_distance':
      return `outside the reference grid: nearest grid point ${gap.gridId} is ${gap.distanceKm.toFixed(1)} km away (limit ${scope.maxDistanceKm} km)`;
    case 'no_result':
      return `no stored ${scope.hazard} score for grid point ${gap.gridId} (${scope.scenario}) in ${gap.years.join(', ')}; run the grid batch for it`;
  }
}
