// The video-metadata ETL pipeline's workflows (task queue `etl`).
export { etlJobWorkflow } from './job';
export { etlChunkWorkflow } from './chunk';
