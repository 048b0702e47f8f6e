/**
 * Where a result comes from: every step of one hazard result of a cell, with the numbers it used,
 * at full precision (docs/risk-model.md, "Explaining a result"). Pure, and computed with the same
 * functions as the result itself, so an explanation of the current model reproduces the result.
 */
import { BASELINE_YEARS, BIN_LAYOUTS, type Edge } from './bins';
import { prepareSite, windowBins, yearContext, DEFAULT_CELL_OPTIONS, type CellOptions, type PreparedSite, type YearContext } from './cell';
import { exposureBreakdown, exposureFacts, type ExposureFacts } from './exposure';
import { hazardScore } from './hazard-scores';
import { aalGrade, baseAal, expectedLoss, finalAal, integratedScore, riskLevel, vulnerabilityFactor } from './loss';
import { MODEL_VERSION } from './model-version';
import { prepareScenario, rowIndexOfYear, type PreparedScenario } from './scenario-series';
import { scoreOf, type RuleContribution } from './score-rules';
import { HAZARDS, type Hazard, type Scenario, type SiteInputs } from './types';
import { validateGrid, validateSite } from './validation';
import { vulnerabilityBreakdown, vulnerabilityFacts, type VulnerabilityFacts } from './vulnerability';
import { yearWindow, type WindowYears } from './window';

/** A formula, the same with the numbers put in, and its value. */
export interface Formula {
  formula: string;
  substituted: string;
  value: number;
}

export interface BinExplanation {
  /** Lower and upper edge in the intensity's unit; [from, to), except where the model says otherwise. */
  from: number;
  to: number;
  p: number;
  damageRatio: number;
}

export interface ResultExplanation {
  modelVersion: string;
  scenario: Scenario;
  year: number;
  hazard: Hazard;
  /** Hazard score H (0–100) from the target year's indicators at the grid point. */
  h: number;
  intensity: { measure: string; thisYear: number };
  window: { windowYears: WindowYears; from: number; to: number; samples: number; min: number; max: number; mean: number; std: number };
  edges: { kind: 'percentile' | 'fixed'; baselineYears: readonly number[] | null; quantiles: readonly number[] | null; beforeOpenEdges: Edge[]; resolved: number[] };
  probability: { method: 'kernel' | 'counting'; bandwidth: number | null };
  bins: BinExplanation[];
  baseAal: Formula;
  exposure: { score: number; rules: RuleContribution[]; facts: ExposureFacts; forestDistanceSource: 'reference data' | 'land cover' };
  vulnerability: { score: number; rules: RuleContribution[]; facts: VulnerabilityFacts };
  finalAal: Formula;
  expectedLoss: Formula;
  integratedScore: Formula & { level: string };
  grade: string;
}

const n = (value: number) => String(value);

