import { ActivityFailure, ChildWorkflowFailure } from '@temporalio/workflow';

/**
 * An error as one line for a row, an event log or the Web UI. Activity and child workflow
 * failures only say that a step failed ("Activity task failed"); what went wrong is their cause,
 * so the message worth keeping is the innermost one.
 */
export function failureMessage(err: unknown): string {
  if ((err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) && err.cause) return failureMessage(err.cause);
  return err instanceof Error ? err.message : String(err);
}
