/**
 * Public entry point of the climate physical-risk kernel: one (scenario, year)
 * cell → nine hazard results, or a whole site sharing the per-scenario work.
 * Pure: no I/O; callers fetch inputs and store the results (docs/risk-model.md).
 */
import { HAZARDS, type GridStatic, type Hazard, type HazardResult, type Scenario, type SiteInputs, type YearIndicators } from './types';
import { BIN_LAYOUTS, resolveOpenEdges } from './bins';
import { InvalidRiskInputError } from './errors';
import { exposureFromFacts, siteExposureFacts, type ExposureFacts, type SiteExposureFacts, type WindowClimate } from './exposure';
import { hazardScore } from './hazard-scores';
import { aalGrade, baseAal, expectedLoss, finalAal, integratedScore } from './loss';
import { roundTo } from './numeric';
import { estimateBins, sampleStats, type BinEstimate, type SampleStats } from './probability';
import { prepareScenario, rowIndexOfYear, spanIndices, type PreparedScenario } from './scenario-series';
import { validateGrid, validateSite } from './validation';
import { vulnerabilityScore } from './vulnerability';
import { yearWindow, type WindowYears } from './window';

export { HAZARD_MODEL_VERSION, MODEL_VERSION, REUSABLE_HAZARD_MODEL_VERSIONS } from './model-version';

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
export interface PreparedSite {
  inputs: SiteInputs;
  vulnerability: Readonly<Record<Hazard, number>>;
  exposureFacts: SiteExposureFacts;
}

