import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { classifyDatabaseFailure } from '../../../../src/activities/shared/database-failures';
import { toApplicationFailure, type FailureClassifier } from '../../../../src/activities/shared/failure-interceptor';
import { FAILURE_TYPES, knownFailure } from '../../../../src/activities/shared/failure-types';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'ERROR' });

describe('the failure vocabulary', () => {
  test('is frozen and names each type once', () => {
    assert.ok(Object.isFrozen(FAILURE_TYPES));
    assert.ok(Object.values(FAILURE_TYPES).every((t) => Object.isFrozen(t)));
    const types = Object.values(FAILURE_TYPES).map((t) => t.type);
    assert.equal(new Set(types).size, types.length);
  });

  test('keeps the type strings recorded in existing histories', () => {
    const recorded = ['BadData', 'BadInput', 'InvalidInput', 'OutsideCoverage', 'SttRejectedError', 'SttAuthError', 'VendorJobFailed', 'HttpClientError', 'UnsafeUrl', 'TooLarge', 'BadPlaylist', 'JobCanceled'];
    const types = new Set<string>(Object.values(FAILURE_TYPES).map((t) => t.type));
    for (const type of recorded) assert.ok(types.has(type), type);
  });

  test('knownFailure takes its retryability from the vocabulary', () => {
    assert.equal(knownFailure(FAILURE_TYPES.badData, 'gone').nonRetryable, true);
    assert.equal(knownFailure(FAILURE_TYPES.vendorUnavailable, 'down').nonRetryable, false);
  });
});

describe('toApplicationFailure', () => {
  const never: FailureClassifier = () => undefined;

  test('a recognised error gets its type and flag; message, stack and the original as cause are kept', () => {
    const original = pgError('22P02', 'invalid input syntax for type integer: "x"');
    const failure = toApplicationFailure(original, [never, classifyDatabaseFailure]);
    assert.equal(failure.type, 'BadData');
    assert.equal(failure.nonRetryable, true);
    assert.equal(failure.message, original.message);
    assert.equal(failure.stack, original.stack);
    // Temporal would keep only a plain cause's message: it goes as a failure of its class, with its code.
    assert.ok(failure.cause instanceof ApplicationFailure);
    assert.deepEqual([failure.cause.type, failure.cause.message, failure.cause.details, failure.cause.stack], ['Error', original.message, [{ code: '22P02' }], original.stack]);
  });

  test('the first classifier that recognises an error decides', () => {
    const first: FailureClassifier = () => ({ failureType: FAILURE_TYPES.outsideCoverage });
    assert.equal(toApplicationFailure(pgError('23505', 'duplicate key'), [first, classifyDatabaseFailure]).type, 'OutsideCoverage');
  });

  test('an error nobody recognises is retried under its own class name', () => {
    class SocketError extends Error {}
    const reset = Object.assign(new SocketError('other side closed'), { code: 'ECONNRESET' });
    const failure = toApplicationFailure(reset, [classifyDatabaseFailure]);
    assert.deepEqual([failure.type, failure.nonRetryable, failure.message, failure.stack], ['SocketError', false, 'other side closed', reset.stack]);
    assert.deepEqual(failure.details, [{ code: 'ECONNRESET' }]);
  });

  test('an ApplicationFailure thrown on purpose passes unchanged; a non-error becomes one', () => {
    const thrown = ApplicationFailure.retryable('try later', 'Custom');
    assert.equal(toApplicationFailure(thrown, [classifyDatabaseFailure]), thrown);
    const text = toApplicationFailure('a string', []);
    assert.deepEqual([text.type, text.message, text.nonRetryable], ['Error', 'a string', false]);
  });
});

describe('classifyDatabaseFailure', () => {
  const cases: Array<[string, Error, string | undefined]> = [
    ['invalid text representation (22P02)', pgError('22P02', 'invalid input syntax'), 'BadData'],
    ['NUL byte in text (22021)', pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'), 'BadData'],
    ['unique violation (23505)', pgError('23505', 'duplicate key value'), 'BadData'],
    ['undefined column (42703)', pgError('42703', 'column does not exist'), 'BadData'],
    ['admin shutdown (57P01) is left to a retry', pgError('57P01', 'terminating connection due to administrator command'), undefined],
    ['serialization failure (40001) is left to a retry', pgError('40001', 'could not serialize access'), undefined],
    ['a dropped socket is left to a retry', new Error('Connection terminated unexpectedly'), undefined],
    ['a plain error is not the database’s', new Error('boom'), undefined],
  ];
  for (const [name, err, expected] of cases) {
    test(name, () => {
      const found = classifyDatabaseFailure(err);
      assert.equal(found?.failureType.type, expected);
      if (found) assert.equal(found.failureType.retryable, false);
    });
  }
});
