import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { ProblemError } from './problem';

/** The API's five states, from Temporal's execution status. */
export type JobStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED';

export function jobStatus(d: WorkflowExecutionDescription): JobStatus {
  switch (d.status.name) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      // Started but no worker has picked up its first task yet.
      return d.historyLength <= 2 ? 'PENDING' : 'RUNNING';
    case 'COMPLETED':
      return 'COMPLETED';
    case 'CANCELLED':
      return 'CANCELED';
    default:
      return 'FAILED';
  }
}

export const isActive = (status: JobStatus) => status === 'PENDING' || status === 'RUNNING';

/** Requests cancellation of a run that is still going; a run that has ended is a 409 naming `what`. */
export async function cancelActiveRun(temporal: Client, workflowId: string, what: string): Promise<void> {
  const handle = temporal.workflow.getHandle(workflowId);
  if (!isActive(jobStatus(await handle.describe()))) throw new ProblemError(409, 'Conflict', `${what} is not running`);
  await handle.cancel();
}
