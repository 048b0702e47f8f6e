import { RemoteFetchError, RemoteTooLargeError } from '../../infra/http/fetch-remote';
import { UnsafeUrlError } from '../../infra/http/url-guard';
import { ObjectTooLargeError } from '../../infra/storage';
import type { FailureClassifier } from './failure-interceptor';
import { FAILURE_TYPES } from './failure-types';

/**
 * What fetching a user's URL can end in that no retry changes: a refused address, a 4xx answer,
 * a file over the limit. 5xx answers, resets and the fetch deadline fall through and are retried.
 */
export const classifyRemoteFetchFailure: FailureClassifier = (err) => {
  if (err instanceof UnsafeUrlError) return { failureType: FAILURE_TYPES.unsafeUrl };
  if (err instanceof ObjectTooLargeError || err instanceof RemoteTooLargeError) return { failureType: FAILURE_TYPES.tooLarge };
  if (err instanceof RemoteFetchError && err.status !== undefined && err.status >= 400 && err.status < 500) {
    // Workflows read the status back from the details to record it.
    return { failureType: FAILURE_TYPES.remoteRefused, details: [{ status: err.status }] };
  }
  return undefined;
};
