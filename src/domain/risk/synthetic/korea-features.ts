/**
 * Hand-drawn, deliberately crude outlines of South Korea used by the synthetic
 * generator. Coordinates are [lat, lon] in degrees, traced by eye from general
 * geography at roughly 10–20 km fidelity. They give the data a recognisable
 * spatial structure; they are not survey data and must never be used as such.
 *
 * Coverage: the Republic of Korea only. North Korea (north of the military
 * demarcation line) and China are outside coverage and produce no points.
 */
import type { Vertex } from './geometry';

/** Land boundary with North Korea, west to east. It is a border, not a coast. */
export const DMZ_BORDER: readonly Vertex[] = [
  [37.77, 126.68], [37.95, 126.7], [37.98, 126.9], [38.1, 127.05], [38.28, 127.15], [38.3, 127.55],
  [38.32, 127.8], [38.26, 128.05], [38.32, 128.2], [38.45, 128.3], [38.62, 128.36],
];

/**
 * Mainland coastline from the eastern end of the border, clockwise round the
 * peninsula back towards the Han estuary. Geoje, Namhae, Jindo, Anmyeon and
 * Ganghwa islands are merged into the mainland at this fidelity.
 */
export const MAINLAND_COAST: readonly Vertex[] = [
  [38.45, 128.47], [38.21, 128.6], [37.98, 128.76], [37.75, 128.92], [37.55, 129.11], [37.35, 129.26],
  [37.05, 129.42], [36.7, 129.47], [36.35, 129.38], [36.1, 129.4], [36.08, 129.58], [35.95, 129.55],
  [35.72, 129.48], [35.5, 129.45], [35.35, 129.35], [35.16, 129.21], [35.05, 129.07], [35.08, 128.93],
  [35.05, 128.8], [35.02, 128.68], [34.8, 128.72], [34.7, 128.6], [34.83, 128.45], [34.8, 128.3],
  [34.9, 128.15], [34.75, 127.98], [34.88, 127.85], [34.72, 127.76], [34.85, 127.6], [34.5, 127.45],
  [34.65, 127.25], [34.52, 127.05], [34.62, 126.9], [34.35, 126.78], [34.3, 126.53], [34.4, 126.25],
  [34.55, 126.1], [34.7, 126.3], [34.8, 126.38], [35.0, 126.3], [35.2, 126.38], [35.4, 126.42],
  [35.58, 126.48], [35.62, 126.62], [35.75, 126.55], [35.98, 126.7], [36.1, 126.6], [36.35, 126.53],
  [36.55, 126.33], [36.62, 126.13], [36.85, 126.15], [36.98, 126.35], [36.9, 126.6], [37.0, 126.85],
  [37.1, 126.72], [37.22, 126.65], [37.4, 126.6], [37.52, 126.58], [37.62, 126.5], [37.73, 126.38],
  [37.77, 126.52],
];

/** Closed outline of the mainland: border then coast. */
export const MAINLAND_RING: readonly Vertex[] = [...DMZ_BORDER, ...MAINLAND_COAST];

/** The mainland's coast as an open polyline: from the border's east end round to its west end. */
export const MAINLAND_COAST_LINE: readonly Vertex[] = [
  DMZ_BORDER[DMZ_BORDER.length - 1],
  ...MAINLAND_COAST,
  DMZ_BORDER[0],
];

function ellipseRing(centre: Vertex, semiMajorKm: number, semiMinorKm: number, tiltDeg: number, n: number): Vertex[] {
  const kmPerDegLat = 110.574;
  const kmPerDegLon = 111.32 * Math.cos((centre[0] * Math.PI) / 180);
  const tilt = (tiltDeg * Math.PI) / 180;
  const ring: Vertex[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const u = semiMajorKm * Math.cos(a);
    const v = semiMinorKm * Math.sin(a);
    const east = u * Math.cos(tilt) - v * Math.sin(tilt);
    const north = u * Math.sin(tilt) + v * Math.cos(tilt);
    ring.push([centre[0] + north / kmPerDegLat, centre[1] + east / kmPerDegLon]);
  }
  return ring;
}

/** Jeju: an ellipse from Gosan (west, ~126.16E) to Seongsan (east, ~126.94E), long axis tilted ~14° north of east. */
export const JEJU_CENTRE: Vertex = [33.38, 126.55];
export const JEJU_SEMI_MAJOR_KM = 37.5;
export const JEJU_SEMI_MINOR_KM = 14.5;
export const JEJU_TILT_DEG = 14;
export const JEJU_RING: readonly Vertex[] = ellipseRing(JEJU_CENTRE, JEJU_SEMI_MAJOR_KM, JEJU_SEMI_MINOR_KM, JEJU_TILT_DEG, 24);

/** Ulleungdo in the East Sea: small, but the one outlying island with a town worth representing. */
export const ULLEUNG_RING: readonly Vertex[] = ellipseRing([37.495, 130.865], 5, 4.5, 0, 12);

