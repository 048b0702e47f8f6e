// The climate-risk pipeline's workflows.
export { riskAssessmentWorkflow } from './assessment';
export { siteRiskWorkflow } from './site';
export { hazardGridBatchWorkflow, hazardGridChunkWorkflow } from './grid-batch';
