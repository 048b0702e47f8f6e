// The end-to-end probe of a task queue: Temporal → worker → activity → PostgreSQL.
export { systemCheckWorkflow } from './system-check';
