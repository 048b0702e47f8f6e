import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApplicationFailure } from '@temporalio/common';
import { toApplicationFailure } from '../../../../src/activities/shared/failure-interceptor';
import { classifySttFailure } from '../../../../src/activities/stt/failures';
import { classifyTransportError, classifyVendorResponse } from '../../../../src/infra/stt/classify';
import type { SttError } from '../../../../src/infra/stt/errors';

// The errors come from the one place that types vendor answers, as the activities meet them.
const answer = (status: number, body: unknown, retryAfter?: string) =>
  classifyVendorResponse({ status, headers: retryAfter ? { 'retry-after': retryAfter } : {}, body }, 'rtzr');

describe('classifySttFailure', () => {
  const cases: Array<{ name: string; err: SttError; type: string; nonRetryable: boolean; nextRetryDelayMs?: number }> = [
    { name: '400 H0001 (bad options)', err: answer(400, { code: 'H0001', msg: 'invalid config' }), type: 'SttRejectedError', nonRetryable: true },
    { name: '413 H0005 (file too large)', err: answer(413, { code: 'H0005', msg: 'too large' }), type: 'SttRejectedError', nonRetryable: true },
    { name: '410 H0007 (result expired)', err: answer(410, { code: 'H0007', msg: 'gone' }), type: 'SttRejectedError', nonRetryable: true },
    { name: '401 after a fresh token', err: answer(401, { code: 'H0002', msg: 'unauthorized' }), type: 'SttAuthError', nonRetryable: true },
    { name: '500 E500', err: answer(500, { code: 'E500', msg: 'boom' }), type: 'SttTransientError', nonRetryable: false },
    { name: '503 with Retry-After waits that long', err: answer(503, '', '30'), type: 'SttTransientError', nonRetryable: false, nextRetryDelayMs: 30_000 },
    { name: '429 A0002 (too many jobs)', err: answer(429, { code: 'A0002', msg: 'busy' }, '7'), type: 'SttRateLimitedError', nonRetryable: false, nextRetryDelayMs: 7_000 },
    { name: '429 A0001 (quota spent)', err: answer(429, { code: 'A0001', msg: 'quota' }), type: 'SttQuotaExceededError', nonRetryable: false },
    {
      name: 'a connection reset',
      err: classifyTransportError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'rtzr') as SttError,
      type: 'SttTransientError',
      nonRetryable: false,
    },
  ];

  for (const c of cases) {
    test(`${c.name} → ${c.type}${c.nonRetryable ? ', not retried' : ', retried'}`, () => {
      const failure = toApplicationFailure(c.err, [classifySttFailure]);
      assert.deepEqual([failure.type, failure.nonRetryable, failure.message], [c.type, c.nonRetryable, c.err.message]);
      // The vendor's own verdict and ours agree.
      assert.equal(failure.nonRetryable, !c.err.retryable);
      assert.equal(failure.nextRetryDelay, c.nextRetryDelayMs);
      assert.equal((failure.cause as ApplicationFailure | undefined)?.type, c.err.constructor.name);
    });
  }

  test('the vendor code and HTTP status travel in the details', () => {
    const failure = toApplicationFailure(answer(400, { code: 'H0001', msg: 'invalid config' }), [classifySttFailure]);
    assert.deepEqual(failure.details, [{ vendorCode: 'H0001', httpStatus: 400 }]);
  });

  test('errors that are not the vendor’s pass to the next classifier', () => {
    assert.equal(classifySttFailure(new Error('boom')), undefined);
  });
});
