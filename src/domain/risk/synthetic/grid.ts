/**
 * The regular lat/lon grid over South Korea and its stable point ids.
 *
 * Row 0 is the southern edge (lat 33), column 0 the western edge (lon 124.5);
 * id = row * nCols + col. At 0.01° that is 601 × 751 = 451,351 cells, the same
 * lattice as the original service; only land cells (plus a thin coastal band)
 * become points.
 */
import type { GridStatic } from '../types';
import { M_PER_DEG_LAT, round } from './geometry';
import { staticAt } from './geography';

export interface GridSpec {
  /** Cell size in degrees of latitude and longitude. */
  resolutionDeg: number;
  /** Any unsigned 32-bit integer; the same seed always yields the same data. */
  seed: number;
}

export const DEFAULT_GRID_SPEC: GridSpec = Object.freeze({ resolutionDeg: 0.1, seed: 42 });

export const GRID_BOUNDS = Object.freeze({ minLat: 33, maxLat: 39, minLon: 124.5, maxLon: 132 });

export interface GridPoint extends GridStatic {
  /** Stable within one resolution: row * nCols + col. */
  id: number;
  /** The generator always derives one from its forest mask. */
  forestDistanceM: number;
}

export interface GridShape {
  nRows: number;
  nCols: number;
}

/** Finer than ~500 m would be finer than the shapes it samples, and the lattice would pass 10 million cells. */
const MIN_RESOLUTION_DEG = 0.005;
const MAX_RESOLUTION_DEG = 1;
/** Latitude and longitude are rounded to this many decimals so ids and coordinates match exactly across runs. */
const COORD_DECIMALS = 6;

export function validateGridSpec(spec: GridSpec): void {
  const r = spec.resolutionDeg;
  if (!Number.isFinite(r) || r < MIN_RESOLUTION_DEG || r > MAX_RESOLUTION_DEG) {
    throw new RangeError(`resolutionDeg must be within [${MIN_RESOLUTION_DEG}, ${MAX_RESOLUTION_DEG}], got ${r}`);
  }
  if (!Number.isInteger(spec.seed) || spec.seed < 0 || spec.seed > 0xffffffff) {
    throw new RangeError(`seed must be an unsigned 32-bit integer, got ${spec.seed}`);
  }
}

export function gridShape(spec: GridSpec): GridShape {
  validateGridSpec(spec);
  const r = spec.resolutionDeg;
  // The epsilon keeps 6 / 0.01 = 599.9999… from dropping the last row.
  const nRows = Math.floor((GRID_BOUNDS.maxLat - GRID_BOUNDS.minLat) / r + 1e-9) + 1;
  const nCols = Math.floor((GRID_BOUNDS.maxLon - GRID_BOUNDS.minLon) / r + 1e-9) + 1;
  return { nRows, nCols };
}

/** Coordinates of a grid id (whether or not that cell is land). */
export function gridCoordinates(id: number, spec: GridSpec): { latitude: number; longitude: number } {
  const { nRows, nCols } = gridShape(spec);
  if (!Number.isInteger(id) || id < 0 || id >= nRows * nCols) throw new RangeError(`grid id out of range: ${id}`);
  const row = Math.floor(id / nCols);
  const col = id - row * nCols;
  return {
    latitude: round(GRID_BOUNDS.minLat + row * spec.resolutionDeg, COORD_DECIMALS),
    longitude: round(GRID_BOUNDS.minLon + col * spec.resolutionDeg, COORD_DECIMALS),
  };
}

/**
 * Id of the lattice cell nearest to (lat, lon) by snapping, or null outside the
 * grid. The cell may be sea; callers that need a land point must check that the
 * id exists in their data.
 */
export function nearestGridId(lat: number, lon: number, spec: GridSpec): number | null {
  const { nRows, nCols } = gridShape(spec);
  const row = Math.round((lat - GRID_BOUNDS.minLat) / spec.resolutionDeg);
  const col = Math.round((lon - GRID_BOUNDS.minLon) / spec.resolutionDeg);
  if (!(row >= 0 && row < nRows && col >= 0 && col < nCols)) return null;
  return row * nCols + col;
}

/** Half a cell, so that every stretch of coast has a grid point within one cell of it. */
function coastalBandM(spec: GridSpec): number {
  return Math.max(500, 0.5 * spec.resolutionDeg * M_PER_DEG_LAT);
}

/**
 * Streams the grid's land points in id order, one at a time, so callers can
 * batch-insert the 0.01° grid without holding it in memory.
 */
export function* iterateGridPoints(spec: GridSpec): Generator<GridPoint, void, undefined> {
  const { nRows, nCols } = gridShape(spec);
  const band = coastalBandM(spec);
  for (let row = 0; row < nRows; row++) {
    const lat = round(GRID_BOUNDS.minLat + row * spec.resolutionDeg, COORD_DECIMALS);
    for (let col = 0; col < nCols; col++) {
      const lon = round(GRID_BOUNDS.minLon + col * spec.resolutionDeg, COORD_DECIMALS);
      const statics = staticAt(lat, lon, spec.seed, band);
      if (statics) yield { id: row * nCols + col, ...statics };
    }
  }
}

/** All land points of the grid, in id order. */
export function generateGridPoints(spec: GridSpec): GridPoint[] {
  return Array.from(iterateGridPoints(spec));
}
