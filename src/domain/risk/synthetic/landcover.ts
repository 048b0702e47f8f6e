/**
 * Land cover, imperviousness and distance to forest. Cities come from a list
 * of real centres with Gaussian footprints; forest follows terrain (Korea is
 * about two-thirds forest, nearly all of it on slopes); farmland fills the
 * lowlands and plains. Thresholds were tuned so the class shares land near
 * national statistics (forest ~55–65 %, farmland ~20–30 %, urban ~5–10 %).
 */
import type { LandCover } from '../types';
import { CH } from './channels';
import { bump, clamp, M_PER_DEG_LAT, metresPerDegLon, smoothstep } from './geometry';
import { CITIES, LAKES, WETLANDS } from './korea-features';
import type { Disc } from './korea-features';
import { fractalNoise, uniformAt, valueNoise } from './random';
import { KM_X, KM_Y, plainness, terrainM } from './terrain';

const URBAN_THRESHOLD = 0.5;
const FOREST_THRESHOLD = 0.5;
/** Main-river channels this close are open water (the Han is ~1 km wide in Seoul). */
const RIVER_CHANNEL_M = 250;
/** Step for the forest-score gradient: ~400 m, below the finest grid the pipeline uses. */
const GRADIENT_STEP_DEG = 0.004;
/** Beyond a few km the first-order estimate overshoots, and exposure rules stop caring after 1 km. */
const MAX_FOREST_DISTANCE_M = 10_000;
/** Distance reported for a non-forest cell embedded in forest (a lake, a village in a valley). */
const FOREST_EDGE_M = 60;

function withinAny(lat: number, lon: number, discs: readonly Disc[]): boolean {
  for (const d of discs) if (bump(lat, lon, d.centre, d.radiusKm * 1000) > Math.exp(-1)) return true;
  return false;
}

/** Quantised coordinates for per-point hashing: 1e-4° is finer than any grid, so points never collide. */
export function quantise(value: number): number {
  return Math.round(value * 1e4);
}

/** 0–1 urban intensity: city footprints with frayed edges plus scattered small towns. */
export function urbanness(lat: number, lon: number, seed: number): number {
  let u = 0;
  for (const city of CITIES) u = Math.max(u, city.weight * bump(lat, lon, city.centre, city.radiusKm * 1000));
  const x = lon * KM_X;
  const y = lat * KM_Y;
  // A city is not a disc: the fray term acts only at the fringe (u near 0.5).
  const fray = fractalNoise(seed, CH.sprawl, x / 4, y / 4, 2) * 4 * u * (1 - u);
  const town = 0.75 * smoothstep(0.55, 0.8, valueNoise(seed, CH.towns, x / 2.5, y / 2.5));
  return clamp(Math.max(u + 0.35 * fray, town), 0, 1);
}

/**
 * Forest suitability: high on slopes, low in cities and plains; forest where it
 * exceeds 0.5. On Jeju the gentle lower slopes of Hallasan are farmland and
 * pasture up to a few hundred metres, so the forest line sits higher there.
 */
export function forestScore(lat: number, lon: number, seed: number, terrain: number, urban: number, plain: number): number {
  const noise = fractalNoise(seed, CH.forest, (lon * KM_X) / 5, (lat * KM_Y) / 5, 2);
  const slope = lat < 34 ? smoothstep(250, 650, terrain) : smoothstep(20, 220, terrain);
  return 0.05 + 0.95 * slope + 0.35 * noise - 1.2 * urban - 0.3 * plain;
}

/** Forest score at an arbitrary location, recomputing its inputs (used for the gradient). */
function forestScoreAt(lat: number, lon: number, seed: number): number {
  const urban = urbanness(lat, lon, seed);
  const plain = plainness(lat, lon);
  return forestScore(lat, lon, seed, terrainM(lat, lon, seed, urban, plain), urban, plain);
}

