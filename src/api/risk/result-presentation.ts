import { summarizeCell } from '../../domain/risk/cell';
import type { ResultExplanation } from '../../domain/risk/explain';
import type { GridStatic, Hazard, Scenario } from '../../domain/risk/types';
import type { CellRows, ResultRow } from '../../infra/risk/queries/results';
import type { CellSummaryView, Explanation, HazardResultView } from './result-schemas';
import { roundProbability, roundRate, roundScore } from './units';

/**
 * Stored results as the API shows them: rounded to the stated precision (units.ts) in JSON and
 * CSV, with explanations at full precision. CSV headers name their units.
 */

export function presentResult(row: ResultRow, explain?: Explanation): HazardResultView {
  return {
    siteId: row.siteId,
    scenario: row.scenario as Scenario,
    year: row.year,
    hazard: row.hazard as Hazard,
    h: roundScore(row.h),
    e: row.e,
    v: row.v,
    pBins: row.pBins.map(roundProbability),
    baseAal: roundRate(row.baseAal),
    finalAal: roundRate(row.finalAal),
    expectedLoss: row.expectedLoss,
    integratedScore: roundScore(row.integratedScore),
    grade: row.grade as HazardResultView['grade'],
    modelVersion: row.modelVersion,
    computedAt: row.computedAt,
    ...(explain ? { explain } : {}),
  };
}

/** The domain's summary of a cell's stored rows, rounded like the rows themselves. */
export function presentSummary(cell: CellRows): CellSummaryView {
  const s = summarizeCell(cell.results);
  return {
    siteId: cell.siteId,
    scenario: cell.scenario as Scenario,
    year: cell.year,
    totalFinalAal: roundRate(s.totalFinalAal),
    totalExpectedLoss: s.totalExpectedLoss,
    maxIntegratedScore: roundScore(s.maxIntegratedScore),
    meanIntegratedScore: roundScore(s.meanIntegratedScore),
    topHazards: s.topHazards,
  };
}

/** Whether the explanation reproduces the stored row bit for bit. */
export function reproduces(x: ResultExplanation, row: ResultRow): boolean {
  const p = x.bins.map((b) => b.p);
  return (
    x.h === row.h &&
    x.exposure.score === row.e &&
    x.vulnerability.score === row.v &&
    p.length === row.pBins.length &&
    p.every((value, i) => value === row.pBins[i]) &&
    x.baseAal.value === row.baseAal &&
    x.finalAal.value === row.finalAal &&
    x.expectedLoss.value === row.expectedLoss &&
    x.integratedScore.value === row.integratedScore
  );
}

const definedFacts = (facts: object) => Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined)) as Record<string, number | string | boolean>;

export function presentExplanation(x: ResultExplanation, grid: GridStatic & { id: number; distanceKm: number }, matchesStored: boolean): Explanation {
  return {
    modelVersion: x.modelVersion,
    matchesStored,
    gridPoint: {
      id: grid.id,
      distanceKm: grid.distanceKm,
      latitude: grid.latitude,
      longitude: grid.longitude,
      landCover: grid.landCover,
      elevationM: grid.elevationM,
      riverDistanceM: grid.riverDistanceM,
      coastDistanceM: grid.coastDistanceM,
      forestDistanceM: grid.forestDistanceM,
    },
    h: x.h,
    intensity: x.intensity,
    window: x.window,
    edges: { ...x.edges, baselineYears: x.edges.baselineYears && [...x.edges.baselineYears], quantiles: x.edges.quantiles && [...x.edges.quantiles] },
    probability: x.probability,
    bins: x.bins,
    baseAal: x.baseAal,
    exposure: { ...x.exposure, facts: definedFacts(x.exposure.facts) },
    vulnerability: { ...x.vulnerability, facts: definedFacts(x.vulnerability.facts) },
    finalAal: x.finalAal,
    expectedLoss: x.expectedLoss,
    integratedScore: x.integratedScore as Explanation['integratedScore'],
    grade: x.grade as Explanation['grade'],
  };
}

type Column<T> = readonly [header: string, value: (row: T) => unknown];

const list = (values: readonly unknown[]) => values.join(';');
const rules = (contributions: ReadonlyArray<{ rule: string; points: number }>) => contributions.map((c) => `${c.rule} (${c.points >= 0 ? '+' : ''}${c.points})`).join('; ');

/** Result columns: rates are fractions of asset value per year, scores 0–100, money KRW per year. */
export const RESULT_CSV_COLUMNS: ReadonlyArray<Column<HazardResultView>> = [
  ['site_id', (r) => r.siteId],
  ['scenario', (r) => r.scenario],
  ['year', (r) => r.year],
  ['hazard', (r) => r.hazard],
  ['h_score', (r) => r.h],
  ['e_score', (r) => r.e],
  ['v_score', (r) => r.v],
  ['p_bins_fraction', (r) => list(r.pBins)],
  ['base_aal_rate', (r) => r.baseAal],
  ['final_aal_rate', (r) => r.finalAal],
  ['expected_loss_krw', (r) => r.expectedLoss],
  ['integrated_score', (r) => r.integratedScore],
  ['grade', (r) => r.grade],
  ['model_version', (r) => r.modelVersion],
  ['computed_at', (r) => r.computedAt],
];

/** With explain=true: where each row comes from, at full precision (distances in km, edges in the intensity's unit). */
export const EXPLAIN_CSV_COLUMNS: ReadonlyArray<Column<HazardResultView>> = [
  ['grid_id', (r) => r.explain?.gridPoint.id],
  ['grid_distance_km', (r) => r.explain?.gridPoint.distanceKm],
  ['window_years', (r) => r.explain && `${r.explain.window.from}-${r.explain.window.to}`],
  ['intensity_measure', (r) => r.explain?.intensity.measure],
  ['bin_edges', (r) => r.explain && list(r.explain.edges.resolved)],
  ['p_bins_full', (r) => r.explain && list(r.explain.bins.map((b) => b.p))],
  ['damage_ratios', (r) => r.explain && list(r.explain.bins.map((b) => b.damageRatio))],
  ['exposure_rules', (r) => r.explain && rules(r.explain.exposure.rules)],
  ['vulnerability_rules', (r) => r.explain && rules(r.explain.vulnerability.rules)],
  ['final_aal_formula', (r) => r.explain && `${r.explain.finalAal.substituted} = ${r.explain.finalAal.value}`],
  ['matches_stored', (r) => r.explain?.matchesStored],
];

export const SUMMARY_CSV_COLUMNS: ReadonlyArray<Column<CellSummaryView>> = [
  ['site_id', (r) => r.siteId],
  ['scenario', (r) => r.scenario],
  ['year', (r) => r.year],
  ['total_final_aal_rate', (r) => r.totalFinalAal],
  ['total_expected_loss_krw', (r) => r.totalExpectedLoss],
  ['max_integrated_score', (r) => r.maxIntegratedScore],
  ['mean_integrated_score', (r) => r.meanIntegratedScore],
  ['top_hazards', (r) => list(r.topHazards)],
];

/** Rows as CSV records keyed by header, for toCsv. */
export function csvRecords<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): { headers: string[]; records: Array<Record<string, unknown>> } {
  return { headers: columns.map(([header]) => header), records: rows.map((row) => Object.fromEntries(columns.map(([header, value]) => [header, value(row)]))) };
}
