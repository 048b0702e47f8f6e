/**
 * Static attributes of one synthetic grid location: land/sea mask, distance to
 * coast, then terrain, land cover and distances to river and forest.
 *
 * Coverage is the Republic of Korea: the mainland south of the military
 * demarcation line, Jeju and Ulleungdo. North Korea, China and open sea return
 * null. A thin band of sea just outside the drawn coastline is kept, with coast
 * distance 0, so a coastal site always has a grid point within one cell.
 */
import type { GridStatic } from '../types';
import { boundsOf, distanceToPolylines, insideRing, nearBounds, round } from './geometry';
import type { Bounds, Vertex } from './geometry';
import { DMZ_BORDER, JEJU_RING, MAINLAND_COAST_LINE, MAINLAND_RING, ULLEUNG_RING } from './korea-features';
import { classifyLand, classifyShore, forestDistanceM, forestScore, imperviousness, urbanness } from './landcover';
import { elevationM, mainRiverDistanceM, plainness, riverDistanceM, terrainM } from './terrain';

interface LandShape {
  ring: readonly Vertex[];
  coast: readonly (readonly Vertex[])[];
  bounds: Bounds;
}

function closed(ring: readonly Vertex[]): Vertex[] {
  return [...ring, ring[0]];
}

const SHAPES: readonly LandShape[] = [
  { ring: MAINLAND_RING, coast: [MAINLAND_COAST_LINE], bounds: boundsOf(MAINLAND_RING) },
  { ring: JEJU_RING, coast: [closed(JEJU_RING)], bounds: boundsOf(JEJU_RING) },
  { ring: ULLEUNG_RING, coast: [closed(ULLEUNG_RING)], bounds: boundsOf(ULLEUNG_RING) },
];

/** Where a location sits relative to the coastline. */
export interface Shoreline {
  /** Inside the drawn coastline (true) or in the coastal band just outside it (false). */
  onLand: boolean;
  coastDistanceM: number;
}

/** Latitude of the border at this longitude; the band must not leak into North Korea. */
function borderLatitude(lon: number): number {
  const first = DMZ_BORDER[0];
  const last = DMZ_BORDER[DMZ_BORDER.length - 1];
  if (lon <= first[1]) return first[0];
  if (lon >= last[1]) return last[0];
  for (let i = 1; i < DMZ_BORDER.length; i++) {
    const [lat1, lon1] = DMZ_BORDER[i];
    if (lon <= lon1) {
      const [lat0, lon0] = DMZ_BORDER[i - 1];
      return lat0 + ((lat1 - lat0) * (lon - lon0)) / (lon1 - lon0);
    }
  }
  return last[0];
}

/** Land/sea classification and coast distance; null for sea beyond the band and for areas outside coverage. */
export function shoreline(lat: number, lon: number, coastalBandM: number): Shoreline | null {
  const marginDeg = coastalBandM / 80_000 + 0.01;
  let onLand = false;
  let coastM = Infinity;
  for (const shape of SHAPES) {
    if (!nearBounds(lat, lon, shape.bounds, marginDeg)) continue;
    if (insideRing(lat, lon, shape.ring)) onLand = true;
    coastM = Math.min(coastM, distanceToPolylines(lat, lon, shape.coast));
  }
  if (onLand) return { onLand, coastDistanceM: coastM };
  if (coastM <= coastalBandM && lat <= borderLatitude(lon)) return { onLand: false, coastDistanceM: 0 };
  return null;
}

/** Static attributes at (lat, lon), or null when the location is sea or outside coverage. */
export function staticAt(lat: number, lon: number, seed: number, coastalBandM: number): (GridStatic & { forestDistanceM: number }) | null {
  const shore = shoreline(lat, lon, coastalBandM);
  if (!shore) return null;
  const urban = urbanness(lat, lon, seed);
  const plain = plainness(lat, lon);
  const terrain = terrainM(lat, lon, seed, urban, plain);
  const mainRiverM = mainRiverDistanceM(lat, lon);
  const score = forestScore(lat, lon, seed, terrain, urban, plain);
  const elevation = shore.onLand ? elevationM(terrain, shore.coastDistanceM) : 1;
  const landCover =
    classifyShore(lat, lon, shore.onLand) ??
    classifyLand({ lat, lon, seed, urban, forestScore: score, elevationM: elevation, mainRiverM });
  return {
    latitude: lat,
    longitude: lon,
    landCover,
    imperviousness: round(imperviousness(landCover, urban, seed, lat, lon), 3),
    riverDistanceM: Math.round(riverDistanceM(lat, lon, seed, mainRiverM)),
    coastDistanceM: Math.round(shore.coastDistanceM),
    forestDistanceM: Math.round(forestDistanceM(lat, lon, seed, landCover, score)),
    elevationM: Math.round(elevation),
  };
}
