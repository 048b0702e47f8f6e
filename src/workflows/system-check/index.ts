export { systemCheckWorkflow } from './system-check';
