import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ifRangeFor, parseContentRange, resumeMismatch, sourceIdentityOf } from '../../../../src/infra/http/resume-check';

describe('parseContentRange (RFC 9110 §14.4)', () => {
  const cases: Array<[string | undefined, ReturnType<typeof parseContentRange>]> = [
    // The RFC's own examples.
    ['bytes 42-1233/1234', { first: 42, last: 1233, size: 1234 }],
    ['bytes 42-1233/*', { first: 42, last: 1233 }],
    ['bytes 0-0/1', { first: 0, last: 0, size: 1 }],
    ['BYTES 0-9/10', { first: 0, last: 9, size: 10 }],
    // Invalid per the RFC: last-pos before first-pos, or a complete-length not above last-pos.
    ['bytes 1233-42/1234', undefined],
    ['bytes 42-1234/1234', undefined],
    // An unsatisfied-range names no bytes; other units and lists are not a byte range.
    ['bytes */1234', undefined],
    ['items 0-9/10', undefined],
    ['bytes 0-9/10, 20-29/30', undefined],
    [undefined, undefined],
  ];
  for (const [value, expected] of cases) {
    test(`${JSON.stringify(value)} → ${JSON.stringify(expected)}`, () => assert.deepEqual(parseContentRange(value), expected));
  }
});

describe('sourceIdentityOf and ifRangeFor (RFC 9110 §13.1.5, §8.8.2.2)', () => {
  test('a strong entity tag is the validator If-Range names', () => {
    const identity = sourceIdentityOf({ etag: '"xyzzy"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT', date: 'Tue, 02 Jan 2024 00:00:00 GMT' }, 1234);
    assert.deepEqual(identity, { etag: '"xyzzy"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT', size: 1234 });
    assert.deepEqual(ifRangeFor(identity), { 'if-range': '"xyzzy"' });
  });

  test('a weak entity tag may not be used with If-Range; a date at least a second before Date may', () => {
    const identity = sourceIdentityOf({ etag: 'W/"xyzzy"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT', date: 'Mon, 01 Jan 2024 00:00:01 GMT' }, undefined);
    assert.deepEqual(identity, { lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' });
    assert.deepEqual(ifRangeFor(identity), { 'if-range': 'Mon, 01 Jan 2024 00:00:00 GMT' });
  });

  test('a modification date within the second the answer was sent is weak, and with no Date it cannot be told: no If-Range', () => {
    assert.deepEqual(ifRangeFor(sourceIdentityOf({ 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT', date: 'Mon, 01 Jan 2024 00:00:00 GMT' }, 10)), {});
    assert.deepEqual(ifRangeFor(sourceIdentityOf({ 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' }, 10)), {});
    assert.deepEqual(ifRangeFor(undefined), {});
  });
});

describe('resumeMismatch: does a 206 continue the stored bytes?', () => {
  const earlier = { etag: '"v1"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT', size: 1234 };
  const answer = (headers: Record<string, string>) => ({ 'content-range': 'bytes 500-1233/1234', etag: '"v1"', ...headers });

  test('the range asked for, of the same file', () => {
    assert.equal(resumeMismatch(answer({}), 500, earlier), undefined);
    // Headers the host leaves out cannot disagree; an unknown length neither.
    assert.equal(resumeMismatch({ 'content-range': 'bytes 500-1233/*' }, 500, earlier), undefined);
    assert.equal(resumeMismatch(answer({}), 500, undefined), undefined);
  });

  const mismatches: Array<[string, Record<string, string | undefined>, RegExp]> = [
    ['another first byte', { 'content-range': 'bytes 0-733/1234' }, /bytes from 0, not from 500/],
    ['another size', { 'content-range': 'bytes 500-1299/1300' }, /now 1300 bytes, not 1234/],
    ['another entity tag', { etag: '"v2"' }, /entity tag changed from "v1" to "v2"/],
    ['another modification date', { 'last-modified': 'Tue, 02 Jan 2024 00:00:00 GMT' }, /modified again/],
    ['no Content-Range', { 'content-range': undefined }, /no usable Content-Range \(none\)/],
    ['an invalid Content-Range', { 'content-range': 'bytes 500-1234/1234' }, /no usable Content-Range/],
  ];
  for (const [what, headers, expected] of mismatches) {
    test(`not with ${what}`, () => assert.match(resumeMismatch(answer(headers as Record<string, string>), 500, earlier) ?? '', expected));
  }
});
