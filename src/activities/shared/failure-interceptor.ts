import { CompleteAsyncError } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { knownFailure, type FailureType } from './failure-types';

/** What a classifier recognised an error as, and what the failure should carry besides. */
export interface Classification {
  failureType: FailureType;
  /** Read back by workflows (e.g. `[{ status }]` for a 4xx answer). */
  details?: unknown[];
  /** Overrides the retry policy's backoff, e.g. with a vendor's Retry-After. */
  nextRetryDelayMs?: number;
}

/** Recognises the errors of one pipeline or external system; `undefined` leaves the error to the next classifier. */
export type FailureClassifier = (err: unknown) => Classification | undefined;

/**
 * The failure Temporal records for an error thrown by an activity. The first classifier that
 * recognises it decides the type and whether it is retried; the original error follows as the
 * cause, and its stack is the failure's, so the history points at where it was thrown. An error
 * nobody recognises is retried under its own class name, as the SDK itself would do.
 */
export function toApplicationFailure(err: unknown, classifiers: readonly FailureClassifier[]): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const error = err instanceof Error ? err : new Error(String(err));
  for (const classify of classifiers) {
    const found = classify(error);
    if (!found) continue;
    const failure = knownFailure(found.failureType, error.message, { cause: asIs(error), details: found.details, nextRetryDelayMs: found.nextRetryDelayMs });
    failure.stack = error.stack;
    return failure;
  }
  return asIs(error);
}

/**
 * An error as a retryable failure of its own class name. Temporal keeps only the message and
 * stack of a cause that is not a failure already, so causes go through here too; `code` (a
 * SQLSTATE, ECONNRESET) is kept in the details because it is what tells such errors apart.
 */
function asIs(error: Error): ApplicationFailure {
  const code = (error as { code?: unknown }).code;
  const failure = ApplicationFailure.create({
    message: error.message,
    type: error.constructor?.name ?? error.name,
    nonRetryable: false,
    details: typeof code === 'string' ? [{ code }] : undefined,
    cause: error.cause instanceof ApplicationFailure ? error.cause : error.cause instanceof Error ? asIs(error.cause) : undefined,
  });
  failure.stack = error.stack;
  return failure;
}

/**
 * One activity interceptor for every worker: activities throw what they throw, and this turns it
 * into a typed failure on the way out. A cancelled activity's error and an async completion are
 * left alone: the SDK reports those as cancellation and completion, not as failures.
 */
export function createFailureInterceptor(classifiers: readonly FailureClassifier[]): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (err) {
          if (err instanceof CancelledFailure || err instanceof CompleteAsyncError || ctx.cancellationSignal.aborted) throw err;
          throw toApplicationFailure(err, classifiers);
        }
      },
    },
  });
}
