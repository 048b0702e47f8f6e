/**
 * Administrative regions for the region score map: a code, a display name and a centroid. The
 * score of a region is the hazard score of the grid point nearest its centroid
 * (docs/reference-data.md, "Regions").
 */
export interface Region {
  code: string;
  name: string;
  latitude: number;
  longitude: number;
}

/** Region codes travel in URLs and JSON keys, so keep them to a safe alphabet. */
export const REGION_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MAX_REGION_NAME_LENGTH = 200;

/** Years a region map covers when the caller names none: 2025, 2030, …, 2100 (16 years). */
export const DEFAULT_REGION_YEARS: readonly number[] = Object.freeze(Array.from({ length: 16 }, (_, i) => 2025 + 5 * i));

/** Bounds on one request's year list: every year of the model at most. */
export const MAX_REGION_YEARS = 80;