/** Main rivers as source-to-mouth polylines. */
export const RIVERS: readonly (readonly Vertex[])[] = [
  // Han (South Han from Taebaek to Seoul and the estuary)
  [[37.2, 128.9], [37.38, 128.66], [37.18, 128.47], [37.05, 128.2], [36.99, 127.93], [37.15, 127.75],
    [37.3, 127.63], [37.45, 127.45], [37.52, 127.3], [37.52, 127.1], [37.51, 126.98], [37.53, 126.93],
    [37.57, 126.85], [37.6, 126.8], [37.65, 126.72], [37.74, 126.62]],
  // Bukhan (North Han) through Chuncheon, joining at Yangsu-ri
  [[38.25, 127.6], [38.1, 127.7], [37.88, 127.72], [37.75, 127.55], [37.55, 127.33], [37.52, 127.3]],
  // Nakdong through Andong and Daegu to Busan
  [[37.1, 129.0], [36.85, 129.05], [36.56, 128.73], [36.5, 128.45], [36.42, 128.25], [36.12, 128.37],
    [35.85, 128.47], [35.65, 128.4], [35.45, 128.42], [35.38, 128.65], [35.38, 128.85], [35.22, 128.97],
    [35.08, 128.95]],
  // Geum through Daejeon's edge, Gongju and Buyeo to Gunsan
  [[35.65, 127.52], [36.0, 127.65], [36.3, 127.62], [36.47, 127.48], [36.5, 127.28], [36.46, 127.12],
    [36.27, 126.92], [36.15, 126.98], [36.05, 126.85], [36.02, 126.7]],
  // Yeongsan through Gwangju to Mokpo
  [[35.32, 126.98], [35.15, 126.85], [35.02, 126.72], [34.95, 126.6], [34.8, 126.45]],
  // Seomjin to Gwangyang Bay
  [[35.65, 127.3], [35.4, 127.2], [35.28, 127.32], [35.2, 127.46], [35.07, 127.75], [34.95, 127.76]],
];

/** A mountain ridge: crest line with a crest height per vertex and flank widths on each side. */
export interface Ridge {
  crest: readonly Vertex[];
  heightsM: readonly number[];
  /** Flank width (km) on the left of the crest's direction (east for a southward crest). */
  leftWidthKm: number;
  rightWidthKm: number;
}

export const RIDGES: readonly Ridge[] = [
  // Taebaek: steep towards the East Sea, long gentle slope west — the peninsula's tilt.
  {
    crest: [[38.6, 128.33], [38.12, 128.45], [37.75, 128.65], [37.45, 128.82], [37.12, 128.95], [36.75, 129.12],
      [36.35, 129.15], [35.95, 129.08], [35.6, 129.0], [35.4, 129.0]],
    heightsM: [1150, 1350, 1200, 1150, 1250, 900, 800, 700, 1000, 600],
    leftWidthKm: 12,
    rightWidthKm: 30,
  },
  // Sobaek: from Sobaeksan south-west through Songnisan and Deogyusan to Jirisan.
  {
    crest: [[37.05, 128.55], [36.95, 128.45], [36.75, 128.1], [36.55, 127.85], [36.1, 127.75], [35.86, 127.75],
      [35.6, 127.62], [35.33, 127.73], [35.25, 127.95]],
    heightsM: [1000, 1150, 850, 850, 850, 1250, 900, 1450, 800],
    leftWidthKm: 18,
    rightWidthKm: 18,
  },
];

/** Hallasan summit; Jeju's relief is a shield volcano rising to ~1,950 m. */
export const HALLASAN: Vertex = [33.362, 126.533];
export const HALLASAN_HEIGHT_M = 1900;

/** A circular feature: centre, radius (km) and a weight. */
export interface Disc {
  centre: Vertex;
  radiusKm: number;
  weight: number;
}

/** Flat alluvial lowlands (Honam, Naju, Gimpo, Asan, Nakdong delta...): suppress hills, favour farmland. */
export const PLAINS: readonly Disc[] = [
  { centre: [35.8, 126.88], radiusKm: 28, weight: 1 },
  { centre: [35.05, 126.7], radiusKm: 15, weight: 1 },
  { centre: [37.62, 126.72], radiusKm: 12, weight: 1 },
  { centre: [36.95, 127.0], radiusKm: 15, weight: 1 },
  { centre: [36.72, 126.75], radiusKm: 15, weight: 1 },
  { centre: [35.22, 128.9], radiusKm: 9, weight: 1 },
  { centre: [36.2, 126.95], radiusKm: 12, weight: 1 },
  { centre: [35.42, 126.6], radiusKm: 12, weight: 1 },
];

