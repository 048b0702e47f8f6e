/**
 * SYNTHETIC climate reference data for South Korea: a seeded, deterministic
 * stand-in for the real grid and indicator tables, with plausible magnitudes,
 * spatial structure and scenario trends. It is not observed or projected data;
 * everything derived from it must carry SYNTHETIC_SOURCE. See
 * docs/reference-data.md.
 */
export {
  DEFAULT_GRID_SPEC,
  GRID_BOUNDS,
  generateGridPoints,
  gridCoordinates,
  gridShape,
  iterateGridPoints,
  nearestGridId,
  validateGridSpec,
} from './grid';
export type { GridPoint, GridShape, GridSpec } from './grid';
export { generateYearlyIndicators } from './climate';
export { warmingC } from './scenario';

/** Label stored with every synthetic row so nobody mistakes it for real data. */
export const SYNTHETIC_SOURCE = 'synthetic/v1';
