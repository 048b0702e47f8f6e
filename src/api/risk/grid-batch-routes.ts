import { z } from 'zod';
import { webUiRunUrl } from '../../infra/temporal/client';
import type { RiskSettings } from '../../pipelines/risk/settings';
import type { ApiDeps } from '../shared/deps';
import { ProblemError } from '../shared/problem';
import { defineRoute, type RouteSpec } from '../shared/route';
import { createGridBatchService, type GridBatch } from './grid-batch-service';
import { counted } from './units';

const BatchView = z.object({
  id: z.string(),
  status: z.string().describe('RUNNING, COMPLETED, FAILED, or how Temporal ended it (TIMED_OUT, TERMINATED)'),
  trigger: z.string().describe('schedule (yearly, first start or POST), or direct'),
  windowYears: counted('Years of intensities behind each P(H)', 30),
  pointsTotal: counted('Grid points in the batch', 4000),
  pointsDone: counted('Grid points computed and stored', 4000),
  failedPoints: counted('Grid points skipped for unusable reference data', 0),
  chunksDone: counted('Chunks stored', 200),
  maxChunkAttempts: counted('Most attempts any chunk needed', 1),
  error: z.string().nullable(),
  startedAt: z.string().describe('ISO 8601 time'),
  finishedAt: z.string().nullable().describe('ISO 8601 time; null while running'),
  webUiUrl: z.string(),
});

const BatchChunks = z.object({
  batch: BatchView,
  chunks: z.array(
    z.object({
      firstGridId: counted('First grid point id of the chunk', 1),
      lastGridId: counted('Last grid point id of the chunk', 250),
      points: counted('Grid points in the chunk', 250),
      rowsWritten: counted('Hazard rows written: points × scenarios × years × hazards', 720_000),
      failedPoints: counted('Points skipped for unusable reference data', 0),
      attempts: counted('Activity attempts the chunk took', 1),
      finishedAt: z.string(),
    }),
  ),
  failedChunks: counted('Chunks whose retries ran out; null when the batch did not complete or its run cannot tell', 0).nullable(),
  chunksInFlight: counted('Chunks being computed while the batch runs; null otherwise', 4).nullable(),
});

function view(deps: ApiDeps, batch: GridBatch): z.infer<typeof BatchView> {
  const { endedBy, ...row } = batch;
  return {
    ...row,
    status: endedBy ?? row.status,
    error: row.error ?? (endedBy ? `the batch run ended as ${endedBy} in Temporal` : null),
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    webUiUrl: webUiRunUrl(deps.config, row.id),
  };
}

/** The hazard grid batch: run it now (through its schedule) and read how runs went. */
export function gridBatchRoutes(deps: ApiDeps, settings: RiskSettings): RouteSpec[] {
  const service = createGridBatchService(deps, settings);
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
        const outcome = await service.trigger();
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
            schedule: z.object({ id: z.string(), nextRunAt: z.string().nullable().describe('ISO 8601 time'), paused: z.boolean(), runningBatchIds: z.array(z.string()) }),
            batches: z.array(BatchView),
          }),
        },
      },
      async handler({ query, res }) {
        const { schedule, batches } = await service.list(query.limit);
        res.json({ schedule: { ...schedule, nextRunAt: schedule.nextRunAt?.toISOString() ?? null }, batches: batches.map((b) => view(deps, b)) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/risk-batches/:id/chunks',
      summary: 'Chunks of a grid batch: the stored ones in grid order, and how many are in flight or failed',
      tag: 'risk',
      params: z.object({ id: z.string().min(1) }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(1000) }),
      responses: { 200: { description: 'The batch and its chunks', schema: BatchChunks } },
      async handler({ params, query, res }) {
        const { batch, chunks, failedChunks, chunksInFlight } = await service.chunks(params.id, query.limit);
        res.json({
          batch: view(deps, batch),
          chunks: chunks.map((c) => ({ ...c, finishedAt: c.finishedAt.toISOString() })),
          failedChunks,
          chunksInFlight,
        } satisfies z.input<typeof BatchChunks>);
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
        res.json(view(deps, await service.find(params.id)));
      },
    }),
  ];
}