export function prepareSite(inputs: SiteInputs): PreparedSite {
  validateSite(inputs.site);
  validateGrid(inputs.grid);
  const vulnerability = {} as Record<Hazard, number>;
  for (const hazard of HAZARDS) {
    vulnerability[hazard] = vulnerabilityScore(hazard, { building: inputs.site.building, grid: inputs.grid });
  }
  const { site, grid } = inputs;
  return { inputs, vulnerability, exposureFacts: siteExposureFacts({ latitude: site.latitude, building: site.building, grid }) };
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** P(H) over one hazard's bins from the intensities in rows [start, end), with what it was estimated from. */
export interface WindowBins extends BinEstimate {
  samples: Float64Array;
  stats: SampleStats;
  /** Bin edges with the open outer edges resolved from the samples. */
  edges: number[];
}

export function windowBins(scenario: PreparedScenario, hazard: Hazard, start: number, end: number): WindowBins {
  const layout = BIN_LAYOUTS[hazard];
  const samples = scenario.intensities[hazard].subarray(start, end);
  const stats = sampleStats(samples);
  const edges = resolveOpenEdges(scenario.edges[hazard], stats);
  const tiesBelow = layout.kind === 'fixed' ? layout.tiesBelow : undefined;
  // Copied field by field: spreading the estimate into the result made the grid batch ~40 % slower.
  const { p, method, bandwidth } = estimateBins(samples, edges, { stats, tiesBelow });
  return { p, method, bandwidth, samples, stats, edges };
}

const probabilityBins = (scenario: PreparedScenario, hazard: Hazard, start: number, end: number): number[] => windowBins(scenario, hazard, start, end).p;

/** The part of a hazard result that depends only on the grid point, scenario, year and window: what the grid batch stores. */
export interface GridHazardResult {
  hazard: Hazard;
  /** Hazard score, 0–100. */
  h: number;
  pBins: number[];
  baseAal: number;
}

export interface GridCellResult {
  scenario: Scenario;
  year: number;
  results: GridHazardResult[];
}

export interface YearContext {
  scenario: PreparedScenario;
  row: YearIndicators;
  window: readonly [start: number, end: number];
  climate: WindowClimate;
}

export function yearContext(scenario: PreparedScenario, year: number, options: CellOptions): YearContext {
  const rowIndex = rowIndexOfYear(scenario, year);
  if (rowIndex < 0) throw new InvalidRiskInputError(`series.${scenario.scenario}`, `has no year ${year}`);
  // The window always contains the target year, so it is never empty.
  const [start, end] = spanIndices(scenario, yearWindow(year, options.windowYears));
  const climate: WindowClimate = {
    meanPrcpMm: mean(scenario.prcp.subarray(start, end)),
    meanCdd: mean(scenario.cdd.subarray(start, end)),
  };
  return { scenario, row: scenario.rows[rowIndex], window: [start, end], climate };
}

function gridHazardResults(grid: GridStatic, { scenario, row, window }: YearContext): GridHazardResult[] {
  return HAZARDS.map((hazard) => {
    const pBins = probabilityBins(scenario, hazard, ...window);
    return { hazard, h: 100 * hazardScore(hazard, row, grid), pBins, baseAal: baseAal(pBins, BIN_LAYOUTS[hazard].damageRatios) };
  });
}

/** Adds the site's exposure, vulnerability and money to the grid point's H and P(H). */
function siteHazardResult(site: PreparedSite, gridPart: GridHazardResult, exposureFacts: ExposureFacts): HazardResult {
  const profile = site.inputs.site;
  const { hazard, h, pBins, baseAal: base } = gridPart;
  const e = exposureFromFacts(hazard, exposureFacts);
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

function computePreparedCell(site: PreparedSite, scenario: PreparedScenario, year: number, options: CellOptions, precomputed?: readonly GridHazardResult[]): HazardResult[] {
  const context = yearContext(scenario, year, options);
  const gridParts = precomputed ?? gridHazardResults(site.inputs.grid, context);
  const exposureFacts: ExposureFacts = { ...site.exposureFacts, ...context.climate };
  return gridParts.map((part) => siteHazardResult(site, part, exposureFacts));
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

/**
 * Some years of one scenario for a site. Where `precomputed` has a year's nine grid results (from
 * the grid batch, same window) they are used instead of recomputing H and P(H); the outcome is
 * the same either way. A year whose data is unusable yields its InvalidRiskInputError instead of
 * results, so one bad year does not sink the others.
 */
export function computeScenarioCells(
  inputs: SiteInputs,
  scenario: Scenario,
  years: readonly number[],
  options: CellOptions,
  precomputed: ReadonlyMap<number, readonly GridHazardResult[]> = new Map(),
): Array<SiteCellResult | { scenario: Scenario; year: number; error: InvalidRiskInputError }> {
  const site = prepareSite(inputs);
  const prepared = prepareScenario(inputs, inputs.grid, scenario);
  return years.map((year) => {
    try {
      return { scenario, year, results: computePreparedCell(site, prepared, year, options, precomputed.get(year)) };
    } catch (err) {
      if (err instanceof InvalidRiskInputError) return { scenario, year, error: err };
      throw err;
    }
  });
}

/**
 * H and P(H) of one grid point for every (scenario, year): the grid batch's unit of work. Needs
 * no site, so it validates only the grid and the series.
 */
export function computeGridCells(
  point: Pick<SiteInputs, 'grid' | 'series'>,
  scenarios: readonly Scenario[],
  years: readonly number[],
  options: CellOptions = DEFAULT_CELL_OPTIONS,
): GridCellResult[] {
  validateGrid(point.grid);
  const cells: GridCellResult[] = [];
  for (const scenario of scenarios) {
    const prepared = prepareScenario(point, point.grid, scenario);
    for (const year of years) cells.push({ scenario, year, results: gridHazardResults(point.grid, yearContext(prepared, year, options)) });
  }
  return cells;
}

/** What a cell summary reads of each hazard result (a stored row has these too). */
export type SummaryInput = Pick<HazardResult, 'hazard' | 'finalAal' | 'expectedLoss' | 'integratedScore'>;

/**
 * Site totals for one cell: sums, max/mean integrated score and the three largest final AALs.
 * The only definition of a summary: the API's `view=summary` applies it to the stored rows.
 */
export function summarizeCell(results: readonly SummaryInput[]): CellSummary {
  const count = results.length;
  const sum = (pick: (r: SummaryInput) => number) => results.reduce((total, r) => total + pick(r), 0);
  const byLoss = [...results].sort((a, b) => b.finalAal - a.finalAal || HAZARDS.indexOf(a.hazard) - HAZARDS.indexOf(b.hazard));
  return {
    totalFinalAal: sum((r) => r.finalAal),
    totalExpectedLoss: sum((r) => r.expectedLoss),
    maxIntegratedScore: count === 0 ? 0 : Math.max(...results.map((r) => r.integratedScore)),
    meanIntegratedScore: count === 0 ? 0 : roundTo(sum((r) => r.integratedScore) / count, 2),
    topHazards: byLoss.slice(0, 3).map((r) => r.hazard),
  };
}
