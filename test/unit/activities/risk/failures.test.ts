import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyRiskFailure } from '../../../../src/activities/risk/failures';
import { toApplicationFailure } from '../../../../src/activities/shared/failure-interceptor';
import { InvalidRiskInputError } from '../../../../src/domain/risk/errors';
import { ReferenceDataMissingError } from '../../../../src/infra/risk/queries/reference';

describe('classifyRiskFailure', () => {
  test('an input the model cannot score is InvalidInput, not retried, with the field', () => {
    const err = new InvalidRiskInputError('building.floorAreaM2', 'must be a finite number, got NaN');
    const failure = toApplicationFailure(err, [classifyRiskFailure]);
    assert.deepEqual([failure.type, failure.nonRetryable, failure.message], ['InvalidInput', true, err.message]);
    assert.deepEqual(failure.details, [{ field: 'building.floorAreaM2' }]);
  });

  test('a gap in the reference data is MissingReferenceData, not retried', () => {
    const found = classifyRiskFailure(new ReferenceDataMissingError('grid point 7 is not in the reference data (risk_grid_points)'));
    assert.deepEqual([found?.failureType.type, found?.failureType.retryable], ['MissingReferenceData', false]);
  });

  test('other errors are not the risk pipeline’s to decide', () => {
    assert.equal(classifyRiskFailure(new Error('Connection terminated unexpectedly')), undefined);
  });
});
