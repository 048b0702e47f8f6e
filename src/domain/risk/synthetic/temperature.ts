/**
 * Temperature indicators from a minimal physical model instead of independent
 * random numbers, so they stay mutually consistent: the year is a sinusoidal
 * annual cycle sampled at 24 half-month steps, each with a daily max and min
 * and a day-to-day spread; threshold counts (su25, tr25, fd0, id0) are the
 * expected number of days past the threshold under a normal spread. Warming
 * shifts the whole cycle, so hot counts rise and frost counts fall together.
 */
import type { GridStatic } from '../types';
import { clamp, round } from './geometry';
import { normalCdf } from './random';

const STEPS = 24;
const DAYS_PER_STEP = 365 / STEPS;
/** Day-to-day standard deviation of daily temperature, summer and winter (°C). */
const SIGMA_SUMMER = 2.0;
const SIGMA_WINTER = 3.5;
/** The annual minimum sits about 2.2 winter standard deviations below the coldest mean night. */
const TNN_SIGMAS = 2.2;

/** A point's baseline (2021) thermal climate. */
export interface ThermalClimate {
  /** Annual mean temperature, °C. */
  meanC: number;
  /** Peak-to-peak amplitude of the annual cycle (August minus January), °C. */
  annualRangeC: number;
  /** Mean daily max minus daily min, °C. */
  diurnalRangeC: number;
  /** Warm-spell days in an average baseline year. */
  warmSpellBase: number;
  /** Cold-spell days in an average baseline year. */
  coldSpellBase: number;
}

/** Geographic factors shared by the temperature and moisture models. */
export interface Setting {
  /** 1 at the coast, fading to 0 about 45 km inland. */
  coastal: number;
  /** 1 − coastal on a longer scale: continentality, 0 at the coast. */
  continental: number;
  /** 0 north of 36.5°N rising to 1 at 34.5°N and south. */
  south: number;
  /** 1 on Jeju. */
  jeju: number;
  /** East coast below the Taebaek crest (Yeongdong): sheltered from the winter monsoon, so milder winters. */
  yeongdong: number;
}

export function settingOf(p: GridStatic): Setting {
  const east = p.longitude > 128.6 && p.latitude > 35.8 && p.latitude < 39 ? 1 : 0;
  return {
    coastal: Math.exp(-p.coastDistanceM / 15_000),
    continental: 1 - Math.exp(-p.coastDistanceM / 30_000),
    south: clamp((36.5 - p.latitude) / 2, 0, 1),
    jeju: p.latitude < 34 ? 1 : 0,
    yeongdong: east * Math.exp(-p.coastDistanceM / 20_000),
  };
}

/**
 * Baseline thermal climate. Calibration targets (recent normals, rounded):
 * Seoul ~13 °C mean, Jan −2 / Aug 26; Busan ~15; Daegu ~14.5; Jeju ~16.5;
 * ~4.5 °C cooler per km of altitude (grid cells average over slopes).
 */
export function thermalClimate(p: GridStatic, s: Setting): ThermalClimate {
  const north = clamp((p.latitude - 35) / 3.5, 0, 1);
  return {
    meanC:
      13.2 - 0.8 * (p.latitude - 37) - 0.0045 * p.elevationM + 0.3 * s.coastal + 0.5 * p.imperviousness + 0.5 * s.yeongdong,
    annualRangeC: clamp(21 + 6 * s.continental + (p.latitude - 35) - 1.5 * s.yeongdong, 16, 31),
    // Cities and coasts have warmer nights, so a smaller daily range.
    diurnalRangeC: 6.5 + 4 * s.continental - p.imperviousness,
    warmSpellBase: 4 + 2 * p.imperviousness + 1.5 * s.south,
    coldSpellBase: 4 + 3 * north + 2 * s.continental,
  };
}

/** One year's weather anomalies at the point, °C, plus standard-normal local noises. */
export interface ThermalAnomalies {
  annual: number;
  summer: number;
  winter: number;
  warmSpellNoise: number;
  coldSpellNoise: number;
  coldestNightNoise: number;
}

export interface TemperatureIndicators {
  ta: number;
  su25: number;
  tr25: number;
  wsdi: number;
  fd0: number;
  id0: number;
  csdi: number;
  tnn: number;
}

interface DayCounts {
  su25: number;
  tr25: number;
  fd0: number;
  id0: number;
  coldestMinC: number;
}

function dayCounts(c: ThermalClimate, shiftC: number, a: ThermalAnomalies): DayCounts {
  const out: DayCounts = { su25: 0, tr25: 0, fd0: 0, id0: 0, coldestMinC: Infinity };
  const halfDiurnal = c.diurnalRangeC / 2;
  for (let k = 0; k < STEPS; k++) {
    const season = Math.cos((2 * Math.PI * (k + 0.5)) / STEPS); // +1 mid-summer, −1 mid-winter
    const seasonal = season > 0 ? season * a.summer : -season * a.winter;
    const mean = c.meanC + shiftC + (c.annualRangeC / 2) * season + seasonal;
    const sigma = SIGMA_SUMMER + ((SIGMA_WINTER - SIGMA_SUMMER) * (1 - season)) / 2;
    const tmax = mean + halfDiurnal;
    const tmin = mean - halfDiurnal;
    out.su25 += normalCdf((tmax - 25) / sigma);
    out.tr25 += normalCdf((tmin - 25) / sigma);
    out.fd0 += normalCdf(-tmin / sigma);
    out.id0 += normalCdf(-tmax / sigma);
    out.coldestMinC = Math.min(out.coldestMinC, tmin);
  }
  return out;
}

/** Temperature indicators for one year given the warming so far and the year's anomalies. */
export function temperatureIndicators(c: ThermalClimate, warmingC: number, a: ThermalAnomalies): TemperatureIndicators {
  const shift = warmingC + a.annual;
  const counts = dayCounts(c, shift, a);
  // Spell thresholds are percentiles of the baseline climate, so spell days
  // respond roughly exponentially to a shift of the distribution.
  const heat = 0.42 * warmingC + 0.6 * (a.annual + a.summer);
  const cold = -0.45 * warmingC - 0.5 * (a.annual + a.winter);
  const wsdi = c.warmSpellBase * Math.exp(heat) - 2 + 1.5 * a.warmSpellNoise;
  const csdi = c.coldSpellBase * Math.exp(cold) - 1.5 + 1.2 * a.coldSpellNoise;
  return {
    ta: round(c.meanC + shift, 2),
    su25: Math.round(counts.su25 * DAYS_PER_STEP),
    tr25: Math.round(counts.tr25 * DAYS_PER_STEP),
    wsdi: Math.round(clamp(wsdi, 0, 180)),
    fd0: Math.round(counts.fd0 * DAYS_PER_STEP),
    id0: Math.round(counts.id0 * DAYS_PER_STEP),
    csdi: Math.round(clamp(csdi, 0, 60)),
    tnn: round(counts.coldestMinC - TNN_SIGMAS * SIGMA_WINTER + 1.2 * a.coldestNightNoise, 1),
  };
}
