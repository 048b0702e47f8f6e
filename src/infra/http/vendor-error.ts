/** What every typed error from a third party's HTTP API carries, whichever vendor it came from. */
export interface VendorErrorDetails {
  /** The vendor's own error code (RTZR's `A0002`, OpenAI's `rate_limit_exceeded`, …). */
  vendorCode?: string;
  httpStatus?: number;
  cause?: unknown;
}

/** Base of each vendor client's error types; the subclasses say whether a retry can help. */
export abstract class VendorError extends Error {
  abstract readonly retryable: boolean;
  readonly vendorCode?: string;
  readonly httpStatus?: number;

  constructor(message: string, details: VendorErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.vendorCode = details.vendorCode;
    this.httpStatus = details.httpStatus;
  }
}
