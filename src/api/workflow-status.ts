import type { WorkflowExecutionDescription } from '@temporalio/client';

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
