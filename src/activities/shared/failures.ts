import { ApplicationFailure } from '@temporalio/common';
import { InvalidRiskInputError } from '../../domain/risk/errors';
import { classifyPgError } from '../../infra/db/errors';
import { ReferenceDataMissingError } from '../../infra/risk/queries/reference';
import { SttError } from '../../infra/stt/errors';

/** Failure types workflows name in `nonRetryableErrorTypes`. */
export const NON_RETRYABLE = {
  invalidInput: 'InvalidInput',
  badData: 'BadData',
  outsideCoverage: 'OutsideCoverage',
} as const;

/**
 * Turns an activity error into what Temporal should do with it: bad input and permanent
 * database errors stop at once; everything else (resets, timeouts, serialization failures)
 * is rethrown as-is and retried with backoff by the activity's retry policy.
 */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ReferenceDataMissingError) {
    return ApplicationFailure.create({ message: err.message, type: NON_RETRYABLE.badData, nonRetryable: true, cause: err });
  }
  if (err instanceof SttError && !err.retryable) {
    // The vendor refused this request (bad audio, bad credentials): repeating it cannot help.
    return ApplicationFailure.create({ message: err.message, type: err.name, nonRetryable: true, cause: err });
  }
  if (err instanceof InvalidRiskInputError) {
    return ApplicationFailure.create({ message: err.message, type: NON_RETRYABLE.invalidInput, nonRetryable: true, cause: err });
  }
  if (classifyPgError(err) === 'permanent') {
    return ApplicationFailure.create({ message: (err as Error).message, type: NON_RETRYABLE.badData, nonRetryable: true, cause: err as Error });
  }
  return err;
}

/** Wraps an activity implementation so every failure goes through `toActivityFailure`. */
export function classified<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw toActivityFailure(err);
    }
  };
}
