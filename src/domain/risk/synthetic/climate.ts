/**
 * Yearly climate indicators of one grid point under one scenario, 2021–2100.
 *
 * Every random draw is keyed by (seed, quantity, place, year, scenario), never
 * drawn from a shared sequence, so a point's series is the same whichever
 * points are generated and in whatever order. Year-to-year anomalies of
 * temperature and rain are smooth regional fields (hundreds of km), so a hot
 * or dry year is hot or dry across a region, as in reality.
 */
import { FIRST_YEAR, LAST_YEAR } from '../types';
import type { GridStatic, Scenario, YearIndicators } from '../types';
import { CH, yearKey } from './channels';
import { clamp, round } from './geometry';
import type { GridSpec } from './grid';
import { validateGridSpec } from './grid';
import { quantise } from './landcover';
import { moistureClimate, moistureIndicators } from './moisture';
import type { MoistureAnomalies, MoistureClimate } from './moisture';
import { gaussianAt, gaussianField, uniformAt } from './random';
import { scenarioIndex, seaLevelTrendCm, warmingC } from './scenario';
import { settingOf, temperatureIndicators, thermalClimate } from './temperature';
import type { ThermalAnomalies, ThermalClimate } from './temperature';
import { KM_X, KM_Y } from './terrain';
import { typhoonAt, typhoonTracks } from './typhoon';

/** Correlation lengths (km) of the yearly anomaly fields. */
const TEMPERATURE_FIELD_KM = 500;
const PRECIP_FIELD_KM = 150;
const EXTREME_RAIN_FIELD_KM = 40;
/** Interannual standard deviations, °C: annual mean, extra summer, extra winter. */
const SD_ANNUAL = 0.45;
const SD_SUMMER = 0.7;
const SD_WINTER = 1.0;
/** Yearly wobble of mean sea level (tides, winds, ENSO), cm. */
const SEA_LEVEL_NOISE_CM = 1.2;

/** What stays fixed for a point across its 80 years. */
interface PointContext {
  seed: number;
  scenario: Scenario;
  scenarioIndex: number;
  latitude: number;
  longitude: number;
  /** Position on the noise plane, km. */
  x: number;
  y: number;
  qLat: number;
  qLon: number;
  thermal: ThermalClimate;
  moisture: MoistureClimate;
  seaLevelFactor: number;
}

function pointContext(point: GridStatic, scenario: Scenario, seed: number): PointContext {
  const qLat = quantise(point.latitude);
  const qLon = quantise(point.longitude);
  const setting = settingOf(point);
  // Sea level lives on its own 1° grid, like the coarse ocean-model fields it imitates.
  const cellLat = Math.floor(point.latitude);
  const cellLon = Math.floor(point.longitude);
  return {
    seed,
    scenario,
    scenarioIndex: scenarioIndex(scenario),
    latitude: point.latitude,
    longitude: point.longitude,
    x: point.longitude * KM_X,
    y: point.latitude * KM_Y,
    qLat,
    qLon,
    thermal: thermalClimate(point, setting),
    moisture: moistureClimate(point, setting, seed, qLat, qLon),
    seaLevelFactor: clamp(1 + 0.08 * gaussianAt(seed, CH.seaLevelCell, cellLat, cellLon), 0.8, 1.2),
  };
}

function thermalAnomalies(c: PointContext, key: number): ThermalAnomalies {
  const fx = c.x / TEMPERATURE_FIELD_KM;
  const fy = c.y / TEMPERATURE_FIELD_KM;
  return {
    annual: SD_ANNUAL * gaussianField(c.seed, CH.annualTemp, fx, fy, key),
    summer: SD_SUMMER * gaussianField(c.seed, CH.summerTemp, fx, fy, key),
    winter: SD_WINTER * gaussianField(c.seed, CH.winterTemp, fx, fy, key),
    warmSpellNoise: gaussianAt(c.seed, CH.warmSpell, c.qLat, c.qLon, key),
    coldSpellNoise: gaussianAt(c.seed, CH.coldSpell, c.qLat, c.qLon, key),
    coldestNightNoise: gaussianAt(c.seed, CH.coldestNight, c.qLat, c.qLon, key),
  };
}

function moistureAnomalies(c: PointContext, key: number): MoistureAnomalies {
  // Mostly regional, a little local; the weights keep the variance at 1.
  const regional = gaussianField(c.seed, CH.precip, c.x / PRECIP_FIELD_KM, c.y / PRECIP_FIELD_KM, key);
  const local = gaussianAt(c.seed, CH.precip, c.qLat, c.qLon, key);
  return {
    zPrecip: 0.95 * regional + Math.sqrt(1 - 0.95 ** 2) * local,
    zExtreme: gaussianField(c.seed, CH.extremeRain, c.x / EXTREME_RAIN_FIELD_KM, c.y / EXTREME_RAIN_FIELD_KM, key),
    dryDaysNoise: gaussianAt(c.seed, CH.dryDays, c.qLat, c.qLon, key),
    speiNoise: gaussianAt(c.seed, CH.spei, c.qLat, c.qLon, key),
    humidityNoise: gaussianAt(c.seed, CH.humidity, c.qLat, c.qLon, key),
    windNoise: gaussianAt(c.seed, CH.wind, c.qLat, c.qLon, key),
    rain80Uniform: uniformAt(c.seed, CH.rain80, c.qLat, c.qLon, key),
  };
}

function seaLevelCm(c: PointContext, year: number, key: number): number {
  const wobble = SEA_LEVEL_NOISE_CM * gaussianAt(c.seed, CH.seaLevel, Math.floor(c.latitude), Math.floor(c.longitude), key);
  return round(Math.max(0, seaLevelTrendCm(c.scenario, year) * c.seaLevelFactor + wobble), 1);
}

function indicatorsForYear(c: PointContext, year: number): YearIndicators {
  const key = yearKey(year, c.scenarioIndex);
  const warming = warmingC(c.scenario, year);
  const t = temperatureIndicators(c.thermal, warming, thermalAnomalies(c, key));
  const m = moistureIndicators(c.moisture, warming, moistureAnomalies(c, key));
  const storm = typhoonAt(c.latitude, c.longitude, typhoonTracks(c.seed, c.scenarioIndex, year, warming));
  return {
    year,
    su25: t.su25,
    tr25: t.tr25,
    wsdi: t.wsdi,
    fd0: t.fd0,
    id0: t.id0,
    csdi: t.csdi,
    tnn: t.tnn,
    prcp: m.prcp,
    cdd: m.cdd,
    spei12: m.spei12,
    rx1day: m.rx1day,
    rain80: m.rain80,
    ta: t.ta,
    rhm: m.rhm,
    ws: m.ws,
    slr: seaLevelCm(c, year, key),
    typhoonWindMs: storm.windMs,
    typhoonDistanceKm: storm.distanceKm,
    typhoonIndex: storm.index,
    waterWithdrawal: m.waterWithdrawal,
    waterAvailable: m.waterAvailable,
  };
}

/**
 * The point's indicators for every year 2021–2100 (80 entries, ascending).
 * Only the spec's seed matters here; the point carries its own statics.
 */
export function generateYearlyIndicators(point: GridStatic, scenario: Scenario, spec: GridSpec): YearIndicators[] {
  validateGridSpec(spec);
  const context = pointContext(point, scenario, spec.seed);
  const series: YearIndicators[] = [];
  for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) series.push(indicatorsForYear(context, year));
  return series;
}
