/**
 * Public entry point of the climate physical-risk kernel: one (scenario, year)
 * cell → nine hazard results, or a whole site sharing the per-scenario work.
 * Pure: no I/O; callers fetch inputs and store the results (docs/risk-model.md).
 */
import { HAZARDS, type Hazard, type HazardResult, type Scenario, type SiteInputs, type YearIndicators } from './types';
import { BIN_LAYOUTS, resolveOpenEdges } from './bins';
import { InvalidRiskInputError } from './errors';
import { exposureScore, type WindowClimate } from './exposure';
import { hazardScore } from './hazard-scores';
import { aalGrade, baseAal, expectedLoss, finalAal, integratedScore } from './loss';
import { roundTo } from './numeric';
import { binProbabilities, sampleStats } from './probability';
import { prepareScenario, rowIndexOfYear, spanIndices, type PreparedScenario } from './scenario-series';
import { validateGrid, validateSite } from './validation';
import { vulnerabilityScore } from './vulnerability';
import { yearWindow, type WindowYears } from './window';

/** Stored with every result row so a model change is visible in the data. */
export const MODEL_VERSION = 'risk-model/1';

export interface CellOptions {
  /** Years of intensities behind P(H), centred on the target year; 'all' reproduces the original. */
  windowYears: WindowYears;
}

export const DEFAULT_CELL_OPTIONS: CellOptions = { windowYears: 30 };

export interface SiteCellResult {
  scenario: Scenario;
  year: number;
  results: HazardResult[];
}

export interface CellSummary {
  totalFinalAal: number;
  totalExpectedLoss: number;
  maxIntegratedScore: number;
  meanIntegratedScore: number;
  /** Top 3 by final AAL, ties in HAZARDS order. */
  topHazards: Hazard[];
}

/** What stays fixed for a site across scenarios and years. */
interface PreparedSite {
  inputs: SiteInputs;
  vulnerability: Readonly<Record<Hazard, number>>;
}

function prepareSite(inputs: SiteInputs): PreparedSite {
  validateSite(inputs.site);
  validateGrid(inputs.grid);
  const vulnerability = {} as Record<Hazard, number>;
  for (const hazard of HAZARDS) {
    vulnerability[hazard] = vulnerabilityScore(hazard, { building: inputs.site.building, grid: inputs.grid });
  }
  return { inputs, vulnerability };
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** P(H) over the hazard's bins from the intensities in rows [start, end). */
function probabilityBins(scenario: PreparedScenario, hazard: Hazard, start: number, end: number): number[] {
  const layout = BIN_LAYOUTS[hazard];
  const samples = scenario.intensities[hazard].subarray(start, end);
  const stats = sampleStats(samples);
  const edges = resolveOpenEdges(scenario.edges[hazard], stats);
  const tiesBelow = layout.kind === 'fixed' ? layout.tiesBelow : undefined;
  return binProbabilities(samples, edges, { stats, tiesBelow });
}

interface CellContext {
  site: PreparedSite;
  scenario: PreparedScenario;
  row: YearIndicators;
  window: readonly [start: number, end: number];
  climate: WindowClimate;
}

function hazardResult(hazard: Hazard, { site, scenario, row, window, climate }: CellContext): HazardResult {
  const { grid, site: profile } = site.inputs;
  const pBins = probabilityBins(scenario, hazard, ...window);
  const base = baseAal(pBins, BIN_LAYOUTS[hazard].damageRatios);
  const h = 100 * hazardScore(hazard, row, grid);
  const e = exposureScore(hazard, { latitude: profile.latitude, building: profile.building, grid, climate });
  const v = site.vulnerability[hazard];
  const rate = finalAal(base, v, profile.asset.insuranceRate);
  return {
    hazard,
    h,
    e,
    v,
    pBins,
    baseAal: base,
    finalAal: rate,
    expectedLoss: expectedLoss(rate, profile.asset.value),
    integratedScore: integratedScore(h, e, v),
    grade: aalGrade(rate),
  };
}

function computePreparedCell(site: PreparedSite, scenario: PreparedScenario, year: number, options: CellOptions): HazardResult[] {
  const rowIndex = rowIndexOfYear(scenario, year);
  if (rowIndex < 0) throw new InvalidRiskInputError(`series.${scenario.scenario}`, `has no year ${year}`);
  // The window always contains the target year, so it is never empty.
  const [start, end] = spanIndices(scenario, yearWindow(year, options.windowYears));
  const climate: WindowClimate = {
    meanPrcpMm: mean(scenario.prcp.subarray(start, end)),
    meanCdd: mean(scenario.cdd.subarray(start, end)),
  };
  const context: CellContext = { site, scenario, row: scenario.rows[rowIndex], window: [start, end], climate };
  return HAZARDS.map((hazard) => hazardResult(hazard, context));
}

/**
 * Nine hazard results, in HAZARDS order, for one (scenario, year).
 * Throws InvalidRiskInputError for unusable building, grid or series data.
 */
export function computeCell(
  inputs: SiteInputs,
  scenario: Scenario,
  year: number,
  options: CellOptions = DEFAULT_CELL_OPTIONS,
): HazardResult[] {
  const site = prepareSite(inputs);
  return computePreparedCell(site, prepareScenario(inputs, inputs.grid, scenario), year, options);
}

/** Every (scenario, year) cell of a site, scenario-major, validating and precomputing once per scenario. */
export function computeSite(
  inputs: SiteInputs,
  scenarios: readonly Scenario[],
  years: readonly number[],
  options: CellOptions = DEFAULT_CELL_OPTIONS,
): SiteCellResult[] {
  const site = prepareSite(inputs);
  const cells: SiteCellResult[] = [];
  for (const scenario of scenarios) {
    const prepared = prepareScenario(inputs, inputs.grid, scenario);
    for (const year of years) cells.push({ scenario, year, results: computePreparedCell(site, prepared, year, options) });
  }
  return cells;
}

/** Site totals for one cell: sums, max/mean integrated score and the three largest final AALs. */
export function summarizeCell(results: readonly HazardResult[]): CellSummary {
  const count = results.length;
  const sum = (pick: (r: HazardResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const byLoss = [...results].sort((a, b) => b.finalAal - a.finalAal || HAZARDS.indexOf(a.hazard) - HAZARDS.indexOf(b.hazard));
  return {
    totalFinalAal: sum((r) => r.finalAal),
    totalExpectedLoss: sum((r) => r.expectedLoss),
    maxIntegratedScore: count === 0 ? 0 : Math.max(...results.map((r) => r.integratedScore)),
    meanIntegratedScore: count === 0 ? 0 : roundTo(sum((r) => r.integratedScore) / count, 2),
    topHazards: byLoss.slice(0, 3).map((r) => r.hazard),
  };
}
