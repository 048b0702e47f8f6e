import type { Client, QueryDefinition } from '@temporalio/client';

/**
 * How long a view waits for a workflow to answer a query. A query is answered by a worker: it
 * waits for the run's workflow task in flight, queries of one run are answered one after another,
 * and on a run whose workers have stopped it waits until the server gives up (over 15 s here). A
 * view answers from what PostgreSQL stored instead of waiting for them.
 */
export const LIVE_STATE_TIMEOUT_MS = 3_000;

/** What a running workflow answers to `query`, or undefined when no worker answered in time (or the run has no such state). */
export async function queryLiveState<T>(temporal: Client, workflowId: string, query: QueryDefinition<T, []>, timeoutMs = LIVE_STATE_TIMEOUT_MS): Promise<T | undefined> {
  try {
    return await temporal.withDeadline(Date.now() + timeoutMs, () => temporal.workflow.getHandle(workflowId).query(query));
  } catch {
    return undefined;
  }
}
