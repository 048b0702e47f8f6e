// The climate-risk pipeline's workflows (task queue `risk`).
export { riskAssessmentWorkflow } from './assessment';
export { siteRiskWorkflow } from './site';
export { hazardGridBatchWorkflow, hazardGridChunkWorkflow } from './grid-batch';
