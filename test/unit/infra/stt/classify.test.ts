import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyTransportError, classifyVendorResponse, parseRetryAfter, vendorErrorBody, vendorTookNothing } from '../../../../src/infra/stt/classify';
import { SttAuthError, SttQuotaExceededError, SttRateLimitedError, SttRejectedError, SttTransientError } from '../../../../src/infra/stt/errors';

const NOW = Date.UTC(2025, 0, 1, 9, 0, 0);

describe('classifyVendorResponse', () => {
  const cases: Array<{
    name: string;
    status: number;
    body: unknown;
    retryAfter?: string;
    type: new (...args: any[]) => Error;
    expect?: Record<string, unknown>;
  }> = [
    { name: '429 A0002 with seconds', status: 429, body: { code: 'A0002', msg: 'too many jobs' }, retryAfter: '7', type: SttRateLimitedError, expect: { code: 'A0002', retryAfterMs: 7_000, retryable: true } },
    { name: '429 A0003 without Retry-After', status: 429, body: { code: 'A0003', msg: 'slow down' }, type: SttRateLimitedError, expect: { code: 'A0003', retryAfterMs: undefined } },
    { name: '429 with an HTTP-date', status: 429, body: { code: 'A0003' }, retryAfter: new Date(NOW + 3_000).toUTCString(), type: SttRateLimitedError, expect: { retryAfterMs: 3_000 } },
    { name: '429 without a code', status: 429, body: 'Too Many Requests', type: SttRateLimitedError, expect: { code: 'unknown' } },
    { name: '429 OpenAI rate_limit_exceeded', status: 429, body: { error: { code: 'rate_limit_exceeded', message: 'slow' } }, retryAfter: '2', type: SttRateLimitedError, expect: { code: 'unknown', retryAfterMs: 2_000 } },
    { name: '429 A0001 is a spent quota', status: 429, body: { code: 'A0001', msg: 'quota' }, type: SttQuotaExceededError, expect: { vendorCode: 'A0001' } },
    { name: '429 OpenAI insufficient_quota', status: 429, body: { error: { code: 'insufficient_quota', message: 'billing' } }, type: SttQuotaExceededError },
    { name: '400 H0001 keeps the vendor message', status: 400, body: { code: 'H0001', msg: 'invalid config' }, type: SttRejectedError, expect: { vendorMessage: 'invalid config', vendorCode: 'H0001', retryable: false } },
    { name: '413 H0005', status: 413, body: { code: 'H0005', msg: 'file too large' }, type: SttRejectedError, expect: { httpStatus: 413 } },
    { name: '404 H0004', status: 404, body: { code: 'H0004', msg: 'not found' }, type: SttRejectedError },
    { name: '410 H0007 expired result', status: 410, body: { code: 'H0007', msg: 'gone' }, type: SttRejectedError, expect: { vendorCode: 'H0007' } },
    { name: '401 H0002', status: 401, body: { code: 'H0002', msg: 'expired' }, type: SttAuthError, expect: { retryable: false } },
    { name: '403', status: 403, body: {}, type: SttAuthError },
    { name: '500 E500', status: 500, body: { code: 'E500', msg: 'boom' }, type: SttTransientError, expect: { vendorCode: 'E500', retryable: true } },
    { name: '502 HTML from a proxy', status: 502, body: '<html>Bad Gateway</html>', type: SttTransientError },
    { name: '503 with Retry-After', status: 503, body: '', retryAfter: '30', type: SttTransientError, expect: { retryAfterMs: 30_000 } },
    { name: '408', status: 408, body: '', type: SttTransientError },
    { name: '302 is not an answer', status: 302, body: '', type: SttTransientError },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const err = classifyVendorResponse({ status: c.status, headers: c.retryAfter ? { 'retry-after': c.retryAfter } : {}, body: c.body }, 'rtzr', NOW);
      assert.ok(err instanceof c.type, `expected ${c.type.name}, got ${err.name}`);
      assert.equal(err.name, c.type.name);
      for (const [key, value] of Object.entries(c.expect ?? {})) assert.equal((err as unknown as Record<string, unknown>)[key], value, key);
    });
  }

  test('the message names the vendor, status, code and vendor message', () => {
    const err = classifyVendorResponse({ status: 400, headers: {}, body: { code: 'H0001', msg: 'invalid config' } }, 'rtzr', NOW);
    assert.equal(err.message, 'rtzr answered 400 H0001: invalid config');
  });
});

