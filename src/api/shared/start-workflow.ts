import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle, type WorkflowStartOptions } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { Request } from 'express';
import { idempotencyKeyOf } from './ingress/idempotency-key';

/**
 * Readable workflow ids from business keys: `Idempotency-Key: abc` on a risk request
 * becomes `risk-abc`, so a double submit lands on the same workflow id. The key follows the one
 * ingress rule (checked there before the body is read, and again here for any other caller).
 */
export function workflowIdFromRequest(req: Request, prefix: string, businessKey?: string): string {
  return `${prefix}-${idempotencyKeyOf(req) ?? businessKey ?? randomUUID()}`;
}

export interface Started<W extends Workflow> {
  handle: WorkflowHandle<W>;
  /** False when the id already had a run (running or closed): nothing new was started. */
  created: boolean;
}

/** Starts the workflow unless one with the same id exists, in which case that run is returned. */
export async function startOrGetExisting<W extends Workflow>(
  client: Client,
  workflow: W | string,
  options: WorkflowStartOptions<W>,
): Promise<Started<W>> {
  try {
    // FAIL on a running duplicate and REJECT_DUPLICATE on a closed one both surface as
    // AlreadyStarted, which is exactly "this request was already accepted".
    const handle = await client.workflow.start(workflow, {
      ...options,
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { handle, created: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { handle: client.workflow.getHandle(options.workflowId), created: false };
    }
    throw err;
  }
}
