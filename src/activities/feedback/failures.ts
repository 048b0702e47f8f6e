import { ModelProtocolError, ModelRateLimitedError, ModelRefusedError, ModelUnavailableError } from '../../infra/feedback/model-errors';
import type { FailureClassifier } from '../shared/failure-interceptor';
import { classifyRemoteFetchFailure } from '../shared/remote-fetch-failures';
import { FAILURE_TYPES } from '../shared/failure-types';

/**
 * Model refusals and bad answers, and crawl errors, mapped to the failure vocabulary. The model
 * client's errors are typed already (infra/feedback/model-errors.ts); a refusal stops at once,
 * load, outages and broken streams are retried with a new call, after Retry-After when given.
 * (Rate limits normally never get here: the activity turns them into a shared pause.)
 */
export const classifyFeedbackFailure: FailureClassifier = (err) => {
  const details = (e: { httpStatus?: number; vendorCode?: string }) => [{ httpStatus: e.httpStatus ?? null, vendorCode: e.vendorCode ?? null }];
  if (err instanceof ModelRefusedError) return { failureType: FAILURE_TYPES.modelRefused, details: details(err) };
  if (err instanceof ModelRateLimitedError) return { failureType: FAILURE_TYPES.modelRateLimited, nextRetryDelayMs: err.retryAfterMs, details: details(err) };
  if (err instanceof ModelUnavailableError) return { failureType: FAILURE_TYPES.modelUnavailable, details: details(err) };
  if (err instanceof ModelProtocolError) return { failureType: FAILURE_TYPES.modelProtocolError, details: details(err) };
  // Crawl: a refused URL, a 4xx page or one over CRAWLER_MAX_PAGE_BYTES is final; 5xx, resets and the page deadline are retried.
  return classifyRemoteFetchFailure(err);
};