describe('parseRetryAfter', () => {
  const cases: Array<[string | string[] | undefined, number | undefined]> = [
    ['5', 5_000],
    [' 0 ', 0],
    [['12', '99'], 12_000],
    [new Date(NOW + 10_000).toUTCString(), 10_000],
    ['Wed, 01 Jan 2025 09:00:04 GMT', 4_000],
    [new Date(NOW - 60_000).toUTCString(), 0],
    ['-5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [header, expected] of cases) {
    test(`${JSON.stringify(header)} → ${expected}`, () => assert.equal(parseRetryAfter(header, NOW), expected));
  }
});

describe('classifyTransportError', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });
  const transient: Array<[string, Error]> = [
    ['connection reset', withCode('ECONNRESET')],
    ['connection refused', withCode('ECONNREFUSED')],
    ['undici headers timeout', withCode('UND_ERR_HEADERS_TIMEOUT')],
    ['undici body timeout', withCode('UND_ERR_BODY_TIMEOUT')],
    ['undici socket error', withCode('UND_ERR_SOCKET')],
    ['a code on the cause', new Error('fetch failed', { cause: withCode('ECONNRESET') })],
    ['AbortSignal.timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
  ];
  for (const [name, err] of transient) {
    test(`${name} → SttTransientError`, () => assert.ok(classifyTransportError(err, 'rtzr') instanceof SttTransientError));
  }

  test("a caller's abort and programming errors pass through unchanged", () => {
    const abort = new DOMException('aborted', 'AbortError');
    const bug = new TypeError('x is undefined');
    assert.equal(classifyTransportError(abort, 'rtzr'), abort);
    assert.equal(classifyTransportError(bug, 'rtzr'), bug);
  });

  test('STT errors pass through', () => {
    const err = new SttRejectedError('no', 'no');
    assert.equal(classifyTransportError(err, 'rtzr'), err);
  });
});

describe('vendorTookNothing: whether a failed submit certainly started no job at the vendor', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });
  const answered = (status: number, code?: string) => classifyVendorResponse({ status, headers: {}, body: { code, msg: 'x' } }, 'rtzr');
  const cases: Array<[string, unknown, boolean]> = [
    ['429 A0003', answered(429, 'A0003'), true],
    ['429 A0002', answered(429, 'A0002'), true],
    ['429 A0001 (quota)', answered(429, 'A0001'), true],
    ['400 H0001', answered(400, 'H0001'), true],
    ['401', answered(401), true],
    ['408', answered(408), true],
    ['500', answered(500), false],
    ['503', answered(503), false],
    ['connection refused', classifyTransportError(withCode('ECONNREFUSED'), 'rtzr'), true],
    ['connect timeout', classifyTransportError(withCode('UND_ERR_CONNECT_TIMEOUT'), 'rtzr'), true],
    ['connection refused, the code on the cause', classifyTransportError(new Error('fetch failed', { cause: withCode('ECONNREFUSED') }), 'rtzr'), true],
    ['connection reset', classifyTransportError(withCode('ECONNRESET'), 'rtzr'), false],
    ['no answer in time', classifyTransportError(withCode('UND_ERR_HEADERS_TIMEOUT'), 'rtzr'), false],
    ['the whole call timed out', classifyTransportError(new DOMException('timeout', 'TimeoutError'), 'rtzr'), false],
    ['a 2xx without a job id', new SttTransientError('rtzr answered 2xx without a job id'), false],
    ['an abort', new DOMException('aborted', 'AbortError'), false],
  ];
  for (const [name, err, expected] of cases) {
    test(`${name} → ${expected}`, () => assert.equal(vendorTookNothing(err), expected));
  }
});

test('vendorErrorBody reads RTZR and OpenAI shapes and falls back to the text', () => {
  assert.deepEqual(vendorErrorBody({ code: 'H0001', msg: 'bad' }), { code: 'H0001', message: 'bad' });
  assert.deepEqual(vendorErrorBody({ error: { code: 'rate_limit_exceeded', message: 'slow' } }), { code: 'rate_limit_exceeded', message: 'slow' });
  assert.deepEqual(vendorErrorBody('Bad Gateway'), { message: 'Bad Gateway' });
  assert.deepEqual(vendorErrorBody(''), { message: '(empty body)' });
});
