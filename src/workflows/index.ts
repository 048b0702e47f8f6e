// Every workflow the workers serve; the bundler starts here.
export { systemCheckWorkflow } from './system-check/system-check';
export { riskAssessmentWorkflow } from './risk/assessment';
export { siteRiskWorkflow } from './risk/site';
export { transcriptionWorkflow } from './stt/transcription';
export { etlChunkWorkflow, etlJobWorkflow } from './etl/etl';
export { hazardGridBatchWorkflow, hazardGridChunkWorkflow } from './risk/grid-batch';
