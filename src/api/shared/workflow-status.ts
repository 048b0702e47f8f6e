import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ProblemError } from './problem';

/** The API's five states, from Temporal's execution status. */
export const JOB_STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** From a description, or a visibility record (whose history length is only current once the run has closed). */
export function jobStatus(d: { status: { name: string }; historyLength: number }): JobStatus {
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

/** A job's run as Temporal sees it. */
export interface RunState {
  status: JobStatus;
  closedAt: Date | null;
}

/**
 * The state of a job's run. A job whose row was committed but whose run was never started (the
 * start failed after the commit) is PENDING: submitting it again with the same key starts it.
 */
export async function describeRun(temporal: Client, workflowId: string): Promise<RunState> {
  try {
    const d = await temporal.workflow.getHandle(workflowId).describe();
    return { status: jobStatus(d), closedAt: d.closeTime ?? null };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { status: 'PENDING', closedAt: null };
    throw err;
  }
}

/** Requests cancellation of a run that is still going; a run that has ended is a 409 naming `what`. */
export async function cancelActiveRun(temporal: Client, workflowId: string, what: string): Promise<void> {
  const handle = temporal.workflow.getHandle(workflowId);
  const running = await handle.describe().then(
    (d) => isActive(jobStatus(d)),
    (err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    },
  );
  if (!running) throw new ProblemError(409, 'Conflict', `${what} is not running`);
  await handle.cancel();
}
