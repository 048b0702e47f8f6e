/** Public surface of the climate physical-risk kernel. */
export * from './types';
export { computeCell, computeGridCells, computeScenarioCells, computeSite, summarizeCell, DEFAULT_CELL_OPTIONS } from './cell';
export { explainCell, explainResults } from './explain';
export type { BinExplanation, Formula, HazardExplanation, ResultExplanation } from './explain';
export { HAZARD_MODEL_VERSION, MODEL_VERSION, REUSABLE_HAZARD_MODEL_VERSIONS } from './model-version';
export { exposureBreakdown, exposureScore } from './exposure';
export type { ExposureInputs, WindowClimate } from './exposure';
export { vulnerabilityBreakdown, vulnerabilityScore } from './vulnerability';
export type { VulnerabilityInputs } from './vulnerability';
export type { RuleContribution } from './score-rules';
export type { CellOptions, CellSummary, GridCellResult, GridHazardResult, SiteCellResult, SummaryInput } from './cell';
export { InvalidRiskInputError } from './errors';
export { AAL_GRADES, RISK_LEVELS, aalGrade, riskLevel } from './loss';
export type { AalGrade, RiskLevel } from './loss';
export { BIN_LAYOUTS } from './bins';
