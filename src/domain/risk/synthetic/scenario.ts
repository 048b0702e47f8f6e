/**
 * Scenario trends relative to 2021. Shapes and end points are round numbers
 * chosen to resemble the spread of CMIP6 projections over Korea; they are not
 * taken from any model run.
 */
import { FIRST_YEAR, LAST_YEAR, SCENARIOS } from '../types';
import type { Scenario } from '../types';

interface Trend {
  /** Warming of the annual mean temperature by 2100 relative to 2021, °C. */
  warming2100C: number;
  /** Exponent of the warming curve: < 1 levels off (mitigation), > 1 accelerates. */
  warmingShape: number;
  /** Sea-level rise by 2100 relative to 2021, cm. */
  seaLevel2100Cm: number;
  /** Share of the sea-level rise that is linear in time; the rest accelerates quadratically. */
  seaLevelLinearShare: number;
}

const TRENDS: Record<Scenario, Trend> = {
  SSP126: { warming2100C: 1.0, warmingShape: 0.8, seaLevel2100Cm: 38, seaLevelLinearShare: 0.7 },
  SSP245: { warming2100C: 2.0, warmingShape: 1.0, seaLevel2100Cm: 52, seaLevelLinearShare: 0.55 },
  SSP370: { warming2100C: 3.3, warmingShape: 1.15, seaLevel2100Cm: 68, seaLevelLinearShare: 0.45 },
  SSP585: { warming2100C: 4.5, warmingShape: 1.2, seaLevel2100Cm: 88, seaLevelLinearShare: 0.4 },
};

export function scenarioIndex(scenario: Scenario): number {
  const index = SCENARIOS.indexOf(scenario);
  if (index < 0) throw new RangeError(`unknown scenario: ${String(scenario)}`);
  return index;
}

/** Fraction of the 2021–2100 period elapsed, 0–1. */
function progress(year: number): number {
  return (year - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR);
}

/** Warming relative to 2021, °C: 0 in 2021, the scenario's end point in 2100. */
export function warmingC(scenario: Scenario, year: number): number {
  const t = TRENDS[scenario];
  return t.warming2100C * progress(year) ** t.warmingShape;
}

/** Mean sea-level rise relative to 2021, cm, before regional and yearly variation. */
export function seaLevelTrendCm(scenario: Scenario, year: number): number {
  const t = TRENDS[scenario];
  const x = progress(year);
  return t.seaLevel2100Cm * (t.seaLevelLinearShare * x + (1 - t.seaLevelLinearShare) * x * x);
}
