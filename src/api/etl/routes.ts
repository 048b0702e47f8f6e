import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import * as etl from '../../infra/etl/queries';
import { webUiRunUrl } from '../../infra/temporal/client';
import { etlProgressQuery, type etlJobWorkflow } from '../../workflows/etl/job';
import { BUSINESS_KEY, PIPELINE } from '../../workflows/shared/search-attributes';
import type { ApiDeps } from '../shared/deps';
import { claimStoredInput, invalidField, putInput, readMultipart } from '../shared/ingress';
import { notFound } from '../shared/problem';
import { startOrGetExisting, workflowIdFromRequest } from '../shared/start-workflow';
import { cancelActiveRun, isActive, jobStatus } from '../shared/workflow-status';
import { defineRoute } from '../shared/route';
import type { EtlSettings } from '../../pipelines/etl/settings';

const Id = z.object({ id: z.string().min(1).max(200) });
const JsonInput = z.union([
  z.object({ records: z.array(z.record(z.string(), z.unknown())).min(1).max(100_000) }),
  z.object({ csvKey: z.string().min(1).max(1024) }),
]);
const Page = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) });

/** A CSV upload has one file part; a few text fields are tolerated and ignored. */
const csvUploadLimits = (maxBytes: number) => ({ fileBytes: maxBytes, fields: 10, fieldBytes: 1000 });

interface StoredInput {
  source: 'csv' | 'json';
  key: string;
  /** False for a {csvKey} that was already in storage: not this request's to delete. */
  storedHere: boolean;
}

/** Stores the input as received, so the workflow (and every retry) reads it from storage, never from the client. */
async function storeInput(deps: ApiDeps, settings: EtlSettings, req: Request, jobId: string): Promise<StoredInput> {
  const maxBytes = settings.maxFileBytes;
  if (req.is('multipart/form-data')) {
    const key = `etl/inputs/${jobId}-${randomUUID()}.csv`;
    await readMultipart(req, {
      fileField: 'file',
      limits: csvUploadLimits(maxBytes),
      receive: (file) => putInput(deps.store, key, file.stream, { maxBytes, contentType: 'text/csv', field: 'file' }),
      discard: () => deps.store.delete(key),
    });
    return { source: 'csv', key, storedHere: true };
  }
  const parsed = JsonInput.safeParse(req.body);
  if (!parsed.success) throw invalidField('body', 'send multipart/form-data with a CSV "file", or JSON {"records": [...]} or {"csvKey": "..."}');
  if ('csvKey' in parsed.data) {
    if (!(await deps.store.head(parsed.data.csvKey).catch(() => undefined))) throw invalidField('body.csvKey', 'no such object in storage');
    return { source: 'csv', key: parsed.data.csvKey, storedHere: false };
  }
  const key = `etl/inputs/${jobId}-${randomUUID()}.json`;
  await deps.store.put(key, Buffer.from(JSON.stringify(parsed.data.records)), { contentType: 'application/json' });
  return { source: 'json', key, storedHere: true };
}

async function loadJob(deps: ApiDeps, id: string): Promise<etl.EtlJobRow> {
  const job = await etl.findEtlJob(deps.pool, id);
  if (!job) throw notFound(`ETL job ${id}`);
  return job;
}

export function etlJobRoutes(deps: ApiDeps, settings: EtlSettings) {
  return [
    defineRoute({
      method: 'post',
      path: '/api/etl-jobs',
      summary: 'Load video metadata: multipart CSV `file`, JSON {records}, or JSON {csvKey} of a CSV in object storage',
      tag: 'etl',
      headers: { 'Idempotency-Key': 'Same key → same job' },
      multipart: { file: 'file', description: 'A CSV of videos (Korean or English headers, UTF-8 with or without BOM), at most ETL_MAX_FILE_BYTES' },
      responses: { 202: { description: 'Accepted' }, 200: { description: 'Already accepted earlier' } },
      async handler({ req, res }) {
        const id = workflowIdFromRequest(req, 'etl');
        if (!(await etl.findEtlJob(deps.pool, id))) {
          const input = await storeInput(deps, settings, req, id);
          await claimStoredInput(deps.store, input.storedHere ? input.key : undefined, () => etl.insertEtlJob(deps.pool, { id, source: input.source, inputKey: input.key }));
        }
        const { created } = await startOrGetExisting<typeof etlJobWorkflow>(deps.temporal, 'etlJobWorkflow', {
          workflowId: id,
          taskQueue: settings.queue.taskQueue,
          args: [{ jobId: id, tuning: settings.tuning }],
          typedSearchAttributes: [
            { key: PIPELINE, value: 'etl' },
            { key: BUSINESS_KEY, value: id },
          ],
          staticSummary: `video ETL job ${id}`,
        });
        res.status(created ? 202 : 200).location(`/api/etl-jobs/${id}`).json({ id, created, links: { self: `/api/etl-jobs/${id}`, run: `/api/runs/${id}`, webUi: webUiRunUrl(deps.config, id) } });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/etl-jobs/:id',
      summary: 'Status and counts of an ETL job',
      tag: 'etl',
      params: Id,
      responses: { 200: { description: 'The job' } },
      async handler({ params, res }) {
        const job = await loadJob(deps, params.id);
        const handle = deps.temporal.workflow.getHandle(job.id);
        const status = jobStatus(await handle.describe());
        const live = isActive(status) ? await handle.query(etlProgressQuery).catch(() => undefined) : undefined;
        const counts = await etl.jobCounts(deps.pool, job.id);
        res.json({
          id: job.id,
          status,
          counts: { total: job.total_rows ?? live?.totalRows ?? 0, ...counts },
          chunks: live ? { done: live.chunksDone, total: live.chunks } : undefined,
          error: job.error,
          createdAt: job.created_at.toISOString(),
          finishedAt: job.finished_at?.toISOString() ?? null,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/etl-jobs/:id/videos',
      summary: 'Videos of a job with their status, storage key, size and checksum (paged, filter by status)',
      tag: 'etl',
      params: Id,
      query: Page.extend({ status: z.enum(['PENDING', 'DOWNLOADED', 'LOADED', 'FAILED']).optional() }),
      responses: { 200: { description: 'A page of videos' } },
      async handler({ params, query, res }) {
        await loadJob(deps, params.id);
        res.json({ items: await etl.listJobVideos(deps.pool, params.id, query.status, query) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/etl-jobs/:id/rejections',
      summary: 'Rejected input rows with row number, column and reason',
      tag: 'etl',
      params: Id,
      query: Page,
      responses: { 200: { description: 'A page of rejections' } },
      async handler({ params, query, res }) {
        await loadJob(deps, params.id);
        res.json({ items: await etl.listRejections(deps.pool, params.id, query) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/etl-jobs/:id/cancel',
      summary: 'Cancel a job; finished videos are kept',
      tag: 'etl',
      params: Id,
      responses: { 202: { description: 'Cancellation requested' } },
      async handler({ params, res }) {
        const job = await loadJob(deps, params.id);
        await cancelActiveRun(deps.temporal, job.id, `ETL job ${job.id}`);
        res.status(202).json({ id: job.id, status: 'CANCELING' });
      },
    }),
  ];
}