export interface CoverInputs {
  lat: number;
  lon: number;
  seed: number;
  urban: number;
  forestScore: number;
  elevationM: number;
  mainRiverM: number;
}

/** Land-cover class of an on-land point, in priority order: water, urban, wetland, forest, then open land. */
export function classifyLand(i: CoverInputs): LandCover {
  const { lat, lon, seed } = i;
  if (i.mainRiverM < RIVER_CHANNEL_M || withinAny(lat, lon, LAKES)) return 'water';
  if (i.urban > URBAN_THRESHOLD) return 'urban';
  const wetNoise = uniformAt(seed, CH.wetland, quantise(lat), quantise(lon));
  if (withinAny(lat, lon, WETLANDS) || (i.elevationM < 12 && i.mainRiverM < 1500 && wetNoise < 0.35)) return 'wetland';
  const grass = valueNoise(seed, CH.grass, (lon * KM_X) / 3, (lat * KM_Y) / 3);
  // Above ~1,350 m the crests carry alpine meadow and shrub rather than closed forest.
  if (i.forestScore > FOREST_THRESHOLD) return i.elevationM > 1350 && grass > 0 ? 'grassland' : 'forest';
  if (grass > 0.6) return 'grassland';
  // Quarries, construction sites and bare ground, more common at the urban fringe.
  if (uniformAt(seed, CH.barren, quantise(lat), quantise(lon)) < 0.02 + 0.15 * i.urban) return 'barren';
  return 'agricultural';
}

/**
 * Land cover of a point in the coastal band just outside the drawn coastline,
 * or null to classify it like land: a band cell straddles the shore, so it is
 * partly land, except on the west and south-west coasts where the shore is
 * wide tidal flat.
 */
export function classifyShore(lat: number, lon: number, onLand: boolean): LandCover | null {
  if (onLand) return null;
  return lon < 127 && lat > 34.4 && lat < 37.8 ? 'wetland' : null;
}

/** Impervious fraction 0–1 by class, raised near cities (roads, villages, greenhouses). */
export function imperviousness(cover: LandCover, urban: number, seed: number, lat: number, lon: number): number {
  const jitter = uniformAt(seed, CH.imperviousness, quantise(lat), quantise(lon));
  switch (cover) {
    case 'urban':
      return clamp(0.45 + 0.5 * urban + 0.08 * (jitter - 0.5), 0.4, 0.98);
    case 'agricultural':
      return 0.03 + 0.3 * urban + 0.05 * jitter;
    case 'forest':
      return 0.005 + 0.08 * urban + 0.01 * jitter;
    case 'grassland':
      return 0.02 + 0.2 * urban + 0.04 * jitter;
    case 'barren':
      return 0.1 + 0.3 * urban + 0.1 * jitter;
    case 'wetland':
    case 'water':
      return 0;
  }
}

/**
 * Distance (m) to forest. Forest is the set where the forest score exceeds its
 * threshold, so the distance to its edge is estimated to first order as
 * (threshold − score) / |∇score|: no neighbour search, and still a pure
 * function of the point's own coordinates.
 */
export function forestDistanceM(lat: number, lon: number, seed: number, cover: LandCover, score: number): number {
  if (cover === 'forest') return 0;
  if (score >= FOREST_THRESHOLD) return FOREST_EDGE_M;
  const dNorth = forestScoreAt(lat + GRADIENT_STEP_DEG, lon, seed) - score;
  const dEast = forestScoreAt(lat, lon + GRADIENT_STEP_DEG, seed) - score;
  const perMNorth = dNorth / (GRADIENT_STEP_DEG * M_PER_DEG_LAT);
  const perMEast = dEast / (GRADIENT_STEP_DEG * metresPerDegLon(lat));
  const gradient = Math.hypot(perMNorth, perMEast);
  if (gradient <= 0) return MAX_FOREST_DISTANCE_M;
  return clamp((FOREST_THRESHOLD - score) / gradient, FOREST_EDGE_M, MAX_FOREST_DISTANCE_M);
}
