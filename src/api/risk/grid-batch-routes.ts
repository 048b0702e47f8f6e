import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { findBatch, listBatches, type BatchRow } from '../../infra/risk/queries/grid-batch';
import { webUiRunUrl } from '../../infra/temporal/client';
import { triggerGridBatch } from '../../pipelines/risk/grid-batch-schedule';
import type { ApiDeps } from '../shared/deps';
import { notFound, ProblemError } from '../shared/problem';
import { defineRoute } from '../shared/route';
import type { RiskSettings } from '../../pipelines/risk/settings';

const BatchView = z.object({
  id: z.string(),
  status: z.string(),
  trigger: z.string(),
  windowYears: z.number(),
  pointsTotal: z.number(),
  pointsDone: z.number(),
  failedPoints: z.number(),
  chunksDone: z.number(),
  maxChunkAttempts: z.number(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  webUiUrl: z.string(),
});

// Temporal ends a run that exceeds its timeout, or that an operator terminated, without giving
// the workflow a chance to write its final row: those outcomes come from Temporal itself.
const ENDED_BY_TEMPORAL: Record<string, string> = { TIMED_OUT: 'TIMED_OUT', TERMINATED: 'TERMINATED', FAILED: 'FAILED' };

async function temporalOutcome(temporal: Client, batchId: string): Promise<string | undefined> {
  try {
    const description = await temporal.workflow.getHandle(batchId).describe();
    return ENDED_BY_TEMPORAL[description.status.name];
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

async function view(deps: ApiDeps, row: BatchRow): Promise<z.infer<typeof BatchView>> {
  const ended = row.status === 'RUNNING' ? await temporalOutcome(deps.temporal, row.id) : undefined;
  return {
    ...row,
    status: ended ?? row.status,
    error: row.error ?? (ended ? `the batch run ended as ${ended} in Temporal` : null),
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    webUiUrl: webUiRunUrl(deps.config, row.id),
  };
}

/** The hazard grid batch: run it now (through its schedule) and read how runs went. */
export function gridBatchRoutes(deps: ApiDeps, settings: RiskSettings) {
  return [
    defineRoute({
      method: 'post',
      path: '/api/risk-batches',
      summary: 'Run the hazard grid batch now; skipped while a batch is running',
      tag: 'risk',
      responses: {
        202: { description: 'A batch was started', schema: z.object({ started: z.literal(true), batchId: z.string().optional() }) },
        409: { description: 'A batch is already running; nothing new was started' },
      },
      async handler({ res }) {
        const outcome = await triggerGridBatch(deps.temporal, settings);
        if (!outcome.started) {
          throw new ProblemError(409, 'Conflict', `grid batch ${outcome.batchId ?? '(starting)'} is still running; the trigger was skipped (overlap policy SKIP)`);
        }
        if (outcome.batchId) res.location(`/api/risk-batches/${outcome.batchId}`);
        res.status(202).json(outcome);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/risk-batches',
      summary: 'Recent grid batches, newest first, with the schedule',
      tag: 'risk',
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
      responses: {
        200: {
          description: 'Batches',
          schema: z.object({
            schedule: z.object({ id: z.string(), nextRunAt: z.string().nullable(), paused: z.boolean(), runningBatchIds: z.array(z.string()) }),
            batches: z.array(BatchView),
          }),
        },
      },
      async handler({ query, res }) {
        const [description, rows] = await Promise.all([
          deps.temporal.schedule.getHandle(settings.gridBatch.scheduleId).describe(),
          listBatches(deps.pool, query.limit),
        ]);
        res.json({
          schedule: {
            id: settings.gridBatch.scheduleId,
            nextRunAt: description.info.nextActionTimes[0]?.toISOString() ?? null,
            paused: description.state.paused,
            runningBatchIds: description.info.runningActions.map((a) => a.workflow.workflowId),
          },
          batches: await Promise.all(rows.map((row) => view(deps, row))),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/risk-batches/:id',
      summary: 'One grid batch: progress, outcome and its Web UI link',
      tag: 'risk',
      params: z.object({ id: z.string().min(1) }),
      responses: { 200: { description: 'The batch', schema: BatchView } },
      async handler({ params, res }) {
        const row = await findBatch(deps.pool, params.id);
        if (!row) throw notFound(`Grid batch ${params.id}`);
        res.json(await view(deps, row));
      },
    }),
  ];
}
