import type { FailureClassifier } from '../shared/failure-interceptor';
import { classifyRemoteFetchFailure } from '../shared/remote-fetch-failures';

/** Model refusals and bad answers, and crawl errors, mapped to the failure vocabulary. */
export const classifyFeedbackFailure: FailureClassifier = (err) => {
  // Crawl: a refused URL, a 4xx page or one over CRAWLER_MAX_PAGE_BYTES is final; 5xx, resets and the page deadline are retried.
  return classifyRemoteFetchFailure(err);
};
