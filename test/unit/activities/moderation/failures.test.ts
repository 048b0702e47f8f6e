import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyModerationFailure } from '../../../../src/activities/moderation/failures';
import { toApplicationFailure } from '../../../../src/activities/shared/failure-interceptor';
import { TrainingError } from '../../../../src/domain/moderation';
import { ModelMissingError } from '../../../../src/infra/moderation/model-store';

describe('classifyModerationFailure', () => {
  test('labels a model cannot be trained from are BadData, not retried', () => {
    const failure = toApplicationFailure(new TrainingError('cannot train on 3 examples: one label'), [classifyModerationFailure]);
    assert.deepEqual([failure.type, failure.nonRetryable], ['BadData', true]);
  });

  test('a model version that is not stored is BadData, not retried', () => {
    assert.deepEqual(classifyModerationFailure(new ModelMissingError('moderation model version 9 is not stored'))?.failureType.type, 'BadData');
  });

  test('other errors are not the moderation pipeline’s to decide', () => {
    assert.equal(classifyModerationFailure(new Error('Connection terminated unexpectedly')), undefined);
  });
});
