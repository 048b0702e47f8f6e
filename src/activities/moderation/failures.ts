import { TrainingError } from '../../domain/moderation';
import { ModelMissingError } from '../../infra/moderation/model-store';
import type { FailureClassifier } from '../shared/failure-interceptor';
import { FAILURE_TYPES } from '../shared/failure-types';

/** Labels of only one class, or a model version that is not stored, do not heal on retry. */
export const classifyModerationFailure: FailureClassifier = (err) => {
  if (err instanceof TrainingError || err instanceof ModelMissingError) return { failureType: FAILURE_TYPES.badData };
  return undefined;
};
