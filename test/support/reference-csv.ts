import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateYearlyIndicators, iterateGridPoints, type GridPoint, type GridSpec } from '../../src/domain/risk/synthetic';
import { SCENARIOS } from '../../src/domain/risk/types';
import { INDICATOR_COLUMNS } from '../../src/infra/risk/queries/reference';
import { GRID_CSV_COLUMNS, INDICATOR_CSV_COLUMNS } from '../../src/infra/risk/reference-data/csv-rows';

/** Synthetic land points inside a box, as a real dataset's few points would be. */
export function syntheticPointsIn(box: { minLat: number; maxLat: number; minLon: number; maxLon: number }, spec: GridSpec): GridPoint[] {
  const points: GridPoint[] = [];
  for (const p of iterateGridPoints(spec)) {
    if (p.latitude >= box.minLat && p.latitude <= box.maxLat && p.longitude >= box.minLon && p.longitude <= box.maxLon) points.push(p);
  }
  return points;
}

const GRID_FIELD: Record<string, (p: GridPoint) => number | string> = {
  id: (p) => p.id,
  land_cover: (p) => p.landCover,
  latitude: (p) => p.latitude,
  longitude: (p) => p.longitude,
  imperviousness: (p) => p.imperviousness,
  river_distance_m: (p) => p.riverDistanceM,
  coast_distance_m: (p) => p.coastDistanceM,
  forest_distance_m: (p) => p.forestDistanceM,
  elevation_m: (p) => p.elevationM,
};

/**
 * `grid_points.csv` and `yearly_indicators.csv` in the import format (docs/reference-data.md) for
 * some synthetic points; the points in `withoutForestDistance` get an empty forest_distance_m, as
 * a dataset without that layer would.
 */
export function writeReferenceCsv(dir: string, points: readonly GridPoint[], spec: GridSpec, withoutForestDistance: ReadonlySet<number>): { gridPath: string; indicatorsPath: string } {
  const gridLines = [GRID_CSV_COLUMNS.join(',')];
  for (const p of points) {
    gridLines.push(GRID_CSV_COLUMNS.map((c) => (c === 'forest_distance_m' && withoutForestDistance.has(p.id) ? '' : String(GRID_FIELD[c](p)))).join(','));
  }
  const indicatorLines = [INDICATOR_CSV_COLUMNS.join(',')];
  for (const p of points) {
    for (const scenario of SCENARIOS) {
      for (const row of generateYearlyIndicators(p, scenario, spec)) {
        const values = INDICATOR_COLUMNS.map(([, key]) => (row[key] === null ? '' : String(row[key])));
        indicatorLines.push([p.id, scenario, row.year, ...values].join(','));
      }
    }
  }
  const gridPath = path.join(dir, 'grid_points.csv');
  const indicatorsPath = path.join(dir, 'yearly_indicators.csv');
  writeFileSync(gridPath, `${gridLines.join('\n')}\n`);
  writeFileSync(indicatorsPath, `${indicatorLines.join('\n')}\n`);
  return { gridPath, indicatorsPath };
}
