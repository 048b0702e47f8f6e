import { z } from 'zod';
import { findSystemChecks } from '../../infra/system-check/queries';
import type { systemCheckWorkflow } from '../../workflows/system-check/system-check';
import { BUSINESS_KEY, PIPELINE } from '../../workflows/shared/search-attributes';
import type { ApiDeps } from '../shared/deps';
import { notFound } from '../shared/problem';
import { startOrGetExisting, workflowIdFromRequest } from '../shared/start-workflow';
import { defineRoute } from '../shared/route';

const CheckView = z.object({
  id: z.string(),
  queues: z.array(z.object({ queue: z.string(), worker: z.string(), attempts: z.number(), checkedAt: z.string() })),
});

/** An operator's end-to-end probe: one workflow per task queue, each writing a row to PostgreSQL. */
export function systemCheckRoutes(deps: ApiDeps) {
  const pipelines = Object.keys(deps.taskQueues);
  const Queue = z.enum(pipelines as [string, ...string[]]);
  return [
    defineRoute({
      method: 'post',
      path: '/api/system-checks',
      summary: 'Run a workflow on each task queue that writes a row to PostgreSQL',
      tag: 'system',
      headers: { 'Idempotency-Key': 'Repeat a check id instead of starting a new one' },
      body: z.object({ queues: z.array(Queue).min(1).default(pipelines) }),
      responses: { 202: { description: 'Started', schema: z.object({ id: z.string(), runs: z.array(z.object({ queue: Queue, workflowId: z.string(), created: z.boolean() })) }) } },
      async handler({ body, req, res }) {
        const checkId = workflowIdFromRequest(req, 'check');
        const runs = await Promise.all(
          body.queues.map(async (queue) => {
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
        res.status(202).location(`/api/system-checks/${checkId}`).json({ id: checkId, runs });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/system-checks/:id',
      summary: 'Rows the check workflows wrote',
      tag: 'system',
      params: z.object({ id: z.string().min(1) }),
      responses: { 200: { description: 'The check', schema: CheckView } },
      async handler({ params, res }) {
        const rows = await findSystemChecks(deps.pool, params.id);
        if (rows.length === 0) throw notFound(`System check ${params.id}`);
        res.json({
          id: params.id,
          queues: rows.map((r) => ({ queue: r.task_queue, worker: r.worker, attempts: r.attempts, checkedAt: r.checked_at.toISOString() })),
        });
      },
    }),
  ];
}
