/**
 * SYNTHETIC administrative regions: a seeded, deterministic stand-in for South Korea's ~250
 * si/gun/gu, used until real codes and centroids are imported (docs/reference-data.md,
 * "Regions"). The codes (`SYN-001` …) and names ("Synthetic region 001") cannot be mistaken for
 * official ones, and every row carries SYNTHETIC_REGION_SOURCE.
 *
 * Centroids are picked from jittered land locations of the synthetic coastline by weighted
 * farthest-point sampling: the next centroid is the candidate farthest from all chosen ones,
 * with distances stretched in city cores, so regions are smaller where people live (about 10 km
 * apart in Seoul and Busan, 20 km in the countryside), as real gu are smaller than gun.
 */
import { shoreline } from '../synthetic/geography';
import { bump, round } from '../synthetic/geometry';
import { GRID_BOUNDS } from '../synthetic/grid';
import { CITIES } from '../synthetic/korea-features';
import { mulberry32, uniformAt } from '../synthetic/random';
import type { Region } from './types';

/** The same label as the synthetic grid: it is all one made-up dataset. */
export const SYNTHETIC_REGION_SOURCE = 'synthetic/v1';

export interface SyntheticRegionSpec {
  count: number;
  /** Unsigned 32-bit; the same seed always yields the same regions. */
  seed: number;
}

export const DEFAULT_SYNTHETIC_REGION_SPEC: SyntheticRegionSpec = Object.freeze({ count: 250, seed: 42 });

/** Candidate lattice, ~5 km: fine enough for 250 regions, coarse enough to sample in a fraction of a second. */
const CANDIDATE_STEP_DEG = 0.025;
/** Candidates sit off the lattice so centroids do not coincide with grid points of any usual resolution. */
const JITTER_DEG = 0.015;
/** A region's centroid is inland of its coastline, not on the beach. */
const MIN_COAST_DISTANCE_M = 500;
/**
 * In a city core a candidate counts as (1 + this) times farther away, so regions there are about
 * that much narrower. Only the big-city footprints count, not the generator's scattered towns,
 * which would stretch the countryside as much as the cities.
 */
const CITY_STRETCH = 3;
/** Keyed hash channel of the jitter; any constant not used by the grid generator's own channels. */
const JITTER_CHANNEL = 0x5e6107;
const KM_PER_DEG_LAT = 110.574;
/** Same east–west scale as the grid's `location` column (cos 36°). */
const KM_PER_DEG_LON = 111.32 * 0.809;
const MAX_COUNT = 2_000;
const CODE_DIGITS = 3;

export function validateSyntheticRegionSpec(spec: SyntheticRegionSpec): void {
  if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > MAX_COUNT) {
    throw new RangeError(`count must be an integer within [1, ${MAX_COUNT}], got ${spec.count}`);
  }
  if (!Number.isInteger(spec.seed) || spec.seed < 0 || spec.seed > 0xffffffff) {
    throw new RangeError(`seed must be an unsigned 32-bit integer, got ${spec.seed}`);
  }
}

/** 0–1: how deep inside one of the synthetic geography's city footprints a location is. */
function cityCore(lat: number, lon: number): number {
  let core = 0;
  for (const city of CITIES) core = Math.max(core, city.weight * bump(lat, lon, city.centre, city.radiusKm * 1000));
  return core;
}

interface Candidate {
  lat: number;
  lon: number;
  stretch: number;
}

function landCandidates(seed: number): Candidate[] {
  const out: Candidate[] = [];
  const rows = Math.floor((GRID_BOUNDS.maxLat - GRID_BOUNDS.minLat) / CANDIDATE_STEP_DEG);
  const cols = Math.floor((GRID_BOUNDS.maxLon - GRID_BOUNDS.minLon) / CANDIDATE_STEP_DEG);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const jitter = (axis: number) => (uniformAt(seed, JITTER_CHANNEL, row, col, axis) - 0.5) * JITTER_DEG;
      const lat = round(GRID_BOUNDS.minLat + (row + 0.5) * CANDIDATE_STEP_DEG + jitter(0), 4);
      const lon = round(GRID_BOUNDS.minLon + (col + 0.5) * CANDIDATE_STEP_DEG + jitter(1), 4);
      const shore = shoreline(lat, lon, 0);
      if (!shore?.onLand || shore.coastDistanceM < MIN_COAST_DISTANCE_M) continue;
      out.push({ lat, lon, stretch: 1 + CITY_STRETCH * cityCore(lat, lon) });
    }
  }
  return out;
}

/** Indices of `count` candidates by weighted farthest-point sampling, starting from a seeded pick. */
function farthestPoints(candidates: readonly Candidate[], count: number, seed: number): number[] {
  const n = candidates.length;
  const x = Float64Array.from(candidates, (c) => c.lon * KM_PER_DEG_LON);
  const y = Float64Array.from(candidates, (c) => c.lat * KM_PER_DEG_LAT);
  // Squared, stretched distance to the nearest chosen centroid; 0 once chosen, so never picked twice.
  const gap = new Float64Array(n).fill(Infinity);
  const chosen: number[] = [];
  let pick = Math.floor(mulberry32(seed)() * n);
  while (chosen.length < count) {
    chosen.push(pick);
    let next = -1;
    let widest = -1;
    for (let i = 0; i < n; i++) {
      const s = candidates[i].stretch;
      const d = ((x[i] - x[pick]) ** 2 + (y[i] - y[pick]) ** 2) * s * s;
      if (d < gap[i]) gap[i] = d;
      if (gap[i] > widest) {
        widest = gap[i];
        next = i;
      }
    }
    pick = next;
  }
  return chosen;
}

/** `count` synthetic regions, numbered north to south (then west to east) as SYN-001, SYN-002, … */
export function generateSyntheticRegions(spec: SyntheticRegionSpec = DEFAULT_SYNTHETIC_REGION_SPEC): Region[] {
  validateSyntheticRegionSpec(spec);
  const candidates = landCandidates(spec.seed);
  if (candidates.length < spec.count) throw new RangeError(`only ${candidates.length} land candidates for ${spec.count} regions`);
  const centroids = farthestPoints(candidates, spec.count, spec.seed)
    .map((i) => candidates[i])
    .sort((a, b) => b.lat - a.lat || a.lon - b.lon);
  return centroids.map((c, i) => {
    const number = String(i + 1).padStart(CODE_DIGITS, '0');
    return { code: `SYN-${number}`, name: `Synthetic region ${number}`, latitude: c.lat, longitude: c.lon };
  });
}
