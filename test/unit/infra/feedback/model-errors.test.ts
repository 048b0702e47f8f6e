import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  classifyModelResponse,
  classifyModelTransportError,
  ModelRateLimitedError,
  ModelRefusedError,
  ModelUnavailableError,
  parseRetryAfterMs,
} from '../../../../src/infra/feedback/model-errors';

describe('parseRetryAfterMs', () => {
  test('delay-seconds (fractions too) and HTTP dates', () => {
    assert.equal(parseRetryAfterMs('3', 0), 3000);
    assert.equal(parseRetryAfterMs('0.5', 0), 500);
    assert.equal(parseRetryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4_000), 6_000);
    assert.equal(parseRetryAfterMs('soon', 0), undefined);
    assert.equal(parseRetryAfterMs(undefined, 0), undefined);
  });
});

describe('classifyModelResponse', () => {
  test('429 is rate-limited, its class from OpenAI error codes', () => {
    const concurrency = classifyModelResponse(429, '2', JSON.stringify({ error: { message: 'busy', code: 'too_many_concurrent_requests' } }));
    assert.ok(concurrency instanceof ModelRateLimitedError);
    assert.equal(concurrency.limitClass, 'concurrency');
    assert.equal(concurrency.retryAfterMs, 2000);
    const quota = classifyModelResponse(429, undefined, JSON.stringify({ error: { message: 'no money', code: 'insufficient_quota' } }));
    assert.equal((quota as ModelRateLimitedError).limitClass, 'quota');
    assert.equal((classifyModelResponse(429, undefined, 'plain text') as ModelRateLimitedError).limitClass, 'unknown');
  });

  test('503 with Retry-After is load shedding; without it, an outage', () => {
    assert.ok(classifyModelResponse(503, '1', '') instanceof ModelRateLimitedError);
    assert.ok(classifyModelResponse(503, undefined, '') instanceof ModelUnavailableError);
    assert.ok(classifyModelResponse(500, '1', '') instanceof ModelUnavailableError);
  });

  test('other 4xx are refusals and not retryable, carrying the server message', () => {
    const err = classifyModelResponse(400, undefined, JSON.stringify({ error: { message: 'context too long', type: 'invalid_request_error' } }));
    assert.ok(err instanceof ModelRefusedError);
    assert.equal(err.retryable, false);
    assert.match(err.message, /context too long/);
    assert.equal(err.vendorCode, 'invalid_request_error');
  });

  test('a transport failure is unavailable; typed errors pass through', () => {
    assert.ok(classifyModelTransportError(new Error('ECONNREFUSED')) instanceof ModelUnavailableError);
    const refused = new ModelRefusedError('x');
    assert.equal(classifyModelTransportError(refused), refused);
  });
});
