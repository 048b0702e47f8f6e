import { SttAuthError, SttQuotaExceededError, SttRateLimitedError, SttRejectedError, SttTransientError } from '../../infra/stt/errors';
import type { FailureClassifier } from '../shared/failure-interceptor';
import { FAILURE_TYPES } from '../shared/failure-types';
import { classifyRemoteFetchFailure } from '../shared/remote-fetch-failures';

/**
 * The vendor's answers, already typed by `infra/stt/classify.ts`, as failures. A refusal or bad
 * credentials stop at once; load and outages are retried, after the vendor's Retry-After when it
 * gave one. (Rate limits normally never get here: the activities turn them into a shared pause.)
 * Fetching an `{audioUrl}` fails as any user URL does.
 */
export const classifySttFailure: FailureClassifier = (err) => {
  if (err instanceof SttRejectedError) return { failureType: FAILURE_TYPES.vendorRejected, details: vendorDetails(err) };
  if (err instanceof SttAuthError) return { failureType: FAILURE_TYPES.vendorAuth, details: vendorDetails(err) };
  if (err instanceof SttRateLimitedError) return { failureType: FAILURE_TYPES.vendorRateLimited, nextRetryDelayMs: err.retryAfterMs, details: vendorDetails(err) };
  if (err instanceof SttQuotaExceededError) return { failureType: FAILURE_TYPES.vendorQuotaExceeded, nextRetryDelayMs: err.retryAfterMs, details: vendorDetails(err) };
  if (err instanceof SttTransientError) return { failureType: FAILURE_TYPES.vendorUnavailable, nextRetryDelayMs: err.retryAfterMs, details: vendorDetails(err) };
  return classifyRemoteFetchFailure(err);
};

function vendorDetails(err: { vendorCode?: string; httpStatus?: number }): unknown[] {
  return [{ vendorCode: err.vendorCode ?? null, httpStatus: err.httpStatus ?? null }];
}
