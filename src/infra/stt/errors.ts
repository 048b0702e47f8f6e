import { VendorError, type VendorErrorDetails } from '../http/vendor-error';

/**
 * What can go wrong talking to a speech-to-text vendor, as types. `classify.ts` is the only place
 * that decides which one a response or network failure is; callers branch on the type (or on
 * `retryable`), never on messages. Names are stable: Temporal uses them as failure types.
 */

export type SttErrorDetails = VendorErrorDetails;

export abstract class SttError extends VendorError {}

/** Which limit the vendor said we hit: concurrent jobs (A0002), request rate (A0003), or it did not say. */
export type SttRateLimitCode = 'A0002' | 'A0003' | 'unknown';

/** HTTP 429 for load: retry after `retryAfterMs` (the vendor's Retry-After) or a backoff of our own. */
export class SttRateLimitedError extends SttError {
  override name = 'SttRateLimitedError';
  readonly retryable = true;
  constructor(
    message: string,
    readonly code: SttRateLimitCode,
    readonly retryAfterMs?: number,
    details: SttErrorDetails = {},
  ) {
    super(message, details);
  }
}

/**
 * The account's usage quota is spent (RTZR 429 A0001, OpenAI `insufficient_quota`). Retrying in
 * seconds only burns requests: pause for a long time, and tell the user why.
 */
export class SttQuotaExceededError extends SttError {
  override name = 'SttQuotaExceededError';
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    details: SttErrorDetails = {},
  ) {
    super(message, details);
  }
}

/** The vendor refused the request itself (bad audio, bad options, unknown or expired job): retrying cannot help. */
export class SttRejectedError extends SttError {
  override name = 'SttRejectedError';
  readonly retryable = false;
  constructor(
    message: string,
    /** The vendor's message, verbatim, for the user. */
    readonly vendorMessage: string,
    details: SttErrorDetails = {},
  ) {
    super(message, details);
  }
}

/** 5xx, connection resets, timeouts, garbled answers: the same request may well work a moment later. */
export class SttTransientError extends SttError {
  override name = 'SttTransientError';
  readonly retryable = true;
  /** Set when a 503 came with Retry-After. */
  readonly retryAfterMs?: number;
  constructor(message: string, details: SttErrorDetails & { retryAfterMs?: number } = {}) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Credentials refused, or a fresh token refused again: needs an operator, not a retry. */
export class SttAuthError extends SttError {
  override name = 'SttAuthError';
  readonly retryable = false;
}
