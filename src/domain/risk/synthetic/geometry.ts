/**
 * Planar geometry on small lat/lon shapes. Distances use a local
 * equirectangular projection centred on the query point: over the few hundred
 * kilometres of South Korea that is within about 1 % of great-circle distance,
 * which is far below the crudeness of the synthetic shapes themselves.
 */

/** A vertex as [latitude, longitude] in degrees. */
export type Vertex = readonly [lat: number, lon: number];

export const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LON_EQUATOR = 111_320;

export function metresPerDegLon(lat: number): number {
  return M_PER_DEG_LON_EQUATOR * Math.cos((lat * Math.PI) / 180);
}

export function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

/** Rounds to a fixed number of decimals so stored values survive a CSV round trip unchanged. */
export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(value * f) / f;
  return r === 0 ? 0 : r; // no "-0" in exports
}

export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = clamp((x - edge0) / (edge1 - edge0), 0, 1);
  return t * t * (3 - 2 * t);
}

/** Result of projecting a point onto a polyline. */
export interface Closest {
  /** Distance in metres. */
  distanceM: number;
  /** Index of the closest segment. */
  segment: number;
  /** Position along that segment, 0–1. */
  t: number;
  /** Cross product sign: > 0 when the point is left of the segment's direction. */
  side: number;
}

/** Closest approach of (lat, lon) to an open polyline. */
export function closestOnPolyline(lat: number, lon: number, line: readonly Vertex[]): Closest {
  const kx = metresPerDegLon(lat);
  const best: Closest = { distanceM: Infinity, segment: 0, t: 0, side: 0 };
  let bestSq = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const ax = (line[i][1] - lon) * kx;
    const ay = (line[i][0] - lat) * M_PER_DEG_LAT;
    const dx = (line[i + 1][1] - lon) * kx - ax;
    const dy = (line[i + 1][0] - lat) * M_PER_DEG_LAT - ay;
    const lenSq = dx * dx + dy * dy;
    const t = lenSq > 0 ? clamp(-(ax * dx + ay * dy) / lenSq, 0, 1) : 0;
    const px = ax + t * dx;
    const py = ay + t * dy;
    const dSq = px * px + py * py;
    if (dSq < bestSq) {
      bestSq = dSq;
      best.segment = i;
      best.t = t;
      best.side = dx * -ay - dy * -ax;
    }
  }
  best.distanceM = Math.sqrt(bestSq);
  return best;
}

/** Distance in metres from (lat, lon) to the nearest point of any of the polylines. */
export function distanceToPolylines(lat: number, lon: number, lines: readonly (readonly Vertex[])[]): number {
  let best = Infinity;
  for (const line of lines) best = Math.min(best, closestOnPolyline(lat, lon, line).distanceM);
  return best;
}

/** Even–odd point-in-polygon test; the ring is closed implicitly. */
export function insideRing(lat: number, lon: number, ring: readonly Vertex[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [yi, xi] = ring[i];
    const [yj, xj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Axis-aligned bounds of a shape, for cheap rejection before exact tests. */
export interface Bounds {
  minLat: number;
  maxLat: number;
  minLon: number;
  maxLon: number;
}

export function boundsOf(points: readonly Vertex[]): Bounds {
  const lats = points.map((p) => p[0]);
  const lons = points.map((p) => p[1]);
  return {
    minLat: Math.min(...lats),
    maxLat: Math.max(...lats),
    minLon: Math.min(...lons),
    maxLon: Math.max(...lons),
  };
}

/** True when (lat, lon) lies within `marginDeg` of the bounds. */
export function nearBounds(lat: number, lon: number, b: Bounds, marginDeg: number): boolean {
  return (
    lat >= b.minLat - marginDeg && lat <= b.maxLat + marginDeg && lon >= b.minLon - marginDeg && lon <= b.maxLon + marginDeg
  );
}

/** Gaussian bump exp(-(d/r)²) around a centre, d in metres; 0 beyond 3 r to skip the exp. */
export function bump(lat: number, lon: number, centre: Vertex, radiusM: number): number {
  const dy = (lat - centre[0]) * M_PER_DEG_LAT;
  const dx = (lon - centre[1]) * metresPerDegLon(lat);
  const q = (dx * dx + dy * dy) / (radiusM * radiusM);
  return q > 9 ? 0 : Math.exp(-q);
}
