// The content-moderation pipeline's workflows.
export { moderationBatchWorkflow } from './batch';
export { moderationRetrainWorkflow } from './retrain';
