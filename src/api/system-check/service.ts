import { findSystemChecks, type SystemCheck } from '../../infra/system-check/queries';
import type { systemCheckWorkflow } from '../../workflows/system-check/system-check';
import { BUSINESS_KEY, PIPELINE } from '../../workflows/shared/search-attributes';
import type { ApiDeps } from '../shared/deps';
import { notFound } from '../shared/problem';
import { startOrGetExisting } from '../shared/start-workflow';

export interface CheckRun {
  queue: string;
  workflowId: string;
  /** False when this check already ran (or runs) on the queue. */
  created: boolean;
}

export type SystemCheckService = ReturnType<typeof createSystemCheckService>;

/**
 * An operator's end-to-end probe: one workflow per pipeline's task queue, each writing a row to
 * PostgreSQL. The API writes nothing itself: the workflows do.
 */
export function createSystemCheckService(deps: Pick<ApiDeps, 'pool' | 'temporal' | 'taskQueues'>) {
  return {
    /** Pipelines whose queues can be probed. */
    pipelines: Object.keys(deps.taskQueues),

    /** Starts the check on each pipeline's queue unless it ran there already (`<checkId>-<pipeline>` is the workflow id). */
    start(checkId: string, pipelines: readonly string[]): Promise<CheckRun[]> {
      return Promise.all(
        pipelines.map(async (queue) => {
          const workflowId = `${checkId}-${queue}`;
          const { created } = await startOrGetExisting<typeof systemCheckWorkflow>(deps.temporal, 'systemCheckWorkflow', {
            workflowId,
            taskQueue: deps.taskQueues[queue],
            args: [checkId],
            workflowExecutionTimeout: '1 minute',
            typedSearchAttributes: [
              { key: PIPELINE, value: 'system-check' },
              { key: BUSINESS_KEY, value: checkId },
            ],
            staticSummary: `system check ${checkId} on queue ${queue}`,
          });
          return { queue, workflowId, created };
        }),
      );
    },

    /** The rows the check's workflows wrote, by task queue; 404 before any has written one. */
    async find(checkId: string): Promise<SystemCheck[]> {
      const rows = await findSystemChecks(deps.pool, checkId);
      if (rows.length === 0) throw notFound(`System check ${checkId}`);
      return rows;
    },
  };
}
