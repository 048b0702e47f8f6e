import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyFeedbackFailure } from '../../../../src/activities/feedback/failures';
import { FAILURE_TYPES } from '../../../../src/activities/shared/failure-types';
import { ModelProtocolError, ModelRateLimitedError, ModelRefusedError, ModelUnavailableError } from '../../../../src/infra/feedback/model-errors';

test('model errors map to the failure vocabulary: a refusal stops, load and broken streams are retried', () => {
  const refused = classifyFeedbackFailure(new ModelRefusedError('bad model', { httpStatus: 404 }));
  assert.equal(refused?.failureType, FAILURE_TYPES.modelRefused);
  assert.equal(refused?.failureType.retryable, false);
  assert.deepEqual(refused?.details, [{ httpStatus: 404, vendorCode: null }]);
  const limited = classifyFeedbackFailure(new ModelRateLimitedError('busy', 'unknown', 1500, { httpStatus: 429 }));
  assert.equal(limited?.failureType, FAILURE_TYPES.modelRateLimited);
  assert.equal(limited?.nextRetryDelayMs, 1500);
  assert.equal(classifyFeedbackFailure(new ModelUnavailableError('down'))?.failureType, FAILURE_TYPES.modelUnavailable);
  assert.equal(classifyFeedbackFailure(new ModelProtocolError('garbage'))?.failureType.retryable, true);
  assert.equal(classifyFeedbackFailure(new Error('something else')), undefined);
});
