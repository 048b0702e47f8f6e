import type { FailureClassifier } from '../shared/failure-interceptor';

/** Model refusals and bad answers, and crawl errors, mapped to the failure vocabulary. */
export const classifyFeedbackFailure: FailureClassifier = () => undefined;
