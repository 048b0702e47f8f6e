/**
 * Relief and drainage: elevation and distance to rivers, as pure functions of
 * (seed, lat, lon). Calibrated by eye to South Korea's broad shape — a
 * mountainous east (Taebaek, up to ~1,500 m), the Sobaek range down to Jirisan,
 * low hills and alluvial plains in the west and south-west, Hallasan on Jeju.
 */
import { CH } from './channels';
import { bump, clamp, closestOnPolyline, distanceToPolylines, M_PER_DEG_LAT, metresPerDegLon } from './geometry';
import {
  HALLASAN,
  HALLASAN_HEIGHT_M,
  JEJU_SEMI_MAJOR_KM,
  JEJU_SEMI_MINOR_KM,
  JEJU_TILT_DEG,
  PLAINS,
  RIDGES,
  RIVERS,
} from './korea-features';
import type { Ridge } from './korea-features';
import { fractalNoise, valueNoise } from './random';

/**
 * Noise lives on a fixed plane in km (longitude scaled at 36°N). The plane only
 * has to be smooth and roughly isotropic, not an exact projection.
 */
export const KM_X = 90.06;
export const KM_Y = 110.57;

const HILL_SIZE_KM = 14;
const STREAM_SPACING_KM = 7;
/** No place in Korea is far from some stream; the first-order estimate overshoots near noise extrema. */
const MAX_STREAM_DISTANCE_M = 6_000;
const STREAM_NEWTON_STEPS = 6;

/** 0–1: how strongly (lat, lon) lies in one of the flat alluvial plains. */
export function plainness(lat: number, lon: number): number {
  let p = 0;
  for (const plain of PLAINS) p = Math.max(p, plain.weight * bump(lat, lon, plain.centre, plain.radiusKm * 1000));
  return p;
}

function ridgeHeight(lat: number, lon: number, ridge: Ridge): number {
  const c = closestOnPolyline(lat, lon, ridge.crest);
  const crest = ridge.heightsM[c.segment] + (ridge.heightsM[c.segment + 1] - ridge.heightsM[c.segment]) * c.t;
  const widthM = (c.side > 0 ? ridge.leftWidthKm : ridge.rightWidthKm) * 1000;
  const q = c.distanceM / widthM;
  return q > 3 ? 0 : crest * Math.exp(-q * q);
}

/** Height contributed by the mountain ranges: the highest ridge wins, so ranges don't stack where they meet. */
export function ridgeElevationM(lat: number, lon: number): number {
  let h = 0;
  for (const ridge of RIDGES) h = Math.max(h, ridgeHeight(lat, lon, ridge));
  return h;
}

/** Hallasan as a shield volcano: a concave cone over Jeju's ellipse, zero outside it. */
function hallasanM(lat: number, lon: number): number {
  if (lat > 34) return 0;
  const north = (lat - HALLASAN[0]) * (M_PER_DEG_LAT / 1000);
  const east = (lon - HALLASAN[1]) * (metresPerDegLon(lat) / 1000);
  const tilt = (JEJU_TILT_DEG * Math.PI) / 180;
  const u = (east * Math.cos(tilt) + north * Math.sin(tilt)) / JEJU_SEMI_MAJOR_KM;
  const v = (-east * Math.sin(tilt) + north * Math.cos(tilt)) / JEJU_SEMI_MINOR_KM;
  const r = Math.sqrt(u * u + v * v);
  return r >= 1 ? 0 : HALLASAN_HEIGHT_M * (1 - r) ** 1.6;
}

/**
 * Terrain height before the coastal taper (m). `urban` and `plain` (0–1, from
 * urbanness and plainness) flatten hills: Korean cities sit in basins and on
 * plains, not on ridges. They are passed in because callers already have them.
 */
export function terrainM(lat: number, lon: number, seed: number, urban: number, plain: number): number {
  const ridges = ridgeElevationM(lat, lon);
  const eastward = clamp((lon - 126.2) / 3, 0, 1);
  const ruggedness = 0.5 + 0.3 * eastward + 0.5 * clamp(ridges / 1000, 0, 1);
  const noise = fractalNoise(seed, CH.hills, (lon * KM_X) / HILL_SIZE_KM, (lat * KM_Y) / HILL_SIZE_KM, 3);
  const hills = 450 * Math.max(0, noise + 0.25) * ruggedness;
  const flatten = (1 - 0.85 * plain) * (1 - 0.6 * urban);
  return (15 + 70 * eastward + hills + ridges) * flatten + hallasanM(lat, lon);
}

/** Final ground elevation (m): terrain tapered to sea level over the first few km inland. */
export function elevationM(terrain: number, coastDistanceM: number): number {
  return Math.max(0, terrain) * (1 - Math.exp(-coastDistanceM / 3000)) + 1;
}

/** Distance (m) to the nearest main river (Han, Bukhan, Nakdong, Geum, Yeongsan, Seomjin). */
export function mainRiverDistanceM(lat: number, lon: number): number {
  return distanceToPolylines(lat, lon, RIVERS);
}

/**
 * Distance (m) to the nearest minor stream. Streams are the zero contour of a
 * smooth noise field, which gives a meandering network every few km without
 * storing any lines and stays a pure function of the coordinates. The contour
 * is found by a few Newton steps (move by f·∇f/|∇f|²); the straight-line
 * displacement to the contour point reached is the distance. A single
 * first-order step, |f|/|∇f|, badly overshoots away from the contour.
 */
export function minorStreamDistanceM(lat: number, lon: number, seed: number): number {
  const x0 = (lon * KM_X) / STREAM_SPACING_KM;
  const y0 = (lat * KM_Y) / STREAM_SPACING_KM;
  const h = 0.005;
  const maxStep = 0.25; // lattice units: keeps a step inside the current noise cell
  let x = x0;
  let y = y0;
  for (let i = 0; i < STREAM_NEWTON_STEPS; i++) {
    const f = valueNoise(seed, CH.streams, x, y);
    const gx = (valueNoise(seed, CH.streams, x + h, y) - f) / h;
    const gy = (valueNoise(seed, CH.streams, x, y + h) - f) / h;
    const g2 = gx * gx + gy * gy;
    if (g2 <= 1e-12) break;
    let dx = (-f * gx) / g2;
    let dy = (-f * gy) / g2;
    const len = Math.hypot(dx, dy);
    if (len > maxStep) {
      dx *= maxStep / len;
      dy *= maxStep / len;
    }
    x += dx;
    y += dy;
    if (len < 0.002) break;
  }
  const distanceM = Math.hypot(x - x0, y - y0) * STREAM_SPACING_KM * 1000;
  return Math.min(MAX_STREAM_DISTANCE_M, distanceM);
}

/** Distance (m) to the nearest river of either kind. */
export function riverDistanceM(lat: number, lon: number, seed: number, mainDistanceM: number): number {
  return Math.min(mainDistanceM, minorStreamDistanceM(lat, lon, seed));
}
