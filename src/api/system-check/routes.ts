import { z } from 'zod';
import type { ApiDeps } from '../shared/deps';
import { runLinks } from '../shared/job-resource';
import { defineRoute, type RouteSpec } from '../shared/route';
import { workflowIdFromRequest } from '../shared/start-workflow';
import { createSystemCheckService } from './service';

const RunLinks = z.object({ run: z.string(), webUi: z.string().describe('The run in the Temporal Web UI') });
const SelfLink = z.object({ self: z.string() });

const CheckView = z.object({
  id: z.string(),
  queues: z.array(z.object({ queue: z.string(), worker: z.string(), attempts: z.number(), checkedAt: z.string() })),
  links: SelfLink,
});

/**
 * A check is one id over several runs (one per queue), so it takes the shared accept rule (key →
 * id, 202 when something new started, 200 when the key was used before, Location) and each run's
 * links, but has no single status to show or run to cancel.
 */
export function systemCheckRoutes(deps: ApiDeps): RouteSpec[] {
  const service = createSystemCheckService(deps);
  const Queue = z.enum(service.pipelines as [string, ...string[]]);
  const Started = z.object({
    id: z.string(),
    runs: z.array(z.object({ queue: Queue, workflowId: z.string(), created: z.boolean(), links: RunLinks })),
    links: SelfLink,
  });
  const self = (id: string) => `/api/system-checks/${id}`;
  return [
    defineRoute({
      method: 'post',
      path: '/api/system-checks',
      summary: 'Run a workflow on each task queue that writes a row to PostgreSQL',
      tag: 'system',
      headers: { 'Idempotency-Key': 'Repeat a check id instead of starting a new one' },
      body: z.object({ queues: z.array(Queue).min(1).default(service.pipelines) }),
      responses: {
        202: { description: 'Started', schema: Started },
        200: { description: 'Every run of this check had been started before', schema: Started },
      },
      async handler({ body, req, res }) {
        const checkId = workflowIdFromRequest(req, 'check');
        const runs = await service.start(checkId, body.queues);
        res
          .status(runs.some((r) => r.created) ? 202 : 200)
          .location(self(checkId))
          .json({ id: checkId, runs: runs.map((r) => ({ ...r, links: runLinks(deps.config, r.workflowId) })), links: { self: self(checkId) } });
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
        const rows = await service.find(params.id);
        res.json({
          id: params.id,
          queues: rows.map((r) => ({ queue: r.taskQueue, worker: r.worker, attempts: r.attempts, checkedAt: r.checkedAt.toISOString() })),
          links: { self: self(params.id) },
        });
      },
    }),
  ];
}
