import { z } from 'zod';
import { JOB_VIDEO_STATUSES } from '../../infra/etl/queries';
import type { EtlSettings } from '../../pipelines/etl/settings';
import type { ApiDeps } from '../shared/deps';
import { jobResource } from '../shared/job-resource';
import { defineRoute, type RouteSpec } from '../shared/route';
import { storeInput } from './input';
import { createEtlJobService, EtlJobFields } from './service';

const Id = z.object({ id: z.string().min(1).max(200) });
const Page = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) });

const Video = z.object({
  videoId: z.string(),
  title: z.string(),
  status: z.enum(JOB_VIDEO_STATUSES),
  attempts: z.number(),
  error: z.string().nullable(),
  sourceUrl: z.string(),
  resolvedUrl: z.string().nullable().describe('The media a playlist (.asx) resolved to, or the URL itself'),
  httpStatus: z.number().nullable(),
  storageKey: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  sha256: z.string().nullable(),
});
const Rejection = z.object({ rowNumber: z.number().describe('Spreadsheet row: the header is row 1'), column: z.string().nullable(), reason: z.string() });

export function etlJobRoutes(deps: ApiDeps, settings: EtlSettings): RouteSpec[] {
  const service = createEtlJobService(deps, settings);
  const jobs = jobResource(deps, service, {
    basePath: '/api/etl-jobs',
    noun: 'ETL job',
    tag: 'etl',
    workflowIdPrefix: 'etl',
    summaries: {
      accept: 'Load video metadata: multipart CSV `file`, JSON {records}, or JSON {csvKey} of a CSV in object storage',
      view: 'Status and counts of an ETL job',
      cancel: 'Cancel a job; finished videos are kept',
    },
    accept: {
      idempotencyKey: 'Same key → same job',
      multipart: { file: 'file', description: 'A CSV of videos (Korean or English headers, UTF-8 with or without BOM), at most ETL_MAX_FILE_BYTES' },
      read: async ({ req, id }) => ({ id, input: await storeInput(deps, settings, req, id) }),
    },
    fields: EtlJobFields,
    subresources: ['videos', 'rejections'],
  });
  return [
    ...jobs.routes,
    defineRoute({
      method: 'get',
      path: '/api/etl-jobs/:id/videos',
      summary: 'Videos of a job with their status, storage key, size and checksum (paged, filter by status)',
      tag: 'etl',
      params: Id,
      query: Page.extend({ status: z.enum(JOB_VIDEO_STATUSES).optional() }),
      responses: { 200: { description: 'A page of videos', schema: z.object({ items: z.array(Video) }) } },
      async handler({ params, query, res }) {
        const job = await jobs.load(params.id);
        res.json({ items: await service.videos(job.id, query.status, query) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/etl-jobs/:id/rejections',
      summary: 'Rejected input rows with row number, column and reason',
      tag: 'etl',
      params: Id,
      query: Page,
      responses: { 200: { description: 'A page of rejections', schema: z.object({ items: z.array(Rejection) }) } },
      async handler({ params, query, res }) {
        const job = await jobs.load(params.id);
        res.json({ items: await service.rejections(job.id, query) });
      },
    }),
  ];
}
