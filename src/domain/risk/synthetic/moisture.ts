/**
 * Rain, drought, humidity, wind and water balance. One regional precipitation
 * anomaly per year (zPrecip) drives prcp, cdd, spei12, humidity and water
 * availability together, so a dry year is dry in every indicator at once.
 */
import type { GridStatic } from '../types';
import { CH } from './channels';
import { bump, clamp, round } from './geometry';
import { gaussianAt, normalCdf, poissonFromUniform, uniformAt } from './random';
import type { Setting } from './temperature';

/** A point's baseline moisture climate and water setting. */
export interface MoistureClimate {
  /** Normal annual precipitation, mm. */
  prcpMm: number;
  /** Gumbel location and scale of the annual maximum 1-day rain, mm. */
  rxLocationMm: number;
  rxScaleMm: number;
  /** Normal longest dry spell, days. */
  dryDays: number;
  humidityPct: number;
  windMs: number;
  /** Renewable water of the catchment in a normal year, million m³. */
  normalAvailableMm3: number;
  /** Withdrawal as a share of normal availability. */
  demandShare: number;
}

/** Standard-normal drivers of one year; all but zPrecip are local noise. */
export interface MoistureAnomalies {
  zPrecip: number;
  zExtreme: number;
  dryDaysNoise: number;
  speiNoise: number;
  humidityNoise: number;
  windNoise: number;
  rain80Uniform: number;
}

export interface MoistureIndicators {
  prcp: number;
  cdd: number;
  spei12: number;
  rx1day: number;
  rain80: number;
  rhm: number;
  ws: number;
  waterWithdrawal: number;
  waterAvailable: number;
}

/** Runoff coefficient: share of rain that becomes usable surface and ground water. */
const RUNOFF_SHARE = 0.55;
/** Interannual spread of annual precipitation (log scale), ~17 % as in Korean records. */
const PRECIP_LOG_SD = 0.17;

/**
 * Baseline moisture climate. Targets: ~1,300 mm nationally, wetter south coast
 * and Jeju (1,500–1,800), drier Yeongnam basin around Daegu (~1,100), heavy
 * summer-monsoon rain in the central region around Seoul; rx1day means of
 * roughly 130–200 mm.
 */
export function moistureClimate(p: GridStatic, s: Setting, seed: number, qLat: number, qLon: number): MoistureClimate {
  const lat = p.latitude;
  const lon = p.longitude;
  const central = bump(lat, lon, [37.5, 127.3], 90_000);
  const shadow = bump(lat, lon, [36.0, 128.6], 55_000);
  const southCoast = s.coastal * s.south;
  const prcpMm =
    1230 + 220 * s.south + 180 * s.jeju + 0.18 * p.elevationM - 180 * shadow + 150 * central + 60 * southCoast;
  const rxLocationMm = 105 + 45 * s.south + 25 * s.jeju + 0.05 * p.elevationM + 25 * central + 20 * southCoast;
  // Sub-basins of ~0.25°: one catchment area per cell, so neighbours share it.
  const catchmentKm2 = 200 + 800 * uniformAt(seed, CH.catchment, Math.floor(lat * 4), Math.floor(lon * 4));
  const agricultural = p.landCover === 'agricultural' ? 1 : 0;
  return {
    prcpMm,
    rxLocationMm,
    rxScaleMm: 0.28 * rxLocationMm,
    dryDays: 30 - 8 * s.jeju - 4 * s.south + 6 * shadow + 4 * s.yeongdong,
    humidityPct: 64 + 9 * s.coastal + 4 * s.jeju - 3 * p.imperviousness,
    windMs: 2 + 2.2 * s.coastal + 0.8 * s.jeju + 0.0015 * p.elevationM - 0.4 * p.imperviousness,
    normalAvailableMm3: (RUNOFF_SHARE * prcpMm * catchmentKm2) / 1000,
    // Dense cities draw most of their catchment's water; irrigated farmland a fair share.
    demandShare: clamp(
      (0.1 + 0.55 * p.imperviousness + 0.2 * agricultural) * Math.exp(0.15 * gaussianAt(seed, CH.demand, qLat, qLon)),
      0.05,
      0.95,
    ),
  };
}

/** Gumbel quantile from a standard-normal driver (via its CDF). */
function gumbel(location: number, scale: number, z: number): number {
  return location - scale * Math.log(-Math.log(normalCdf(z)));
}

/** Indicators of one year from the baseline, the warming so far (°C) and the year's drivers. */
export function moistureIndicators(c: MoistureClimate, warmingC: number, a: MoistureAnomalies): MoistureIndicators {
  // ~2.5 %/°C more rain, ~7 %/°C heavier extremes (Clausius–Clapeyron), longer dry spells.
  const prcp = c.prcpMm * (1 + 0.025 * warmingC) * Math.exp(PRECIP_LOG_SD * a.zPrecip - PRECIP_LOG_SD ** 2 / 2);
  const rx1day = clamp(
    gumbel(c.rxLocationMm, c.rxScaleMm, a.zExtreme) * (1 + 0.07 * warmingC) * (1 + 0.05 * a.zPrecip),
    20,
    900,
  );
  const heavyDays = 0.6 * (prcp / 1300) ** 3 * (1 + 0.08 * warmingC) + (rx1day > 160 ? 0.5 : 0);
  // At least one ≥ 80 mm day whenever the wettest day reached 80 mm, so rain80 and rx1day agree.
  const rain80 = rx1day < 80 ? 0 : Math.min(12, 1 + poissonFromUniform(heavyDays, a.rain80Uniform));
  const cdd = c.dryDays * (1 + 0.03 * warmingC) * Math.exp(-0.15 * a.zPrecip + 0.2 * a.dryDaysNoise);
  // Higher evaporative demand drags SPEI down as it warms.
  const spei = 0.75 * a.zPrecip + 0.55 * a.speiNoise - 0.12 * warmingC;
  const rainRatio = prcp / c.prcpMm;
  // Runoff falls faster than rain in dry years, and warming evaporates more of it.
  const available = c.normalAvailableMm3 * rainRatio ** 1.2 * (1 - 0.015 * warmingC);
  const withdrawal =
    c.demandShare * c.normalAvailableMm3 * (1 + 0.012 * warmingC) * (1 + 0.05 * Math.max(0, -a.zPrecip));
  return {
    prcp: round(prcp, 1),
    cdd: Math.round(clamp(cdd, 5, 150)),
    spei12: round(clamp(spei, -3, 3), 2),
    rx1day: round(rx1day, 1),
    rain80,
    rhm: round(clamp(c.humidityPct - 0.4 * warmingC + 1.5 * a.zPrecip + 0.8 * a.humidityNoise, 40, 95), 1),
    ws: round(clamp(c.windMs - 0.02 * warmingC + 0.12 * a.windNoise, 0.5, 9), 2),
    waterWithdrawal: round(withdrawal, 2),
    waterAvailable: round(available, 2),
  };
}
