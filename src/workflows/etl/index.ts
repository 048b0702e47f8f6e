export { etlChunkWorkflow, etlJobWorkflow } from './etl';
