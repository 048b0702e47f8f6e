/**
 * Per-scenario precomputation shared by all 80 cells of a scenario: the series
 * sorted and validated once, each hazard's yearly intensity as a typed array
 * (windows are zero-copy subarrays), and the bin edges from the 2021–2050
 * baseline, so nothing is re-sorted per cell.
 */
import { HAZARDS, type GridStatic, type Hazard, type Scenario, type SiteInputs, type YearIndicators } from './types';
import { BASELINE_YEARS, BIN_LAYOUTS, scenarioEdges, type Edge } from './bins';
import { InvalidRiskInputError } from './errors';
import { hazardIntensity } from './intensity';
import { validateIndicators } from './validation';
import type { YearSpan } from './window';

export interface PreparedScenario {
  scenario: Scenario;
  /** Ascending, unique. */
  years: Int32Array;
  /** Aligned with `years`. */
  rows: readonly YearIndicators[];
  intensities: Readonly<Record<Hazard, Float64Array>>;
  edges: Readonly<Record<Hazard, readonly Edge[]>>;
  prcp: Float64Array;
  cdd: Float64Array;
}

function sortedValidatedRows(inputs: Pick<SiteInputs, 'series'>, scenario: Scenario): YearIndicators[] {
  const field = `series.${scenario}`;
  const raw = inputs.series[scenario];
  if (!Array.isArray(raw) || raw.length === 0) throw new InvalidRiskInputError(field, 'has no years');
  for (const [index, row] of raw.entries()) validateIndicators(`${field}[${index}]`, row);
  const rows = [...raw].sort((a, b) => a.year - b.year);
  for (let i = 1; i < rows.length; i++) {
    if (rows[i].year === rows[i - 1].year) throw new InvalidRiskInputError(field, `has year ${rows[i].year} twice`);
  }
  return rows;
}

/** First index whose year is ≥ `year`. */
function lowerBound(years: Int32Array, year: number): number {
  let low = 0;
  let high = years.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (years[mid] < year) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Half-open index range [start, end) of the rows inside `span`. */
export function spanIndices(prepared: PreparedScenario, span: YearSpan): [start: number, end: number] {
  return [lowerBound(prepared.years, span.from), lowerBound(prepared.years, span.to + 1)];
}

export function rowIndexOfYear(prepared: PreparedScenario, year: number): number {
  const index = lowerBound(prepared.years, year);
  return prepared.years[index] === year ? index : -1;
}

function baselineEdges(
  scenario: Scenario,
  years: Int32Array,
  intensities: Record<Hazard, Float64Array>,
): Record<Hazard, Edge[]> {
  const [start, end] = [lowerBound(years, BASELINE_YEARS[0]), lowerBound(years, BASELINE_YEARS[1] + 1)];
  const needsBaseline = HAZARDS.some((hazard) => BIN_LAYOUTS[hazard].kind === 'percentile');
  if (needsBaseline && end <= start) {
    throw new InvalidRiskInputError(`series.${scenario}`, `has no baseline years ${BASELINE_YEARS.join('–')}`);
  }
  const edges = {} as Record<Hazard, Edge[]>;
  for (const hazard of HAZARDS) {
    edges[hazard] = scenarioEdges(BIN_LAYOUTS[hazard], intensities[hazard].subarray(start, end));
  }
  return edges;
}

export function prepareScenario(inputs: Pick<SiteInputs, 'series'>, grid: GridStatic, scenario: Scenario): PreparedScenario {
  const rows = sortedValidatedRows(inputs, scenario);
  const years = Int32Array.from(rows, (row) => row.year);
  const intensities = {} as Record<Hazard, Float64Array>;
  for (const hazard of HAZARDS) {
    intensities[hazard] = Float64Array.from(rows, (row) => hazardIntensity(hazard, row, grid));
  }
  return {
    scenario,
    years,
    rows,
    intensities,
    edges: baselineEdges(scenario, years, intensities),
    prcp: Float64Array.from(rows, (row) => row.prcp),
    cdd: Float64Array.from(rows, (row) => row.cdd),
  };
}