/** Cities: radius of the built-up core (km) and peak urban intensity. */
export const CITIES: readonly Disc[] = [
  { centre: [37.57, 126.98], radiusKm: 15, weight: 1 }, // Seoul
  { centre: [37.46, 126.7], radiusKm: 9, weight: 0.95 }, // Incheon
  { centre: [35.18, 129.08], radiusKm: 11, weight: 1 }, // Busan
  { centre: [35.87, 128.6], radiusKm: 10, weight: 1 }, // Daegu
  { centre: [35.16, 126.85], radiusKm: 8, weight: 0.95 }, // Gwangju
  { centre: [36.35, 127.38], radiusKm: 8, weight: 0.95 }, // Daejeon
  { centre: [35.54, 129.31], radiusKm: 7, weight: 0.9 }, // Ulsan
  { centre: [37.26, 127.03], radiusKm: 7, weight: 0.9 }, // Suwon
  { centre: [37.42, 127.13], radiusKm: 5, weight: 0.9 }, // Seongnam
  { centre: [37.24, 127.18], radiusKm: 5, weight: 0.8 }, // Yongin
  { centre: [37.66, 126.83], radiusKm: 5, weight: 0.85 }, // Goyang
  { centre: [37.5, 126.78], radiusKm: 4, weight: 0.9 }, // Bucheon
  { centre: [37.39, 126.95], radiusKm: 4, weight: 0.9 }, // Anyang
  { centre: [37.74, 127.05], radiusKm: 4, weight: 0.8 }, // Uijeongbu
  { centre: [36.64, 127.49], radiusKm: 6, weight: 0.85 }, // Cheongju
  { centre: [35.82, 127.15], radiusKm: 6, weight: 0.85 }, // Jeonju
  { centre: [35.23, 128.68], radiusKm: 6, weight: 0.85 }, // Changwon
  { centre: [35.23, 128.88], radiusKm: 4, weight: 0.8 }, // Gimhae
  { centre: [36.02, 129.34], radiusKm: 5, weight: 0.8 }, // Pohang
  { centre: [36.81, 127.15], radiusKm: 5, weight: 0.8 }, // Cheonan
  { centre: [36.99, 127.09], radiusKm: 4, weight: 0.75 }, // Pyeongtaek
  { centre: [33.5, 126.53], radiusKm: 5, weight: 0.8 }, // Jeju City
  { centre: [33.25, 126.56], radiusKm: 3, weight: 0.7 }, // Seogwipo
  { centre: [37.75, 128.9], radiusKm: 4, weight: 0.7 }, // Gangneung
  { centre: [37.88, 127.73], radiusKm: 4, weight: 0.7 }, // Chuncheon
  { centre: [37.34, 127.92], radiusKm: 4, weight: 0.7 }, // Wonju
  { centre: [34.81, 126.39], radiusKm: 3, weight: 0.7 }, // Mokpo
  { centre: [34.76, 127.66], radiusKm: 3, weight: 0.7 }, // Yeosu
  { centre: [34.95, 127.49], radiusKm: 3, weight: 0.7 }, // Suncheon
  { centre: [36.12, 128.34], radiusKm: 4, weight: 0.75 }, // Gumi
  { centre: [35.97, 126.71], radiusKm: 3, weight: 0.7 }, // Gunsan
  { centre: [36.57, 128.73], radiusKm: 3, weight: 0.65 }, // Andong
  { centre: [36.48, 127.26], radiusKm: 4, weight: 0.75 }, // Sejong
  { centre: [37.49, 130.9], radiusKm: 1.5, weight: 0.6 }, // Dodong, Ulleungdo
];

/** Reservoirs and lakes large enough to show at ~1 km resolution. */
export const LAKES: readonly Disc[] = [
  { centre: [37.95, 127.85], radiusKm: 3.5, weight: 1 }, // Soyang
  { centre: [37.0, 128.08], radiusKm: 3, weight: 1 }, // Chungju
  { centre: [36.43, 127.52], radiusKm: 3, weight: 1 }, // Daecheong
  { centre: [36.62, 128.88], radiusKm: 2.5, weight: 1 }, // Andong
  { centre: [37.53, 127.32], radiusKm: 2, weight: 1 }, // Paldang
  { centre: [36.52, 128.95], radiusKm: 2, weight: 1 }, // Imha
  { centre: [35.05, 127.23], radiusKm: 2.5, weight: 1 }, // Juam
];

/** Inland and estuarine wetlands. */
export const WETLANDS: readonly Disc[] = [
  { centre: [35.55, 128.42], radiusKm: 2, weight: 1 }, // Upo
  { centre: [34.88, 127.51], radiusKm: 3, weight: 1 }, // Suncheon Bay
  { centre: [35.08, 128.93], radiusKm: 3.5, weight: 1 }, // Nakdong estuary
  { centre: [37.7, 126.62], radiusKm: 3, weight: 1 }, // Han estuary
];
