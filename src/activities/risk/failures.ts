import { InvalidRiskInputError } from '../../domain/risk/errors';
import { ReferenceDataMissingError } from '../../infra/risk/queries/reference';
import type { FailureClassifier } from '../shared/failure-interceptor';
import { FAILURE_TYPES } from '../shared/failure-types';

/** Bad inputs and gaps in the reference data do not heal on retry: a re-run after a fix does. */
export const classifyRiskFailure: FailureClassifier = (err) => {
  if (err instanceof InvalidRiskInputError) return { failureType: FAILURE_TYPES.invalidInput, details: [{ field: err.field }] };
  if (err instanceof ReferenceDataMissingError) return { failureType: FAILURE_TYPES.missingReferenceData };
  return undefined;
};
