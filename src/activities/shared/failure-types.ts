import { ApplicationFailure } from '@temporalio/common';

/**
 * Every way an activity can fail on purpose, with whether Temporal should try again. The `type`
 * strings end up in workflow histories and the Web UI, so they never change once recorded; that
 * is why some read as class names (`SttRejectedError`): runs recorded before this list kept them.
 */
export interface FailureType {
  readonly type: string;
  readonly retryable: boolean;
  /** What happened, for someone reading a failed run. */
  readonly meaning: string;
}

const kind = <T extends string>(type: T, retryable: boolean, meaning: string) => Object.freeze({ type, retryable, meaning });

export const FAILURE_TYPES = Object.freeze({
  badInput: kind('BadInput', false, "the job's input cannot be read as given (a CSV without the required columns, an empty file)"),
  invalidInput: kind('InvalidInput', false, 'a value the risk model cannot score (not finite, out of range, unknown category)'),
  badData: kind('BadData', false, 'a stored row the step needs is missing, or PostgreSQL refused a value or a constraint'),
  missingReferenceData: kind('MissingReferenceData', false, 'the climate reference data lacks a grid point or years of its series'),
  outsideCoverage: kind('OutsideCoverage', false, 'the site is farther from the reference grid than the configured limit'),
  unsafeUrl: kind('UnsafeUrl', false, 'the URL is refused: not http(s), a private or loopback address, or too many redirects'),
  remoteRefused: kind('HttpClientError', false, 'the remote host answered with a 4xx status'),
  tooLarge: kind('TooLarge', false, 'the file is over the configured size limit'),
  badPlaylist: kind('BadPlaylist', false, 'the .asx playlist cannot be parsed or points at another playlist'),
  vendorRejected: kind('SttRejectedError', false, 'the vendor refused the request itself (bad audio or options, unknown or expired job)'),
  vendorAuth: kind('SttAuthError', false, 'the vendor refused our credentials, even after a fresh token'),
  vendorJobFailed: kind('VendorJobFailed', false, 'the vendor accepted the job and then reported that it failed'),
  vendorRateLimited: kind('SttRateLimitedError', true, 'the vendor answered 429 for load; try again after its Retry-After'),
  vendorQuotaExceeded: kind('SttQuotaExceededError', true, "the vendor account's usage quota is spent; try again much later"),
  vendorUnavailable: kind('SttTransientError', true, 'the vendor answered 5xx, reset the connection or timed out'),
  modelRefused: kind('ModelRefused', false, 'the model server refused the request itself (4xx: bad model name or key, prompt too long)'),
  modelRateLimited: kind('ModelRateLimited', true, 'the model server answered 429, or 503 with Retry-After; try again after it'),
  modelUnavailable: kind('ModelUnavailable', true, 'the model server answered 5xx, was unreachable, or went silent past the request or idle timeout'),
  modelProtocolError: kind('ModelProtocolError', true, 'the model server streamed a chunk that is not the protocol, or ended the stream early; a new call is made'),
  modelAnswerInvalid: kind('ModelAnswerInvalid', false, "the model's answer did not follow the feedback schema, even after one repair attempt"),
  jobCanceled: kind('JobCanceled', false, 'the job is being cancelled, so the step is not started'),
});

export type FailureTypeName = (typeof FAILURE_TYPES)[keyof typeof FAILURE_TYPES]['type'];

/** Builds the failure for a known condition; whether it is retried comes from the list above. */
export function knownFailure(failureType: FailureType, message: string, opts: { cause?: Error; details?: unknown[]; nextRetryDelayMs?: number } = {}): ApplicationFailure {
  return ApplicationFailure.create({
    message,
    type: failureType.type,
    nonRetryable: !failureType.retryable,
    cause: opts.cause,
    details: opts.details,
    nextRetryDelay: opts.nextRetryDelayMs,
  });
}
