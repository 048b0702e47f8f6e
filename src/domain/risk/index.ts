/** Public surface of the climate physical-risk kernel. */
export * from './types';
export { computeCell, computeGridCells, computeScenarioCells, computeSite, summarizeCell, DEFAULT_CELL_OPTIONS, MODEL_VERSION } from './cell';
export type { CellOptions, CellSummary, GridCellResult, GridHazardResult, SiteCellResult } from './cell';
export { InvalidRiskInputError } from './errors';
export { AAL_GRADES, RISK_LEVELS, aalGrade, riskLevel } from './loss';
export type { AalGrade, RiskLevel } from './loss';
export { BIN_LAYOUTS } from './bins';