function explainOne(site: PreparedSite, context: YearContext, year: number, hazard: Hazard, options: CellOptions): ResultExplanation {
  const { inputs } = site;
  const { grid } = inputs;
  const { scenario, row, window, climate } = context;
  const layout = BIN_LAYOUTS[hazard];
  const bins = windowBins(scenario, hazard, ...window);
  const base = baseAal(bins.p, layout.damageRatios);
  const h = 100 * hazardScore(hazard, row, grid);
  const eRules = exposureBreakdown(hazard, { latitude: inputs.site.latitude, building: inputs.site.building, grid, climate });
  const vRules = vulnerabilityBreakdown(hazard, { building: inputs.site.building, grid });
  const [e, v] = [scoreOf(eRules), scoreOf(vRules)];
  const { value: assetValue, insuranceRate } = inputs.site.asset;
  const final = finalAal(base, v, insuranceRate);
  const loss = expectedLoss(final, assetValue);
  const score = integratedScore(h, e, v);
  const span = yearWindow(year, options.windowYears);
  return {
    modelVersion: MODEL_VERSION,
    scenario: scenario.scenario,
    year,
    hazard,
    h,
    intensity: { measure: layout.intensity, thisYear: scenario.intensities[hazard][rowIndexOfYear(scenario, year)] },
    window: { windowYears: options.windowYears, ...span, samples: bins.stats.count, min: bins.stats.min, max: bins.stats.max, mean: bins.stats.mean, std: bins.stats.std },
    edges: {
      kind: layout.kind,
      baselineYears: layout.kind === 'percentile' ? BASELINE_YEARS : null,
      quantiles: layout.kind === 'percentile' ? layout.quantiles : null,
      beforeOpenEdges: [...scenario.edges[hazard]],
      resolved: bins.edges,
    },
    probability: { method: bins.method, bandwidth: bins.bandwidth },
    bins: bins.p.map((p, i) => ({ from: bins.edges[i], to: bins.edges[i + 1], p, damageRatio: layout.damageRatios[i] })),
    baseAal: { formula: 'Σ P_i × DR_i', substituted: bins.p.map((p, i) => `${n(p)} × ${n(layout.damageRatios[i])}`).join(' + '), value: base },
    exposure: {
      score: e,
      rules: eRules,
      facts: exposureFacts({ latitude: inputs.site.latitude, building: inputs.site.building, grid, climate }),
      forestDistanceSource: grid.forestDistanceM === null ? 'land cover' : 'reference data',
    },
    vulnerability: { score: v, rules: vRules, facts: vulnerabilityFacts({ building: inputs.site.building, grid }) },
    finalAal: {
      formula: 'base AAL × (0.9 + 0.2 × V / 100) × (1 − insurance rate)',
      substituted: `${n(base)} × (0.9 + 0.2 × ${v} / 100) × (1 − ${n(insuranceRate)}) = ${n(base)} × ${n(vulnerabilityFactor(v))} × ${n(1 - insuranceRate)}`,
      value: final,
    },
    expectedLoss: { formula: 'round(final AAL × asset value) KRW', substituted: `round(${n(final)} × ${n(assetValue)})`, value: loss },
    integratedScore: { formula: 'round(H × E × V / 10,000, 2)', substituted: `round(${n(h)} × ${e} × ${v} / 10000, 2)`, value: score, level: riskLevel(score) },
    grade: aalGrade(final),
  };
}

/**
 * Explanations of some (year, hazard) results of one scenario of a site, validating and preparing
 * the site and the scenario once. Throws InvalidRiskInputError like computeCell.
 */
export function explainResults(
  inputs: SiteInputs,
  scenario: Scenario,
  cells: ReadonlyArray<{ year: number; hazard: Hazard }>,
  options: CellOptions = DEFAULT_CELL_OPTIONS,
): ResultExplanation[] {
  const site = prepareSite(inputs);
  const prepared: PreparedScenario = prepareScenario(inputs, inputs.grid, scenario);
  const contexts = new Map<number, YearContext>();
  return cells.map(({ year, hazard }) => {
    let context = contexts.get(year);
    if (!context) contexts.set(year, (context = yearContext(prepared, year, options)));
    return explainOne(site, context, year, hazard, options);
  });
}

/** Which E and V rules fired for one hazard of a cell; each list's points add up (clamped) to E or V. */
export interface HazardExplanation {
  hazard: Hazard;
  exposure: RuleContribution[];
  vulnerability: RuleContribution[];
}

/** The rules behind E and V of one (scenario, year), in HAZARDS order, with the same window climate as computeCell. */
export function explainCell(inputs: SiteInputs, scenario: Scenario, year: number, options: CellOptions = DEFAULT_CELL_OPTIONS): HazardExplanation[] {
  validateSite(inputs.site);
  validateGrid(inputs.grid);
  const { climate } = yearContext(prepareScenario(inputs, inputs.grid, scenario), year, options);
  const { site, grid } = inputs;
  return HAZARDS.map((hazard) => ({
    hazard,
    exposure: exposureBreakdown(hazard, { latitude: site.latitude, building: site.building, grid, climate }),
    vulnerability: vulnerabilityBreakdown(hazard, { building: site.building, grid }),
  }));
}
