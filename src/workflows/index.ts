// Every workflow the workers serve; the bundler starts here.
export { systemCheckWorkflow } from './system-check';
