/**
 * Synthetic typhoon seasons. Each (seed, scenario, year) gets 0–4 straight
 * tracks entering from the south at 31°N and heading north to north-east, the
 * usual recurving path past Korea, so the south and south-east coasts see the
 * most passages. Tracks are shared by all points in a year, which keeps
 * neighbouring points consistent (one storm hits a whole region).
 */
import { CH } from './channels';
import { clamp, round } from './geometry';
import { hash, mulberry32, poissonFromUniform } from './random';

const ENTRY_LAT = 31;
const TRACK_LENGTH_KM = 1300;
/** A storm whose centre comes this close counts as a passage; the typhoon hazard only looks within 200 km. */
const PASSAGE_RADIUS_KM = 200;
/** E-folding distance of the weakening along the track (cooler sea, landfall). */
const DECAY_KM = 1200;
const STORMS_PER_YEAR = 1.8;
const MAX_STORMS = 4;
/** Index weights by category 0–3 (below storm, tropical storm, severe storm, typhoon). */
export const CATEGORY_WEIGHTS = [0, 1, 3, 7] as const;
const KM_PER_DEG_LAT = 110.57;
const KM_PER_DEG_LON = 92.0; // at ~34°N, mid-track

export interface TyphoonTrack {
  startLon: number;
  /** Heading clockwise from north, radians. */
  headingRad: number;
  /** Maximum sustained wind at entry, m/s. */
  entryWindMs: number;
}

export interface TyphoonYear {
  /** Maximum sustained wind of the closest passage's storm at its closest approach, m/s; 0 without a passage. */
  windMs: number;
  /** Distance of the closest passage, km; null without one. */
  distanceKm: number | null;
  /** Σ CATEGORY_WEIGHTS[category] over all passages. */
  index: number;
}

function standardNormal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
}

/** The year's tracks. Warming intensifies storms by ~3 %/°C, in line with projected peak-intensity gains. */
export function typhoonTracks(seed: number, scenarioIndex: number, year: number, warmingC: number): TyphoonTrack[] {
  const next = mulberry32(hash(seed, CH.typhoon, year, scenarioIndex));
  const count = Math.min(MAX_STORMS, poissonFromUniform(STORMS_PER_YEAR, next()));
  const tracks: TyphoonTrack[] = [];
  for (let i = 0; i < count; i++) {
    tracks.push({
      startLon: clamp(127.4 + 2.2 * standardNormal(next), 121, 134),
      headingRad: ((-10 + 55 * next()) * Math.PI) / 180,
      entryWindMs: (28 + 24 * next() ** 1.3) * (1 + 0.03 * warmingC),
    });
  }
  return tracks;
}

/** Korean/Japanese classes on 10-minute sustained wind: TD < 17, TS 17–24, STS 25–32, TY ≥ 33 m/s. */
function category(windMs: number): number {
  if (windMs >= 33) return 3;
  if (windMs >= 25) return 2;
  if (windMs >= 17) return 1;
  return 0;
}

/** The year's passages as seen from one point. */
export function typhoonAt(lat: number, lon: number, tracks: readonly TyphoonTrack[]): TyphoonYear {
  let closestKm = Infinity;
  let closestWind = 0;
  let index = 0;
  for (const track of tracks) {
    const dirX = Math.sin(track.headingRad);
    const dirY = Math.cos(track.headingRad);
    const px = (lon - track.startLon) * KM_PER_DEG_LON;
    const py = (lat - ENTRY_LAT) * KM_PER_DEG_LAT;
    const along = clamp(px * dirX + py * dirY, 0, TRACK_LENGTH_KM);
    const distanceKm = Math.hypot(px - along * dirX, py - along * dirY);
    if (distanceKm > PASSAGE_RADIUS_KM) continue;
    // The storm's own intensity at closest approach; the hazard applies the distance decay itself.
    const wind = track.entryWindMs * Math.exp(-along / DECAY_KM);
    index += CATEGORY_WEIGHTS[category(wind)];
    if (distanceKm < closestKm) {
      closestKm = distanceKm;
      closestWind = wind;
    }
  }
  if (closestKm === Infinity) return { windMs: 0, distanceKm: null, index: 0 };
  return { windMs: round(closestWind, 1), distanceKm: round(closestKm, 1), index };
}
