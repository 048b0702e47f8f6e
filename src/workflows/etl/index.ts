// The video-metadata ETL pipeline's workflows.
export { etlJobWorkflow } from './job';
export { etlChunkWorkflow } from './chunk';
