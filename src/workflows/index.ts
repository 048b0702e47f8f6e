// Every workflow the workers serve; the bundler starts here.
export { systemCheckWorkflow } from './system-check';
export { riskAssessmentWorkflow } from './risk-assessment';
export { siteRiskWorkflow } from './site-risk';
export { transcriptionWorkflow } from './transcription';
export { etlChunkWorkflow, etlJobWorkflow } from './etl';
export { hazardGridBatchWorkflow, hazardGridChunkWorkflow } from './hazard-grid-batch';
