import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyEtlFailure } from '../../../../src/activities/etl/failures';
import { describeProbeFailure } from '../../../../src/activities/etl/probe';
import { toApplicationFailure } from '../../../../src/activities/shared/failure-interceptor';
import { InvalidPlaylistError, parseAsxPlaylist } from '../../../../src/domain/etl';
import { RemoteFetchError } from '../../../../src/infra/http/fetch-remote';
import { assertFetchableUrl } from '../../../../src/infra/http/url-guard';
import { ObjectTooLargeError } from '../../../../src/infra/storage';

async function thrownBy(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('classifyEtlFailure', () => {
  test('a refused URL is UnsafeUrl, not retried', async () => {
    const err = await thrownBy(() => assertFetchableUrl(new URL('http://169.254.169.254/latest/meta-data'), []));
    const failure = toApplicationFailure(err, [classifyEtlFailure]);
    assert.deepEqual([failure.type, failure.nonRetryable], ['UnsafeUrl', true]);
  });

  test('a 4xx answer is HttpClientError with its status in the details; a 5xx is left to a retry', () => {
    const failure = toApplicationFailure(new RemoteFetchError('http://h/v.mp4 answered HTTP 404', 404), [classifyEtlFailure]);
    assert.deepEqual([failure.type, failure.nonRetryable, failure.details], ['HttpClientError', true, [{ status: 404 }]]);
    assert.equal(classifyEtlFailure(new RemoteFetchError('http://h/v.mp4 answered HTTP 503', 503)), undefined);
  });

  test('a file over the limit is TooLarge, not retried', () => {
    const found = classifyEtlFailure(new ObjectTooLargeError('etl/j/v.mp4', 1024));
    assert.deepEqual([found?.failureType.type, found?.failureType.retryable], ['TooLarge', false]);
  });

  test('a broken playlist is BadPlaylist, not retried', async () => {
    const err = await thrownBy(() => parseAsxPlaylist('<asx version="3.0"></asx>', 'http://h/p.asx'));
    assert.ok(err instanceof InvalidPlaylistError, err.message);
    const failure = toApplicationFailure(err, [classifyEtlFailure]);
    assert.deepEqual([failure.type, failure.nonRetryable, failure.message], ['BadPlaylist', true, err.message]);
  });

  test('a reset is not the pipeline’s to decide: it is retried', () => {
    assert.equal(classifyEtlFailure(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })), undefined);
  });

  test('a batch probe reports the same decision as data', () => {
    assert.deepEqual(describeProbeFailure(new RemoteFetchError('http://h/v.mp4 answered HTTP 410', 410)), {
      message: 'http://h/v.mp4 answered HTTP 410',
      retryable: false,
      httpStatus: 410,
    });
    assert.deepEqual(describeProbeFailure(new RemoteFetchError('http://h/v.mp4 answered HTTP 502', 502)), { message: 'http://h/v.mp4 answered HTTP 502', retryable: true });
  });
});
